/**
 * A link to a public page in the current language: "/library" becomes
 * "/vi/library". A server component, so pages do not ship next-intl's
 * client runtime (about 10 KB gzipped) just to prefix hrefs. Prefetching is
 * off: on a metered phone connection, fetching every visible link's page in
 * advance costs data the visitor did not ask to spend.
 */
import NextLink from 'next/link';
import { getLocale } from 'next-intl/server';
import type { ComponentProps } from 'react';
import { isLocale, type Locale } from './routing';

type Props = Omit<ComponentProps<'a'>, 'href'> & { href: string; locale?: Locale };

export function localizedHref(href: string, locale: Locale): string {
  if (!href.startsWith('/')) return href;
  return href === '/' ? `/${locale}` : `/${locale}${href}`;
}

export async function Link({ href, locale, ...rest }: Props) {
  const requested = locale ?? (await getLocale());
  return <NextLink href={localizedHref(href, isLocale(requested) ? requested : 'vi')} prefetch={false} {...rest} />;
}
