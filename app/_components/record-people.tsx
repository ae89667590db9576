/**
 * The people of a record on its page: name, roles and community. A person
 * who did not consent to be named is shown as "(giấu tên theo nguyện vọng)"
 * / "(name withheld at their request)" with their roles only; staff see the
 * name, with a note that the public does not.
 *
 * The component applies the consent decision itself (publicRecordFor is
 * idempotent), so the list is right however the page read the record.
 */
import { getTranslations } from 'next-intl/server';
import { isWithheld, publicRecordFor } from '@/lib/access/consent';
import type { Viewer } from '@/lib/access/policy';
import type { Locale } from '@/lib/i18n/routing';
import { groupName } from '@/lib/catalog/labels';
import type { HeritageRecord } from '@/lib/records/schema';
import type { Vocabularies } from '@/lib/records/vocabularies';

type Props = { record: HeritageRecord; viewer: Viewer; locale: Locale; vocab: Vocabularies };

export async function RecordPeople({ record, viewer, locale, vocab }: Props) {
  const { people } = publicRecordFor(viewer, record);
  if (people.length === 0) return null;
  const t = await getTranslations({ locale, namespace: 'site' });
  return (
    <section aria-labelledby="people">
      <h2 id="people" className="text-lg font-semibold">{t('record.people')}</h2>
      <ul className="mt-2 list-disc pl-5 text-sm">
        {people.map((person, i) => (
          <li key={i}>
            {isWithheld(person) ? <span className="italic text-ink/80" data-withheld="">{t('record.withheldName')}</span> : person.name} – {person.roles.map((r) => t(`roles.${r}`)).join(', ')}
            {person.ethnicGroup && <span className="text-ink/80"> ({groupName(vocab, person.ethnicGroup, locale)})</span>}
            {/* Only staff reach this: everyone else has the withheld copy. */}
            {!isWithheld(person) && !person.consent.given && <span className="block text-xs text-madder">{t('record.withheldForStaff')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
