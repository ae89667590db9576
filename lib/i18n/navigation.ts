/**
 * Locale-aware redirects (next-intl), bound to our routing. Links use
 * ./link.tsx instead: a server component that adds no client JavaScript.
 */
import { createNavigation } from 'next-intl/navigation';
import { routing } from './routing';

export const { redirect, permanentRedirect } = createNavigation(routing);
