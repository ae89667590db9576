/** The search box: a plain GET form (works without JavaScript) with suggestions as you type once scripts load. */
import { getTranslations } from 'next-intl/server';
import type { Locale } from '@/lib/i18n/routing';
import { SearchSuggest } from './search-suggest';

type Props = { locale: Locale; id: string; defaultValue?: string; className?: string; hidden?: { name: string; value: string }[] };

export async function SearchForm({ locale, id, defaultValue, className = '', hidden = [] }: Props) {
  const t = await getTranslations({ locale, namespace: 'site' });
  return (
    <form action={`/${locale}/search`} method="get" role="search" className={`flex gap-2 ${className}`}>
      <label htmlFor={id} className="sr-only">
        {t('search.label')}
      </label>
      <SearchSuggest
        id={id}
        locale={locale}
        defaultValue={defaultValue}
        placeholder={t('search.placeholder')}
        suggestionsLabel={t('search.suggestions')}
      />
      {hidden.map(({ name, value }) => (
        <input key={`${name}-${value}`} type="hidden" name={name} value={value} />
      ))}
      <button className="rounded bg-ink px-4 py-2 font-semibold text-bone">{t('search.submit')}</button>
    </form>
  );
}
