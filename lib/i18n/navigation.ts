/** Locale-aware Link, redirect and pathname helpers (next-intl), bound to our routing. */
import { createNavigation } from 'next-intl/navigation';
import { routing } from './routing';

export const { Link, redirect, permanentRedirect, usePathname, useRouter, getPathname } = createNavigation(routing);
