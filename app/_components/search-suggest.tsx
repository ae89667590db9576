'use client';
/**
 * Suggestions under the search box (an ARIA combobox): after a short pause
 * in typing, the first records the search API finds, in the page's
 * language; arrows move, Enter opens, Escape closes. Without JavaScript it
 * is a plain search input.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { Locale } from '@/lib/i18n/locales';

interface Suggestion {
  id: string;
  slug: string;
  title: { vi: string; en?: string };
}

type Props = { id: string; locale: Locale; defaultValue?: string; placeholder: string; suggestionsLabel: string };

export function SearchSuggest({ id, locale, defaultValue = '', placeholder, suggestionsLabel }: Props) {
  const [value, setValue] = useState(defaultValue);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const typed = useRef(false);

  useEffect(() => {
    const q = value.trim();
    if (!typed.current || q.length < 2) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/v1/search?q=${encodeURIComponent(q)}`, { signal: controller.signal });
        if (!response.ok) return;
        const body = (await response.json()) as { hits: Suggestion[] };
        setItems(body.hits.slice(0, 6));
        setActive(-1);
        setOpen(true);
      } catch {
        // Offline or aborted: the form still submits.
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value]);

  const href = (s: Suggestion) => `/${locale}/records/${s.id}/${s.slug}`;
  const shown = open && items.length > 0;

  return (
    <div className="relative min-w-0 flex-1">
      <input
        id={id}
        name="q"
        type="search"
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        role="combobox"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
        className="w-full rounded border border-ink/40 bg-white px-3 py-2 text-base"
        onChange={(event) => {
          typed.current = true;
          setValue(event.target.value);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (!shown) return;
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setActive((a) => (a + 1) % items.length);
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
          } else if (event.key === 'Escape') {
            // Close the list, but keep what was typed (a search input clears itself on Escape).
            event.preventDefault();
            setOpen(false);
          } else if (event.key === 'Enter' && active >= 0) {
            event.preventDefault();
            window.location.assign(href(items[active]!));
          }
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={suggestionsLabel}
        hidden={!shown}
        className="absolute left-0 right-0 top-full z-20 mt-1 overflow-hidden rounded border border-ink/20 bg-white shadow-lg"
      >
        {items.map((s, i) => (
          <li key={s.id} id={`${listId}-${i}`} role="option" aria-selected={i === active} className="aria-selected:bg-turmeric/30">
            <a href={href(s)} className="block px-3 py-2 text-sm hover:bg-bone" tabIndex={-1} lang={locale === 'en' && !s.title.en ? 'vi' : undefined}>
              {locale === 'en' ? (s.title.en ?? s.title.vi) : s.title.vi}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
