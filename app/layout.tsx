/**
 * The public site's <html> is rendered by app/[locale]/layout.tsx (its lang
 * follows the URL) and the studio's by app/studio/layout.tsx; this root only
 * passes through, as next-intl's locale-segment routing expects.
 */
import './globals.css';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return children;
}
