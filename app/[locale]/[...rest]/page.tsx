/** Any unknown path under a language renders that language's 404. */
import { notFound } from 'next/navigation';

export default function CatchAll() {
  notFound();
}
