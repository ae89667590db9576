/**
 * The search page shows the engine's "did you mean" as a link that runs the
 * corrected query (filters kept), in both languages. Rendered to HTML with
 * the server-only pieces replaced: an embedded index of the demo records, an
 * anonymous viewer, next-intl's translator over our messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ANONYMOUS } from '@/lib/access/policy';
import { toSearchDocument } from '@/lib/search/document';
import { EmbeddedSearchIndex } from '@/lib/search/embedded';
import { demoRecords, demoSynonyms, vocab } from '../contract/search.contract';

const dir = mkdtempSync(path.join(os.tmpdir(), 'disan-search-page-'));
const index = EmbeddedSearchIndex.open({ dir, synonyms: demoSynonyms });
await index.upsert(demoRecords().map((r) => toSearchDocument(r, vocab)));
afterAll(async () => {
  await index.close();
  rmSync(dir, { recursive: true, force: true });
});

vi.mock('server-only', () => ({}));
vi.mock('@/lib/server/archive', () => ({ getArchive: () => ({ vocab, config: { siteUrl: 'https://disan.example.org' } }) }));
vi.mock('@/lib/server/auth', () => ({ currentViewer: async () => ANONYMOUS }));
vi.mock('@/lib/server/search', () => ({ getSearchIndex: async () => index }));
vi.mock('next-intl/server', async () => {
  const { createTranslator } = await import('use-intl/core');
  const { MESSAGES } = await import('@/lib/i18n/messages');
  return {
    setRequestLocale: () => {},
    getTranslations: async ({ locale }: { locale: 'vi' | 'en' }) => createTranslator({ locale, messages: MESSAGES[locale], namespace: 'site' }),
  };
});
// Server components that read the request: a plain link and no form are enough to test what the page says.
vi.mock('@/lib/i18n/link', () => ({ Link: ({ href, ...rest }: { href: string }) => createElement('a', { href, ...rest }) }));
vi.mock('@/app/_components/search-form', () => ({ SearchForm: () => null }));

const SearchPage = (await import('@/app/[locale]/search/page')).default;

async function render(locale: 'vi' | 'en', searchParams: Record<string, string>): Promise<string> {
  return renderToStaticMarkup((await SearchPage({ params: Promise.resolve({ locale }), searchParams: Promise.resolve(searchParams) })) as ReactElement);
}

describe('search page: did you mean', () => {
  it('offers the corrected query as a link that runs it, keeping the filters, in Vietnamese and English', async () => {
    const vi = await render('vi', { q: 'le hoi dam trua', community: 'co-tu' });
    expect(vi).toContain('data-testid="search-did-you-mean"');
    expect(vi).toMatch(/Có phải bạn muốn tìm: <a href="\/search\?q=le\+hoi\+dam\+trau&amp;community=co-tu"[^>]*>le hoi dam trau<\/a>\?/);
    const en = await render('en', { q: 'Lễ hội đâm trua' });
    expect(en).toMatch(/Did you mean <a href="\/search\?q=[^"]+"[^>]*>Lễ hội đâm trâu<\/a>\?/);
  });

  it('says nothing of the kind for a query spelled right', async () => {
    expect(await render('vi', { q: 'le hoi dam trau' })).not.toContain('search-did-you-mean');
  });
});
