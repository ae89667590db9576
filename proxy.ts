/**
 * Sends visitors to a language: "/" and unprefixed public paths (old links
 * such as /records/…) redirect to /vi/… or /en/… by the visitor's cookie or
 * Accept-Language. Staff, API, media and protocol routes are not localised.
 */
import createMiddleware from 'next-intl/middleware';
import { routing } from './lib/i18n/routing';

export default createMiddleware(routing);

export const config = {
  matcher: ['/((?!api|studio|oai|iiif|feeds|_next|_vercel|sitemap\\.xml|robots\\.txt|.*\\..*).*)'],
};
