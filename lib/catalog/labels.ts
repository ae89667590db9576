/** Human labels for vocabulary ids, in Vietnamese or English. */
import type { Vocabularies } from '../records/vocabularies';

export type Lang = 'vi' | 'en';

export function label(text: { vi: string; en?: string } | undefined, lang: Lang): string {
  if (!text) return '';
  return lang === 'en' ? (text.en ?? text.vi) : text.vi;
}

export function typeLabel(vocab: Vocabularies, type: string, lang: Lang): string {
  return label(vocab.recordTypes.find((t) => t.id === type)?.label, lang) || type;
}

export function groupName(vocab: Vocabularies, id: string, lang: Lang): string {
  return label(vocab.ethnicGroups.find((g) => g.id === id)?.name, lang) || id;
}

export function districtName(vocab: Vocabularies, id: string, lang: Lang): string {
  return label(vocab.districts.find((d) => d.id === id)?.name, lang) || id;
}

export function subjectLabel(vocab: Vocabularies, id: string, lang: Lang): string {
  return label(vocab.subjects.find((s) => s.id === id)?.label, lang) || id;
}

export function documentKindLabel(vocab: Vocabularies, id: string, lang: Lang): string {
  return label(vocab.documentKinds.find((k) => k.id === id)?.label, lang) || id;
}
