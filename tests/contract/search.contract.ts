/**
 * The search contract: what every SearchIndex engine must do, run against
 * the embedded engine (search.embedded.test.ts) and Meilisearch
 * (search.meilisearch.test.ts). Fixtures are the 42 demo records
 * (content/records), mapped to documents the way the archive maps them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, maySeeRecord, type Viewer } from '@/lib/access/policy';
import { recordIdFromSeed } from '@/lib/records/ids';
import { HeritageRecord } from '@/lib/records/schema';
import { loadVocabularies, type Vocabularies } from '@/lib/records/vocabularies';
import { synonymGroups, toSearchDocument } from '@/lib/search/document';
import { fold, words } from '@/lib/search/text';
import type { SearchDocument, SearchIndex, SearchResult, Segment } from '@/lib/search/types';

const CONTENT = path.resolve(import.meta.dirname, '../../content');

export const vocab: Vocabularies = loadVocabularies(CONTENT);
export const demoSynonyms = synonymGroups(vocab);

/** The demo records as the archive stores them (id from the slug, no media). */
export function demoRecords(): HeritageRecord[] {
  const dir = path.join(CONTENT, 'records');
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const body = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as { slug: string };
      return HeritageRecord.parse({ ...body, id: recordIdFromSeed(`demo:${body.slug}`) });
    });
}

export const viewers = {
  anonymous: ANONYMOUS,
  registered: { kind: 'user', id: 'r', roles: ['researcher'], communities: [] },
  coTuMember: { kind: 'user', id: 'm', roles: ['researcher'], communities: ['co-tu'] },
  officer: { kind: 'user', id: 'o', roles: ['officer'], communities: [] },
  admin: { kind: 'user', id: 'a', roles: ['admin'], communities: [] },
} satisfies Record<string, Viewer>;

/** Relevance cases: [query, slug of the record expected first]. Vietnamese with and without diacritics, English, synonyms, typos, prefixes. */
export const RELEVANCE: [string, string][] = [
  ['le hoi dam trau', 'le-hoi-dam-trau-co-tu'],
  ['Lễ hội đâm trâu', 'le-hoi-dam-trau-co-tu'],
  ['dam trau', 'le-hoi-dam-trau-co-tu'],
  ['buffalo sacrifice', 'le-hoi-dam-trau-co-tu'],
  ['katu buffalo', 'le-hoi-dam-trau-co-tu'],
  ['bufalo sacrifise', 'le-hoi-dam-trau-co-tu'], // typos: 1 in 7 letters, 1 in 9
  ['le hoi dam tr', 'le-hoi-dam-trau-co-tu'], // prefix while typing
  ['an trau hue', 'an-trau-hue-ca-dong'],
  ['Trà Bui', 'an-trau-hue-ca-dong'],
  ['cong chieng co tu', 'chieng-cong-co-tu'],
  ['katu gong music', 'chieng-cong-co-tu'],
  ['Gié-Triêng gong', 'chieng-cong-gie-trieng'],
  ['cor gong music', 'chieng-cong-co'],
  ['cung lua tram', 'cung-lua-tram-bhnoong'],
  ['hundred-rice offering', 'cung-lua-tram-bhnoong'],
  ['dan gui', 'dan-lat-co-tu'],
  ['ka tu basketry', 'dan-lat-co-tu'],
  ['thổ cẩm zara', 'det-tho-cam-co-tu-zara'],
  ['brocade weaving', 'det-tho-cam-co-tu-zara'],
  ['brocde', 'det-tho-cam-co-tu-zara'], // typo: 1 in 6 letters
  ['cung mang nuoc', 'le-cung-mang-nuoc-ca-dong'],
  ['water trough', 'le-cung-mang-nuoc-ca-dong'],
  ['le cuoi nguoi ve', 'le-cuoi-nguoi-ve'],
  ['ve wedding', 'le-cuoi-nguoi-ve'],
  ['cồng chiêng bắc trà my', 'le-hoi-cong-chieng-bac-tra-my-2022'],
  ['le hoi que', 'le-hoi-que-tra-my-2023'],
  ['cinnamon festival', 'le-hoi-que-tra-my-2023'],
  ['ket nghia', 'le-ket-nghia-lang-co-tu'],
  ['village twinning', 'le-ket-nghia-lang-co-tu'],
  ['nha guol moi', 'le-mung-guol-moi-co-tu'],
  ['lua moi co tu', 'le-mung-lua-moi-co-tu'],
  ['new rice katu', 'le-mung-lua-moi-co-tu'],
  ['âm vang cồng chiêng', 'lien-hoan-am-vang-cong-chieng-nam-giang'],
  ['echoes of the gongs', 'lien-hoan-am-vang-cong-chieng-nam-giang'],
  ['luat di san van hoa', 'luat-di-san-van-hoa-2001'],
  ['tung tung da da', 'mua-tung-tung-da-da-co-tu'],
  ['nghi dinh 05/2011', 'nghi-dinh-05-2011-nd-cp'],
  ['cay neu', 'nghi-le-dung-cay-neu-bo-gu-co'],
  ['pole-raising', 'nghi-le-dung-cay-neu-bo-gu-co'],
  ['nghị quyết 120', 'nghi-quyet-120-2020-qh14'],
  ['noi ly hat ly', 'noi-ly-hat-ly-co-tu'],
  ['customary oratory', 'noi-ly-hat-ly-co-tu'],
  ['1355', 'quyet-dinh-1355-qd-bvhttdl'],
  ['chuong trinh so hoa di san', 'quyet-dinh-2026-qd-ttg'],
  ['digitising cultural heritage', 'quyet-dinh-2026-qd-ttg'],
  ['chuyen doi so thu vien', 'quyet-dinh-206-qd-ttg'],
  ['sam ngoc linh', 'tri-thuc-sam-ngoc-linh-xo-dang'],
  ['sedang ginseng', 'tri-thuc-sam-ngoc-linh-xo-dang'],
  ['trồng và khai thác quế', 'tri-thuc-trong-que-tra-my'],
  ['harvesting cinnamon', 'tri-thuc-trong-que-tra-my'],
];

/**
 * Search that forgives (issue #14): one typo from 4 letters (after folding), the other names visitors
 * and communities use for a place, a craft or a people, in both languages, with and without diacritics.
 * [query, slug of the record expected first].
 */
export const FORGIVING: [string, string][] = [
  ['le hoi dam trua', 'le-hoi-dam-trau-co-tu'], // 1 typo in a 4-letter word
  ['Lễ hội đâm trua', 'le-hoi-dam-trau-co-tu'],
  ['lê hoi đam trâu', 'le-hoi-dam-trau-co-tu'], // wrong diacritics are still the same folded words
  ['buffalo sacrfice', 'le-hoi-dam-trau-co-tu'],
  ['cong chieng katuu', 'chieng-cong-co-tu'],
  ['gogn music katu', 'chieng-cong-co-tu'], // a transposition in a 4-letter word
  ['nha rong', 'nha-guol-co-tu'], // nhà rông ↔ gươl ↔ nhà làng
  ['nhà rông', 'nha-guol-co-tu'],
  ['nha lang co tu', 'nha-guol-co-tu'],
  ['communal house village', 'nha-guol-co-tu'],
  ['gươl làng', 'nha-guol-co-tu'],
  ['ca tu brocade', 'det-tho-cam-co-tu-zara'], // Katu / Ca Tu / Cơ Tu
  ['tho cam ca tu', 'det-tho-cam-co-tu-zara'], // thổ cẩm ↔ brocade
  ['brocade zara', 'det-tho-cam-co-tu-zara'],
  ['thổ cẩm', 'det-tho-cam-co-tu-zara'],
  ['sedang water trough', 'le-cung-mang-nuoc-ca-dong'], // Sedang / Xơ Đăng / Ca Dong
  ['ca dong ginseng', 'tri-thuc-sam-ngoc-linh-xo-dang'],
  ['sâm ngọc linh ca dong', 'tri-thuc-sam-ngoc-linh-xo-dang'],
  ['ve gong music', 'chieng-cong-gie-trieng'], // Gie Trieng / Giẻ Triêng / Ve / Bh'noong
  ["bh'noong gongs", 'chieng-cong-gie-trieng'],
  ['gong giẻ triêng', 'chieng-cong-gie-trieng'], // chiêng / cồng chiêng / gong
  ['chieng giẻ triêng', 'chieng-cong-gie-trieng'],
];

/** Words (folded) that only restricted records contain: no suggestion may ever show one to a viewer who cannot see them. */
export function restrictedOnlyWords(visible: SearchDocument[], hidden: SearchDocument[]): string[] {
  const wordsOf = (ds: SearchDocument[]) => new Set(ds.flatMap((d) => Object.values(d.text).flat()).flatMap((t) => words(fold(t))));
  const seen = wordsOf(visible);
  return [...wordsOf(hidden)].filter((w) => !seen.has(w) && /^\p{L}{6,}$/u.test(w)).sort();
}

/** One typo: the letter after the first two dropped ("funeral" → "fuberal" is a swap; this is "fueral"). */
export function typo(word: string): string {
  return word.slice(0, 2) + word.slice(3);
}

function text(segments: Segment[]): string {
  return segments.map((s) => s.text).join('');
}

/** Runs the contract against an engine. `open` returns an empty index. */
export function searchContract(name: string, open: () => Promise<SearchIndex>, options: { skip?: string } = {}): void {
  const suite = options.skip ? describe.skip : describe;
  if (options.skip) console.warn(`search contract on ${name} skipped: ${options.skip}`);

  suite(`search contract: ${name}`, () => {
    let index: SearchIndex;
    const records = demoRecords();
    const docs = records.map((r) => toSearchDocument(r, vocab));
    const bySlug = new Map(records.map((r) => [r.slug, r]));
    const idOf = (slug: string) => bySlug.get(slug)!.id;
    const restricted = records.filter((r) => !maySeeRecord(ANONYMOUS, r));
    const visibleTo = (viewer: Viewer) => records.filter((r) => maySeeRecord(viewer, r));

    beforeAll(async () => {
      index = await open();
      await index.clear();
      await index.upsert(docs);
    });
    afterAll(async () => {
      await index?.close();
    });

    it('holds every demo record', async () => {
      expect((await index.stats()).documents).toBe(records.length);
    });

    describe('relevance', () => {
      it(`has at least 40 cases`, () => expect(RELEVANCE.length).toBeGreaterThanOrEqual(40));
      it.each(RELEVANCE)('%s → %s first', async (q, slug) => {
        const result = await index.search({ q, viewer: viewers.anonymous });
        expect(result.hits[0]?.slug, `got ${result.hits.slice(0, 3).map((h) => h.slug).join(', ')}`).toBe(slug);
      });
    });

    describe('Vietnamese text', () => {
      it('folds diacritics and đ both ways, and shows the original text', async () => {
        for (const q of ['dam trau', 'đâm trâu', 'DAM TRAU', 'Đâm Trâu']) {
          const result = await index.search({ q, viewer: viewers.anonymous });
          expect(result.hits.map((h) => h.slug)).toContain('le-hoi-dam-trau-co-tu');
        }
        const [hit] = (await index.search({ q: 'le hoi dam trau', viewer: viewers.anonymous })).hits;
        expect(hit!.title.vi).toBe('Lễ hội đâm trâu của người Cơ Tu');
        expect(text(hit!.titleHighlight)).toBe('Lễ hội đâm trâu của người Cơ Tu');
        expect(hit!.titleHighlight.filter((s) => s.hit).map((s) => s.text)).toEqual(expect.arrayContaining(['đâm', 'trâu']));
      });

      it('ranks the exact diacritic spelling first', async () => {
        const base = docs.find((d) => d.slug === 'le-cuoi-nguoi-ve')!;
        const variant = (id: string, slug: string, title: string): SearchDocument => ({
          ...base,
          id,
          slug,
          title: { vi: title },
          titleSort: title.toLowerCase(),
          text: { ...base.text, title: [title], description: ['Bản ghi thử.'], subjects: [], place: [], transcript: [], fulltext: [] },
        });
        await index.upsert([variant('zzzzzzz1', 'thu-ma', 'Lễ cúng ma thử'), variant('zzzzzzz2', 'thu-ma-2', 'Lễ cúng mạ thử')]);
        try {
          expect((await index.search({ q: 'cúng mạ thử', viewer: viewers.anonymous })).hits[0]?.slug).toBe('thu-ma-2');
          expect((await index.search({ q: 'cúng ma thử', viewer: viewers.anonymous })).hits[0]?.slug).toBe('thu-ma');
          // Without diacritics in the query both spellings match.
          const both = (await index.search({ q: 'cung ma thu', viewer: viewers.anonymous, pageSize: 100 })).hits.map((h) => h.slug);
          expect(both).toEqual(expect.arrayContaining(['thu-ma', 'thu-ma-2']));
        } finally {
          await index.remove(['zzzzzzz1', 'zzzzzzz2']);
        }
      });

      it('treats the other names of a community as synonyms, in both directions', async () => {
        const coTu = visibleTo(viewers.anonymous).filter((r) => r.ethnicGroups.includes('co-tu')).map((r) => r.id);
        for (const q of ['katu', 'Ka Tu', 'Cơ Tu', 'co tu', "C'tu"]) {
          const result = await index.search({ q, viewer: viewers.anonymous, pageSize: 100 });
          expect(result.hits.map((h) => h.id), q).toEqual(expect.arrayContaining(coTu));
        }
        const sedang = (await index.search({ q: 'sedang', viewer: viewers.anonymous, pageSize: 100 })).hits.map((h) => h.slug);
        expect(sedang).toContain('tri-thuc-sam-ngoc-linh-xo-dang');
        const xoDang = (await index.search({ q: 'xơ đăng', viewer: viewers.anonymous, pageSize: 100 })).hits.map((h) => h.slug);
        expect(xoDang).toContain('an-trau-hue-ca-dong');
      });

      it('matches prefixes as the visitor types, and tolerates typos by word length', async () => {
        expect((await index.search({ q: 'đâm tr', viewer: viewers.anonymous })).hits[0]?.slug).toBe('le-hoi-dam-trau-co-tu');
        expect((await index.search({ q: 'ginsen', viewer: viewers.anonymous })).hits.map((h) => h.slug)).toContain('tri-thuc-sam-ngoc-linh-xo-dang');
        // One typo from 4 letters (after folding), two from 9; none below 4.
        expect((await index.search({ q: 'ginsemg', viewer: viewers.anonymous })).total).toBeGreaterThan(0);
        expect((await index.search({ q: 'cinnamno', viewer: viewers.anonymous })).total).toBeGreaterThan(0);
        expect((await index.search({ q: 'sacrefise', viewer: viewers.anonymous })).total).toBeGreaterThan(0);
        expect((await index.search({ q: 'gxng', viewer: viewers.anonymous })).total).toBeGreaterThan(0);
        expect((await index.search({ q: 'gxn ', viewer: viewers.anonymous })).total).toBe(0);
      });
    });

    describe('search that forgives: typos, synonyms, did you mean', () => {
      it.each(FORGIVING)('%s → %s first', async (q, slug) => {
        const result = await index.search({ q, viewer: viewers.anonymous });
        expect(result.hits[0]?.slug, `got ${result.hits.slice(0, 3).map((h) => h.slug).join(', ')}`).toBe(slug);
      });

      it('ranks what a typo was meant for first: "cong chieg" finds gongs, not baskets', async () => {
        for (const q of ['cong chieg', 'cồng chiêg', 'cong chieg ']) {
          const hits = (await index.search({ q, viewer: viewers.anonymous })).hits.map((h) => h.slug);
          expect(hits[0], `${q}: ${hits.slice(0, 3).join(', ')}`).toMatch(/chieng/);
        }
      });

      it('ranks an exact word above its typo and prefix neighbours', async () => {
        const base = docs.find((d) => d.slug === 'le-cuoi-nguoi-ve')!;
        const variant = (id: string, title: string): SearchDocument => ({
          ...base,
          id,
          slug: id,
          title: { vi: title },
          titleSort: title.toLowerCase(),
          text: { ...base.text, title: [title], description: ['Bản ghi thử.'], subjects: [], place: [], transcript: [], fulltext: [] },
        });
        await index.upsert([variant('zzzzzzz3', 'Mẫu thử copra'), variant('zzzzzzz4', 'Mẫu thử cobra'), variant('zzzzzzz5', 'Mẫu thử cobras')]);
        try {
          for (const q of ['mau thu cobra', 'mẫu thử cobra ', 'cobra']) {
            expect((await index.search({ q, viewer: viewers.anonymous })).hits[0]?.id, q).toBe('zzzzzzz4');
          }
        } finally {
          await index.remove(['zzzzzzz3', 'zzzzzzz4', 'zzzzzzz5']);
        }
      });

      it('offers "did you mean" for a typo, in the spelling of the query, and runs it', async () => {
        const cases: [string, string][] = [
          ['le hoi dam trua', 'le hoi dam trau'],
          ['Lễ hội đâm trua', 'Lễ hội đâm trâu'],
          ['buffalo sacrfice', 'buffalo sacrifice'],
          ['cong chieg', 'cong chieng'],
        ];
        for (const [q, meant] of cases) {
          expect((await index.search({ q, viewer: viewers.anonymous })).didYouMean, q).toBe(meant);
          expect((await index.search({ q: meant, viewer: viewers.anonymous })).total, meant).toBeGreaterThan(0);
        }
      });

      it('offers nothing for a query spelled right, or for one nothing is near', async () => {
        for (const q of ['le hoi dam trau', 'Lễ hội đâm trâu', 'buffalo', 'nha rong', 'katu', 'qwxzvkj']) {
          expect((await index.search({ q, viewer: viewers.anonymous })).didYouMean, q).toBeUndefined();
        }
      });

      it('offers a commoner spelling when the word as typed finds little', async () => {
        const base = docs.find((d) => d.slug === 'le-cuoi-nguoi-ve')!;
        const title = 'Buffala: bản ghi thử';
        const rare: SearchDocument = {
          ...base,
          id: 'zzzzzzz6',
          slug: 'zzzzzzz6',
          title: { vi: title },
          titleSort: fold(title),
          text: { ...base.text, title: [title], description: ['Bản ghi thử.'], subjects: [], place: [], transcript: [], fulltext: [] },
        };
        await index.upsert([rare]);
        try {
          const result = await index.search({ q: 'buffala', viewer: viewers.anonymous });
          // The word as typed is taken as meant (it ranks first), and the spelling more records use is offered.
          expect(result.hits[0]?.id).toBe('zzzzzzz6');
          expect(result.didYouMean).toBe('buffalo');
        } finally {
          await index.remove(['zzzzzzz6']);
        }
      });

      it('never suggests a word that only records hidden from the viewer contain', async () => {
        const hiddenIds = new Set(restricted.map((r) => r.id));
        const visibleDocs = docs.filter((d) => !hiddenIds.has(d.id));
        const secrets = restrictedOnlyWords(visibleDocs, docs.filter((d) => hiddenIds.has(d.id)));
        expect(secrets.length).toBeGreaterThan(10);
        for (const word of secrets) {
          const result = await index.search({ q: typo(word), viewer: viewers.anonymous, pageSize: 100 });
          expect(fold(result.didYouMean ?? ''), `${typo(word)} → ${result.didYouMean}`).not.toContain(word);
          expect(result.hits.filter((h) => hiddenIds.has(h.id))).toEqual([]);
        }
        // A member of the community, who may see the record, is offered its words.
        const memberIds = new Set(visibleTo(viewers.coTuMember).map((r) => r.id));
        const memberWords = new Set(docs.filter((d) => memberIds.has(d.id)).flatMap((d) => Object.values(d.text).flat()).flatMap((t) => words(fold(t))));
        const offered: string[] = [];
        for (const word of secrets.filter((w) => memberWords.has(w))) {
          const result = await index.search({ q: typo(word), viewer: viewers.coTuMember });
          if (fold(result.didYouMean ?? '') === word) offered.push(word);
        }
        expect(offered.length).toBeGreaterThan(0);
      });
    });

    describe('facets, filters, sort, geo, pages', () => {
      it('counts facets over what the viewer may see', async () => {
        const visible = visibleTo(viewers.anonymous);
        const result = await index.search({ viewer: viewers.anonymous, facets: ['ethnicGroup', 'type', 'district', 'decade', 'language'] });
        expect(result.total).toBe(visible.length);
        const coTu = result.facets.ethnicGroup!.find((f) => f.value === 'co-tu')!;
        expect(coTu.count).toBe(visible.filter((r) => r.ethnicGroups.includes('co-tu')).length);
        const festivals = result.facets.type!.find((f) => f.value === 'festival')!;
        expect(festivals.count).toBe(visible.filter((r) => r.type === 'festival').length);
        expect(result.facets.decade!.map((f) => f.value)).toContain('2020s');
      });

      it('combines filters: OR within a facet, AND across facets', async () => {
        const result = await index.search({
          viewer: viewers.anonymous,
          filters: { type: ['festival', 'ritual'], ethnicGroup: ['co-tu'] },
          pageSize: 100,
        });
        const expected = visibleTo(viewers.anonymous).filter((r) => ['festival', 'ritual'].includes(r.type) && r.ethnicGroups.includes('co-tu'));
        expect(result.hits.map((h) => h.id).sort()).toEqual(expected.map((r) => r.id).sort());
        expect(result.total).toBe(expected.length);
        expect(await index.count({ viewer: viewers.anonymous, q: 'le hoi', filters: { district: ['bac-tra-my'] } })).toBeGreaterThan(0);
        expect(await index.count({ viewer: viewers.anonymous, filters: { district: ['no-such-district'] } })).toBe(0);
      });

      it('sorts by date and by title', async () => {
        const byDate = await index.search({ viewer: viewers.anonymous, filters: { type: ['festival'] }, sort: 'date-desc', pageSize: 100 });
        const dates = byDate.hits.map((h) => h.date ?? '');
        expect(dates).toEqual([...dates].sort().reverse());
        const byTitle = await index.search({ viewer: viewers.anonymous, filters: { type: ['music'] }, sort: 'title', pageSize: 100 });
        const titles = byTitle.hits.map((h) => h.title.vi);
        expect(titles[0]).toBe('Cồng chiêng của người Cơ Tu');
      });

      it('filters by a radius around a point', async () => {
        // Around Trà My: within 15 km are the Bắc Trà My records, not the Cơ Tu highlands 80 km north.
        const result = await index.search({ viewer: viewers.anonymous, geo: { lat: 15.22, lon: 108.22, km: 15 }, pageSize: 100 });
        const slugs = result.hits.map((h) => h.slug);
        expect(slugs).toContain('an-trau-hue-ca-dong');
        expect(slugs).not.toContain('le-hoi-dam-trau-co-tu');
      });

      it('pages through results without overlap', async () => {
        const all = await index.search({ viewer: viewers.anonymous, q: 'co tu', pageSize: 100 });
        const first = await index.search({ viewer: viewers.anonymous, q: 'co tu', pageSize: 5, page: 1 });
        const second = await index.search({ viewer: viewers.anonymous, q: 'co tu', pageSize: 5, page: 2 });
        expect(first.total).toBe(all.total);
        expect([...first.hits, ...second.hits].map((h) => h.id)).toEqual(all.hits.slice(0, 10).map((h) => h.id));
      });

      it('marks matches in a snippet of original text', async () => {
        const [hit] = (await index.search({ q: "cột X'nur", viewer: viewers.anonymous })).hits;
        expect(hit).toBeDefined();
        const [vi] = (await index.search({ q: 'nha guol san lang', viewer: viewers.anonymous })).hits;
        expect(vi!.snippet.some((s) => s.hit)).toBe(true);
        expect(text(vi!.snippet)).toMatch(/[ăâđêôơư]/);
      });

      it('shows the access-level facet to staff only', async () => {
        const anon = await index.search({ viewer: viewers.anonymous, facets: ['accessLevel', 'type'] });
        expect(anon.facets.accessLevel).toBeUndefined();
        const admin = await index.search({ viewer: viewers.admin, facets: ['accessLevel', 'status'] });
        expect(admin.facets.accessLevel!.map((f) => f.value).sort()).toEqual(['community', 'public', 'registered']);
        expect(admin.total).toBe(records.length);
      });
    });

    describe('access', () => {
      const probes = (r: HeritageRecord) => [r.title.vi, r.title.en ?? r.title.vi, r.slug.replace(/-/g, ' '), r.title.vi.split(' ').slice(0, 3).join(' ')];

      it('has restricted demo records to test with', () => {
        expect(restricted.map((r) => r.access.level)).toEqual(expect.arrayContaining(['community', 'registered']));
      });

      it('never shows an anonymous visitor a restricted record: results, totals, facets, snippets, suggestions', async () => {
        const hidden = new Set(restricted.map((r) => r.id));
        const visible = visibleTo(viewers.anonymous);
        for (const r of restricted) {
          for (const q of probes(r)) {
            const result: SearchResult = await index.search({ q, viewer: viewers.anonymous, pageSize: 100, facets: ['ethnicGroup', 'type', 'district'] });
            expect(result.hits.filter((h) => hidden.has(h.id)), q).toEqual([]);
            expect(result.total).toBe(result.hits.length);
            const sum = (result.facets.type ?? []).reduce((n, f) => n + f.count, 0);
            expect(sum).toBe(result.total);
            for (const h of result.hits) expect(text(h.snippet)).not.toContain(r.description.vi.slice(0, 40));
            const suggestions = await index.suggest({ q, viewer: viewers.anonymous, limit: 20 });
            expect(suggestions.filter((s) => s.id && hidden.has(s.id)), q).toEqual([]);
            expect(suggestions.map((s) => s.text)).not.toContain(r.title.vi);
          }
        }
        expect(await index.count({ viewer: viewers.anonymous })).toBe(visible.length);
        expect((await index.search({ q: 'têng ping', viewer: viewers.anonymous })).total).toBe(0);
        expect(await index.suggest({ q: 'têng pi', viewer: viewers.anonymous })).toEqual([]);
      });

      it('shows community records to members of the community, and registered ones to signed-in users', async () => {
        const community = restricted.filter((r) => r.access.level === 'community' && r.status === 'published');
        const registered = restricted.filter((r) => r.access.level === 'registered' && r.status === 'published');
        for (const r of community) {
          expect((await index.search({ q: r.title.vi, viewer: viewers.coTuMember })).hits[0]?.id).toBe(r.id);
          expect((await index.search({ q: r.title.vi, viewer: viewers.registered, pageSize: 100 })).hits.map((h) => h.id)).not.toContain(r.id);
          expect((await index.suggest({ q: r.title.vi.split(' ').slice(0, 4).join(' '), viewer: viewers.coTuMember, limit: 20 })).map((s) => s.id)).toContain(r.id);
        }
        for (const r of registered) expect((await index.search({ q: r.title.vi, viewer: viewers.registered })).hits[0]?.id).toBe(r.id);
        const member = await index.search({ viewer: viewers.coTuMember, facets: ['ethnicGroup'] });
        expect(member.total).toBe(visibleTo(viewers.coTuMember).length);
        expect(member.facets.ethnicGroup!.find((f) => f.value === 'co-tu')!.count).toBe(
          visibleTo(viewers.coTuMember).filter((r) => r.ethnicGroups.includes('co-tu')).length,
        );
      });

      it('keeps drafts and withdrawn records to staff', async () => {
        const draft = records.find((r) => r.status === 'withdrawn')!;
        expect((await index.search({ q: draft.title.vi, viewer: viewers.registered, pageSize: 100 })).hits.map((h) => h.id)).not.toContain(draft.id);
        expect((await index.search({ q: draft.title.vi, viewer: viewers.officer })).hits[0]?.id).toBe(draft.id);
      });
    });

    describe('suggestions and updates', () => {
      it('suggests titles for what is being typed', async () => {
        const suggestions = await index.suggest({ q: 'le hoi dam', viewer: viewers.anonymous });
        expect(suggestions[0]).toEqual({ text: 'Lễ hội đâm trâu của người Cơ Tu', id: idOf('le-hoi-dam-trau-co-tu') });
        expect((await index.suggest({ q: 'buffalo sac', viewer: viewers.anonymous, locale: 'en' }))[0]?.text).toBe('Co Tu buffalo sacrifice festival');
      });

      it('replaces a document on upsert and forgets it on remove', async () => {
        const doc = docs.find((d) => d.slug === 'nha-guol-co-tu')!;
        await index.upsert([{ ...doc, text: { ...doc.text, title: [...doc.text.title, 'Kiến trúc độc đáo'] } }]);
        expect((await index.search({ q: 'kien truc doc dao', viewer: viewers.anonymous })).hits[0]?.id).toBe(doc.id);
        // Withdrawing changes the access tokens: it disappears for the public at once.
        await index.upsert([{ ...doc, status: 'withdrawn', access: ['staff'] }]);
        expect((await index.search({ q: 'nha guol', viewer: viewers.anonymous, pageSize: 100 })).hits.map((h) => h.id)).not.toContain(doc.id);
        await index.remove([doc.id]);
        expect((await index.search({ q: 'nha guol', viewer: viewers.admin, pageSize: 100 })).hits.map((h) => h.id)).not.toContain(doc.id);
        await index.upsert([doc]);
        expect((await index.stats()).documents).toBe(records.length);
      });
    });
  });
}
