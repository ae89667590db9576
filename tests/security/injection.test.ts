/**
 * Issue #11, classes 5–7: text typed by people stays text on every output.
 *
 *  5. HTML injection in client components: the map (PlacesMap) and the
 *     editor's place picker (MapPicker), built from their source with Vite
 *     and run in Chromium with hostile place names and a hostile
 *     MAP_ATTRIBUTION; JSON-LD in a real HTML page; and a scan of app/ and
 *     lib/ for every way a string can reach the DOM as HTML.
 *  6. Feeds: Atom, RSS and JSON Feed of a record whose title and
 *     description hold markup and CDATA breakers, read by Chromium's XML
 *     and HTML parsers.
 *  7. CSV formula injection: the shared writer and every CSV export.
 *
 * None of these needs the running server (tests/security/injection-browser
 * checks the same on the server's real pages); they run in the security
 * suite so the classes of issue #11 are found in one place.
 */
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '@/lib/archive';
import { searchRecords } from '@/lib/api/handlers';
import { parseConfig } from '@/lib/config';
import { renderFeed } from '@/lib/feeds/publications';
import { neutraliseCell, toCsv } from '@/lib/http/csv';
import { computeCoverage } from '@/lib/catalog/coverage';
import { jsonLdForHtml, recordJsonLd } from '@/lib/interop/json-ld';
import type { StoredRecord } from '@/lib/records/repository';
import { HeritageRecord, type RecordBodyInput } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import type { SearchIndex, SearchResult } from '@/lib/search';
import { coverageCsv } from '@/lib/studio/coverage-csv';
import { auditCsv } from '@/lib/workflow/audit';
import { launchChromium } from '../e2e/browser';
import { ROOT } from '../helpers/cli';
import { sampleBody } from '../helpers/temp-archive';
import { browserBundle } from '../helpers/browser-bundle';

const SITE = 'https://disan.example.org';
const vocab = loadVocabularies(path.join(ROOT, 'content'));

/** Each payload records its own name in window.__pwned if it ever runs. */
const run = (name: string) => `window.__pwned=(window.__pwned||[]).concat('${name}')`;
const TITLE = `=HYPERLINK("http://x.invalid/","Bấm") <img src=x onerror="${run('title')}"> ]]></title><script>${run('title-script')}</script> ]]> & "'`;
const TITLE_EN = `+1 <svg onload="${run('title-en')}"> ]]></title>`;
// Typed references too: they must read back as typed, not as the characters they name (nor make the XML ill-formed).
const DESCRIPTION = `<img src=x onerror="${run('description')}">]]></summary></description><script>${run('description-script')}</script>]]> <!-- &amp; &lt;i&gt;x&lt;/i&gt; &nbsp; &#0; \u2028 end`;
const PLACE = `<img src=x onerror="${run('place')}"></strong><b>Làng</b>`;

function hostileRecord(overrides: Partial<RecordBodyInput> = {}): StoredRecord {
  const record = HeritageRecord.parse({
    ...sampleBody({ slug: 'tan-cong', status: 'published', title: { vi: TITLE, en: TITLE_EN }, description: { vi: DESCRIPTION, en: DESCRIPTION }, ...overrides }),
    id: 'zzzzzzzz',
    publishedAt: '2026-04-01T00:00:00.000Z',
  });
  return { record, version: 1, head: 1, versions: [], created: '2026-04-01T00:00:00Z', modified: '2026-04-01T00:00:00Z' };
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
}, 60_000);
afterAll(async () => browser?.close());

// ---------------------------------------------------------------- parsers in Chromium

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  /** The element's own text (text and CDATA children), entities decoded. */
  text: string;
  children: XmlNode[];
}

/** The document as Chromium's XML parser reads it; throws when it is not well-formed. */
async function parseXml(xml: string): Promise<XmlNode> {
  const result = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'application/xml');
    const error = doc.getElementsByTagName('parsererror')[0];
    if (error) return { error: error.textContent ?? 'parsererror' };
    type Node = { name: string; attrs: Record<string, string>; text: string; children: Node[] };
    const walk = (element: Element): Node => ({
      name: element.localName,
      attrs: Object.fromEntries([...element.attributes].map((a) => [a.name, a.value])),
      text: [...element.childNodes].filter((n) => n.nodeType === 3 || n.nodeType === 4).map((n) => n.nodeValue).join(''),
      children: [...element.children].map(walk),
    });
    return { tree: walk(doc.documentElement) };
  }, xml);
  if ('error' in result) throw new Error(`not well-formed XML: ${result.error}`);
  return result.tree as XmlNode;
}

function all(node: XmlNode, name: string): XmlNode[] {
  return [...(node.name === name ? [node] : []), ...node.children.flatMap((c) => all(c, name))];
}

const child = (node: XmlNode, name: string) => node.children.find((c) => c.name === name)!;

/** What a feed reader shows for an HTML fragment: the elements it would make, and the text. */
function renderHtml(html: string): Promise<{ elements: string[]; text: string }> {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(`<!doctype html><body>${source}`, 'text/html');
    return { elements: [...doc.body.querySelectorAll('*')].map((e) => e.localName), text: doc.body.textContent ?? '' };
  }, html);
}

// ---------------------------------------------------------------- class 6: feeds

describe('class 6: feeds carry record text as text', () => {
  const records = [hostileRecord(), hostileRecord({ slug: 'dieu-khien', description: { vi: 'Ký tự điều khiển \u0001\u000b giữa câu', en: 'control \u0001 char' } })];
  records[1]!.record.id = 'yyyyyyyy';

  for (const lang of ['vi', 'en'] as const) {
    const title = lang === 'vi' ? TITLE : TITLE_EN;

    it(`Atom (${lang}): well-formed, title and summary type="text" holding the typed text exactly, no markup`, async () => {
      const feed = await parseXml(renderFeed({ lang, siteUrl: SITE, records, vocab }, 'atom.xml'));
      const entry = all(feed, 'entry').find((e) => child(e, 'id').text.endsWith('zzzzzzzz'))!;
      expect(child(entry, 'title').attrs.type).toBe('text');
      expect(child(entry, 'title').text).toBe(title);
      expect(child(entry, 'summary').attrs.type).toBe('text');
      expect(child(entry, 'summary').text).toBe(DESCRIPTION);
      // The hostile `</title><script>` never became an element.
      expect(all(feed, 'script')).toEqual([]);
      expect(all(feed, 'img')).toEqual([]);
      expect(all(entry, 'title')).toHaveLength(1);
    });

    it(`RSS (${lang}): well-formed, the title as text, the description as HTML that shows the text and makes no element`, async () => {
      const rss = await parseXml(renderFeed({ lang, siteUrl: SITE, records, vocab }, 'rss.xml'));
      const item = all(rss, 'item').find((i) => child(i, 'guid').text.endsWith('zzzzzzzz'))!;
      expect(child(item, 'title').text).toBe(title);
      const shown = await renderHtml(child(item, 'description').text);
      expect(shown.elements).toEqual([]);
      expect(shown.text).toBe(DESCRIPTION);
      expect(all(rss, 'script')).toEqual([]);
    });

    it(`JSON Feed (${lang}): content_text, never content_html`, () => {
      const json = JSON.parse(renderFeed({ lang, siteUrl: SITE, records, vocab }, 'feed.json')) as { items: Record<string, unknown>[] };
      const item = json.items.find((i) => String(i.id).endsWith('zzzzzzzz'))!;
      expect(item).not.toHaveProperty('content_html');
      expect(item.content_text).toBe(DESCRIPTION);
      expect(item.title).toBe(title);
    });
  }

  it('stays well-formed when a record holds control characters XML cannot carry', async () => {
    for (const file of ['atom.xml', 'rss.xml'] as const) {
      const feed = await parseXml(renderFeed({ lang: 'vi', siteUrl: SITE, records, vocab }, file));
      expect(JSON.stringify(feed)).toContain('Ký tự điều khiển  giữa câu');
    }
  });
});

// ---------------------------------------------------------------- class 7: CSV

/** The cells as a spreadsheet program would read them (RFC 4180, after the BOM). */
const cells = (csv: string) => parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];

describe('class 7: no CSV cell runs as a formula', () => {
  const FORMULAS = ['=HYPERLINK("http://x.invalid/","Bấm")', '+1', '-1+1', '@SUM(A1:A9)', '\tx', '\rx', '  =1+1', '＝1+1', "=cmd|' /C calc'!A0"];
  const HARMLESS = ['Lễ hội đâm trâu', 'a=b', '1-2', "'đã có dấu nháy", ''];

  it('prefixes every cell a spreadsheet would read as a formula with a quote, and quotes the cell', () => {
    for (const value of FORMULAS) expect(neutraliseCell(value)).toBe(`'${value}`);
    for (const value of HARMLESS) expect(neutraliseCell(value)).toBe(value);
    const csv = toCsv([['cell'], ...FORMULAS.map((f) => [f])]);
    expect(cells(csv).slice(1).map((r) => r[0])).toEqual(FORMULAS.map((f) => `'${f}`));
    // Each neutralised cell is written quoted, so nothing can split it and start a new cell.
    for (const line of csv.replace(/^\uFEFF/, '').split('\n').slice(1, 5)) expect(line.startsWith(`"'`)).toBe(true);
  });

  it('writes numbers the archive computed as numbers, negative ones included, and numbers typed as text as text', () => {
    const csv = toCsv([['lat', 'lon', 'typed'], [15.55, -14.5, '-14.5']]);
    expect(csv.replace(/^\uFEFF/, '').split('\n')[1]).toBe(`15.55,-14.5,"'-14.5"`);
  });

  it('audit CSV: comments and client-sent addresses are neutralised', () => {
    const csv = auditCsv([{ at: '2026-01-01T00:00:00.000Z', actor: 'quan-tri', action: 'publish', recordId: 'zzzzzzzz', version: 2, comment: '=HYPERLINK("http://x.invalid/")', address: '@SUM(1+1)*cmd' }]);
    const [, row] = cells(csv);
    expect(row).toEqual(['2026-01-01T00:00:00.000Z', 'quan-tri', 'publish', 'zzzzzzzz', '2', `'=HYPERLINK("http://x.invalid/")`, `'@SUM(1+1)*cmd`]);
  });

  it('coverage CSV: inventory element names (edited by admins) are neutralised', () => {
    const inventory = vocab.inventory.map((e, i) => (i === 0 ? { ...e, name: { ...e.name, vi: '=1+1' } } : e));
    const csv = coverageCsv(computeCoverage({ ...vocab, inventory }, []), vocab);
    expect(cells(csv).find((r) => r[0] === 'element' && r[1] === inventory[0]!.id)?.[2]).toBe(`'=1+1`);
  });

  it('search.csv: record titles are neutralised', async () => {
    const hit = { id: 'zzzzzzzz', slug: 'tan-cong', type: 'festival' as const, title: { vi: TITLE, en: '-1+1' }, date: '2024', titleHighlight: [], snippet: [] };
    const result: SearchResult = { hits: [hit], total: 1, page: 1, pageSize: 100, facets: {}, tookMs: 0 };
    const index = { engine: 'embedded', search: async () => result } as unknown as SearchIndex;
    const archive = { config: parseConfig({ DATA_DIR: os.tmpdir(), SITE_URL: SITE }), vocab } as unknown as Archive;
    const response = await searchRecords(index, 'csv')(archive, new Request(`${SITE}/api/v1/search.csv`), {});
    const [header, row] = cells(await response.text());
    expect(header).toEqual(['id', 'title_vi', 'title_en', 'type', 'date', 'url']);
    expect(row!.slice(1, 3)).toEqual([`'${TITLE}`, `'-1+1`]);
  });
});

// ---------------------------------------------------------------- class 5: JSON-LD and client components

describe('class 5: JSON-LD cannot end its script element', () => {
  it('escapes <, >, &, U+2028 and U+2029, and reads back as the same data in a real page', async () => {
    const value = recordJsonLd(hostileRecord({ title: { vi: `</script><script>${run('json-ld')}</script><!-- \u2028\u2029`, en: 'x' } }).record, vocab, SITE);
    const json = jsonLdForHtml(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
    await page.setContent(`<!doctype html><html><head><script type="application/ld+json">${json}</script></head><body><p id="after">after</p></body></html>`);
    const seen = await page.evaluate(() => ({
      scripts: document.scripts.length,
      data: JSON.parse(document.scripts[0]!.textContent!) as unknown,
      after: document.getElementById('after')?.textContent,
      pwned: (window as unknown as { __pwned?: string[] }).__pwned,
    }));
    expect(seen).toEqual({ scripts: 1, data: value, after: 'after', pwned: undefined });
  });
});

/** Every source file under app/ and lib/, for the scans below. */
async function sources(): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const dir of ['app', 'lib']) {
    const entries = await readdir(path.join(ROOT, dir), { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (!e.isFile() || !/\.(ts|tsx)$/.test(e.name)) continue;
      const file = path.relative(ROOT, path.join(e.parentPath, e.name));
      out.push({ file, text: await readFile(path.join(ROOT, file), 'utf8') });
    }
  }
  return out;
}

describe('class 5: no string reaches the DOM as HTML (source scan)', () => {
  /** Ways to write HTML from a string; none is needed anywhere in the archive. */
  const RAW_HTML = /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|srcdoc|\bdivIcon\s*\(|createContextualFragment|new Function\s*\(/;
  /** Leaflet methods that treat a string as HTML: they must be given an element (textElement) instead. */
  const LEAFLET_CONTENT = /\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(\s*(?!textElement\(|popupElement\()/;
  /** Leaflet's attribution is always a string written as HTML: escaped. */
  const ATTRIBUTION = /tileLayer\([^;]*?\{[^}]*?\battribution\s*(?=[,}]|:(?!\s*escapeHtml\())/s;

  it('no innerHTML, insertAdjacentHTML, document.write, divIcon html', async () => {
    const hits = (await sources()).filter((s) => RAW_HTML.test(s.text)).map((s) => `${s.file}: ${RAW_HTML.exec(s.text)![0]}`);
    expect(hits).toEqual([]);
  });

  it('dangerouslySetInnerHTML only for JSON-LD, through jsonLdForHtml', async () => {
    const hits = (await sources()).flatMap((s) => [...s.text.matchAll(/dangerouslySetInnerHTML=\{\{\s*__html:\s*([^\n]{0,40})/g)].filter((m) => !m[1]!.startsWith('jsonLdForHtml(')).map((m) => `${s.file}: ${m[0]}`));
    expect(hits).toEqual([]);
  });

  it('Leaflet tooltips and popups get elements, attributions are escaped', async () => {
    const leaflet = (await sources()).filter((s) => /from 'leaflet'|import\('leaflet'\)/.test(s.text));
    expect(leaflet.map((s) => s.file).sort()).toEqual(['app/_components/map/places-map.tsx', 'app/studio/records/map-picker.tsx']);
    for (const s of leaflet) {
      expect(LEAFLET_CONTENT.exec(s.text)?.[0], s.file).toBeUndefined();
      expect(ATTRIBUTION.exec(s.text)?.[0], s.file).toBeUndefined();
    }
  });
});

/**
 * The map components as the browser runs them: bundled from their source
 * (React, Leaflet and its CSS included) with Vite, mounted in an otherwise
 * empty page served by Playwright, hovered like a visitor would.
 */
async function mapBundle(): Promise<{ js: string; css: string }> {
  const entry = `
    import { createElement as h } from 'react';
    import { createRoot } from 'react-dom/client';
    import { PlacesMap } from '@/app/_components/map/places-map';
    import { MapPicker } from '@/app/studio/records/map-picker';
    const { kind, props } = window.__mount;
    const root = createRoot(document.getElementById('root'));
    if (kind === 'places') root.render(h(PlacesMap, props));
    else root.render(h('form', null, h('input', { name: 'places.0.lat', defaultValue: '15.5' }), h('input', { name: 'places.0.lon', defaultValue: '107.9' }), h(MapPicker, props)));
  `;
  return browserBundle('injection-map-entry', entry);
}

describe('class 5: map tooltips, popups and attribution show typed text as text (Chromium)', () => {
  const ORIGIN = 'http://injection.test';
  const ATTRIBUTION = `© OSM <img src=x onerror="${run('attribution')}">`;
  let bundle: { js: string; css: string };

  beforeAll(async () => {
    bundle = await mapBundle();
  }, 120_000);

  async function mount(kind: 'places' | 'picker', props: unknown): Promise<Page> {
    const tab = await browser.newPage({ viewport: { width: 800, height: 600 } });
    tab.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await tab.route(`${ORIGIN}/**`, (route) => {
      const url = route.request().url();
      if (url === `${ORIGIN}/`) {
        return route.fulfill({
          contentType: 'text/html; charset=utf-8',
          body: `<!doctype html><html><head><meta charset="utf-8"><style>${bundle.css}</style><style>[data-testid] { height: 400px }</style></head>
            <body><div id="root"></div><script>window.__mount = ${JSON.stringify({ kind, props }).replace(/</g, '\\u003c')}</script><script type="module" src="/map.js"></script></body></html>`,
        });
      }
      if (url === `${ORIGIN}/map.js`) return route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: bundle.js });
      // Tiles and the payloads' images: nothing loads, so every onerror would fire.
      return route.fulfill({ status: 404, body: '' });
    });
    await tab.goto(`${ORIGIN}/`);
    return tab;
  }

  /** Hovers each marker; returns what the tooltips show (each distinct one once) and the elements inside them. */
  async function hoverMarkers(tab: Page): Promise<{ text: string; elements: string[] }[]> {
    const markers = tab.locator('path.leaflet-interactive');
    await markers.first().waitFor();
    const seen = new Map<string, { text: string; elements: string[] }>();
    for (let i = 0; i < (await markers.count()); i++) {
      await markers.nth(i).dispatchEvent('mouseover');
      // Read in one step: Leaflet removes a closed tooltip, so the list may change between calls.
      const open = await tab.locator('.leaflet-tooltip').evaluateAll((all) =>
        // Our own wrapper is the one <span> textElement makes; any other element came from parsing the text as HTML.
        all.map((t) => ({ text: t.textContent ?? '', elements: [...t.querySelectorAll('*')].map((e) => e.localName).filter((n) => n !== 'span') })),
      );
      for (const shown of open) seen.set(JSON.stringify(shown), shown);
      await markers.nth(i).dispatchEvent('mouseout');
    }
    return [...seen.values()];
  }

  async function attributionOf(tab: Page) {
    return tab.locator('.leaflet-control-attribution').evaluate((a) => ({ text: a.textContent ?? '', images: a.querySelectorAll('img').length }));
  }

  /** Gives any payload that slipped through time to run (a failed image load), then reads the marker. */
  async function pwned(tab: Page): Promise<string[] | undefined> {
    await tab.waitForTimeout(300);
    return tab.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned);
  }

  it('PlacesMap: the place name shows literally in the tooltip and popup; no payload runs', async () => {
    const tab = await mount('places', {
      points: [{ lat: 15.6, lon: 107.8, label: PLACE, links: [{ label: TITLE, href: '/vi/records/zzzzzzzz/tan-cong' }] }],
      tileUrl: `${ORIGIN}/tiles/{z}/{x}/{y}.png`,
      attribution: ATTRIBUTION,
      label: 'Bản đồ',
      tilesFailedText: 'Không tải được bản đồ nền',
    });
    try {
      expect(await hoverMarkers(tab)).toEqual([{ text: PLACE, elements: [] }]);
      await tab.locator('path.leaflet-interactive').first().dispatchEvent('click');
      const popup = await tab.locator('.leaflet-popup-content').evaluate((p) => ({ heading: p.querySelector('strong')?.textContent, link: p.querySelector('a')?.textContent, images: p.querySelectorAll('img').length }));
      expect(popup).toEqual({ heading: PLACE, link: TITLE, images: 0 });
      expect(await attributionOf(tab)).toMatchObject({ images: 0, text: expect.stringContaining(ATTRIBUTION) });
      expect(await pwned(tab)).toBeUndefined();
    } finally {
      await tab.close();
    }
  });

  it('MapPicker (studio): district names and the attribution show literally; no payload runs', async () => {
    const tab = await mount('picker', { settings: { tileUrl: `${ORIGIN}/tiles/{z}/{x}/{y}.png`, attribution: ATTRIBUTION, districts: [{ id: 'x', name: PLACE, lat: 15.6, lon: 107.8 }] } });
    try {
      await tab.getByRole('button', { name: 'Chọn điểm trên bản đồ' }).click();
      expect(await hoverMarkers(tab)).toEqual([{ text: PLACE, elements: [] }]);
      expect(await attributionOf(tab)).toMatchObject({ images: 0, text: expect.stringContaining(ATTRIBUTION) });
      expect(await pwned(tab)).toBeUndefined();
    } finally {
      await tab.close();
    }
  });
});
