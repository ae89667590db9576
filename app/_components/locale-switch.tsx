'use client';
/**
 * Switches language and stays on the page. The href works without
 * JavaScript (same path, other prefix); with it, the query (a search, its
 * filters) comes along too.
 */
import { usePathname } from 'next/navigation';
import { switchLocale } from '@/lib/i18n/paths';
import type { Locale } from '@/lib/i18n/locales';

export function LocaleSwitch({ target, label, name }: { target: Locale; label: string; name: string }) {
  const pathname = usePathname() ?? '/';
  return (
    <a
      href={switchLocale(pathname, target)}
      hrefLang={target}
      lang={target}
      title={label}
      data-testid="locale-switch"
      className="rounded border border-bone/50 px-2 py-0.5 text-sm hover:bg-bone hover:text-ink"
      onClick={(event) => {
        event.preventDefault();
        // Remember the choice so "/" sends this visitor to it next time (next-intl reads this cookie).
        document.cookie = `NEXT_LOCALE=${target}; path=/; max-age=31536000; samesite=lax`;
        window.location.assign(switchLocale(window.location.pathname + window.location.search, target));
      }}
    >
      {name}
    </a>
  );
}
