/**
 * Issue #12, consent: the demo performer of "Múa tung tung – da dá" did not
 * consent to be named (content/records/mua-tung-tung-da-da-co-tu.json). Every
 * public exit of the running server must withhold that name, and show the
 * label where the name would be; staff still see it.
 *
 * The same fictional name ("Nghệ nhân trong làng (demo)") is used, with
 * consent, on other demo records, so list-wide exits are checked for the
 * name only where they could carry this record's people (feeds and the
 * sitemap carry no one's); the record's own exits must not contain it at all.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attack, baseUrl, idOfSlug, signIn } from './client';

const SLUG = 'mua-tung-tung-da-da-co-tu';
const NAME = 'Nghệ nhân trong làng (demo)';
const CONSENTING = 'Cán bộ văn hóa huyện (demo)';
const LABEL = { vi: '(giấu tên theo nguyện vọng)', en: '(name withheld at their request)' };

let id: string;

/** The body as text a reader sees: HTML entities and JSON \u escapes decoded, NFC, so an encoded name is still found. */
function readable(body: string): string {
  return body
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .normalize('NFC');
}

async function fetchText(path: string, session?: string): Promise<string> {
  const response = await attack(path, { session });
  expect(response.status, path).toBe(200);
  return readable(await response.text());
}

function expectWithheld(body: string, where: string): void {
  expect(body.includes(NAME), `${where} names the person who did not consent`).toBe(false);
  // Neither a part of it that would still identify them in the village.
  expect(body.includes('Nghệ nhân trong làng'), `${where} names the person who did not consent`).toBe(false);
}

beforeAll(async () => {
  id = await idOfSlug(SLUG);
});

describe('a person who did not consent is withheld on every public exit', () => {
  it('the record page, in Vietnamese and English, for the public and for a researcher: the label where the name was', async () => {
    const researcher = await signIn('researcher');
    for (const session of [undefined, researcher]) {
      for (const locale of ['vi', 'en'] as const) {
        const page = await fetchText(`/${locale}/records/${id}/${SLUG}`, session);
        expectWithheld(page, `/${locale} record page${session ? ' (researcher)' : ''}`);
        expect(page).toContain(LABEL[locale]);
        expect(page).toContain(CONSENTING);
      }
    }
  });

  it('the JSON API record, its Dublin Core and the record list', async () => {
    const record = await fetchText(`/api/v1/records/${id}`);
    expectWithheld(record, 'GET /api/v1/records/:id');
    expect(record).toContain(CONSENTING);
    const people = (JSON.parse(record) as { people: { name: string; withheld?: boolean }[] }).people;
    expect(people.find((p) => p.withheld)).toMatchObject({ name: LABEL.vi, withheld: true });
    const dc = await fetchText(`/api/v1/records/${id}/dublin-core.xml`);
    expectWithheld(dc, 'Dublin Core');
    expect(dc).toContain(CONSENTING);
    const list = await fetchText('/api/v1/records?limit=100');
    expectWithheld(list, 'GET /api/v1/records');
  });

  it('search, suggestions (the same endpoint) and the search CSV', async () => {
    for (const q of [NAME, 'Nghệ nhân trong làng', 'nghe nhan trong lang']) {
      const body = await fetchText(`/api/v1/search?q=${encodeURIComponent(q)}`);
      const hits = (JSON.parse(body) as { hits: { id: string }[] }).hits.map((h) => h.id);
      expect(hits, `search for "${q}" finds the record by the withheld name`).not.toContain(id);
    }
    const byTitle = await fetchText(`/api/v1/search?q=${encodeURIComponent('tung tung da da')}`);
    expect(byTitle).toContain(id);
    expectWithheld(byTitle, 'search JSON');
    const csv = await fetchText(`/api/v1/search.csv?q=${encodeURIComponent('tung tung da da')}`);
    expect(csv).toContain(id);
    expectWithheld(csv, 'search CSV');
  });

  it('OAI-PMH GetRecord and ListRecords', async () => {
    const identify = await fetchText('/oai?verb=Identify');
    // Identifiers are oai:<host>:<id>; Identify names the host only for a real domain name (not 127.0.0.1), so take it from the address.
    expect(identify).toContain('<Identify>');
    const host = new URL(baseUrl).hostname;
    expect(host).toBeTruthy();
    const record = await fetchText(`/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=${encodeURIComponent(`oai:${host}:${id}`)}`);
    expect(record).toContain('<dc:title');
    expectWithheld(record, 'OAI GetRecord');
    expect(record).toContain(CONSENTING);
    // ListRecords carries other records whose artisan did consent: only this record's entry must be clean.
    let token: string | undefined;
    let entry: string | undefined;
    for (let page = 0; page < 10 && !entry; page++) {
      const list = await fetchText(token ? `/oai?verb=ListRecords&resumptionToken=${encodeURIComponent(token)}` : '/oai?verb=ListRecords&metadataPrefix=oai_dc');
      entry = list.split('<record>').find((r) => r.includes(`:${id}</identifier>`));
      token = /<resumptionToken[^>]*>([^<]+)<\/resumptionToken>/.exec(list)?.[1];
      if (!token) break;
    }
    expect(entry, 'the record is harvested').toBeDefined();
    expectWithheld(entry!, 'OAI ListRecords entry');
  });

  it('the IIIF manifest and the community collection', async () => {
    // This suite skips media derivation, and a record with no derived media has no manifest (issue #15): a 404 publishes nothing.
    const manifest = await attack(`/iiif/${id}/manifest.json`);
    expect([200, 404]).toContain(manifest.status);
    if (manifest.status === 200) expectWithheld(readable(await manifest.text()), 'IIIF manifest');
    expectWithheld(await fetchText('/iiif/collection/co-tu'), 'IIIF collection');
  });

  it('the feeds and the sitemap', async () => {
    for (const lang of ['vi', 'en']) {
      for (const file of ['atom.xml', 'rss.xml', 'feed.json']) expectWithheld(await fetchText(`/feeds/${lang}/${file}`), `/feeds/${lang}/${file}`);
    }
    expectWithheld(await fetchText('/sitemap.xml'), 'sitemap');
  });
});

describe('staff still see the name', () => {
  it('an admin sees it on the record page, marked as not shown to the public, and in the editor', async () => {
    const admin = await signIn('admin');
    const page = await fetchText(`/vi/records/${id}/${SLUG}`, admin);
    expect(page).toContain(NAME);
    expect(page).toContain('tên không hiện công khai');
    expect(await fetchText(`/studio/records/${id}/edit`, admin)).toContain(NAME);
  });
});
