/**
 * Issue #11, classes 5–7 on the running server: a published public record
 * whose title, description and free-text place names (village, commune) are
 * hostile is imported into the server's archive with the CLI; then Chromium
 * hovers its marker on /vi/map and on its own page, reads its JSON-LD, and
 * the feeds and search.csv are fetched as a reader would. No payload may
 * run, and each output shows the typed text as text.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../e2e/browser';
import { runArchiveCli } from '../helpers/cli';
import { attack, baseUrl, dataDir, idOfSlug } from './client';

/** Each payload records its name in window.__pwned if it ever runs. */
const run = (name: string) => `window.__pwned=(window.__pwned||[]).concat('${name}')`;
const SLUG = 'thu-chen-ma-tan-cong';
const TITLE = `=HYPERLINK("http://x.invalid/","Bấm") </script><script>${run('title')}</script><img src=x onerror="${run('title-img')}"> ]]>`;
const TITLE_EN = `+1 <svg onload="${run('title-en')}"> ]]></title>`;
const DESCRIPTION = `<img src=x onerror="${run('description')}">]]></summary><script>${run('description-script')}</script>]]>`;
// Village and commune are free text (districts come from the vocabulary): what the map labels with.
const VILLAGE = `<img src=x onerror="${run('village')}">`;
const COMMUNE = `</strong><svg onload="${run('commune')}">`;

let browser: Browser;
let id: string;

beforeAll(async () => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'disan-injection-'));
  try {
    const body = {
      slug: SLUG,
      type: 'festival',
      status: 'published',
      title: { vi: TITLE, en: TITLE_EN },
      description: { vi: DESCRIPTION, en: DESCRIPTION },
      ethnicGroups: ['co-tu'],
      // A spot no demo record uses, so the marker is this record's alone.
      places: [{ district: 'tay-giang', village: VILLAGE, commune: COMMUNE, lat: 15.987, lon: 107.321 }],
      rights: { uri: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' },
      access: { level: 'public', communities: [] },
    };
    await writeFile(path.join(folder, 'record.json'), JSON.stringify(body));
    // The CLI writes to the server's store and its search index, as an import by staff would.
    const imported = await runArchiveCli(['import', folder], dataDir);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stdout}\n${imported.stderr}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  id = await idOfSlug(SLUG);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => browser?.close());

/** A page that only talks to our server (map tiles and everything else are refused, as offline). */
async function openPage(pathname: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.route('**/*', (route) => (route.request().url().startsWith(baseUrl) ? route.continue() : route.abort()));
  await page.goto(`${baseUrl}${pathname}`);
  return page;
}

/** Hovers every marker of the page's map; returns each distinct tooltip: its text and any element made from it. */
async function tooltips(page: Page): Promise<{ text: string; elements: string[] }[]> {
  await page.locator('[data-testid="places-map"]').scrollIntoViewIfNeeded();
  const markers = page.locator('[data-testid="places-map"] path.leaflet-interactive');
  await markers.first().waitFor();
  const seen = new Map<string, { text: string; elements: string[] }>();
  for (let i = 0; i < (await markers.count()); i++) {
    await markers.nth(i).dispatchEvent('mouseover');
    // Read in one step: Leaflet removes a closed tooltip, so the list may change between calls.
    const open = await page.locator('.leaflet-tooltip').evaluateAll((all) =>
      // Our own wrapper is the one <span> textElement makes; any other element came from parsing the text as HTML.
      all.map((t) => ({ text: t.textContent ?? '', elements: [...t.querySelectorAll('*')].map((e) => e.localName).filter((n) => n !== 'span') })),
    );
    for (const shown of open) seen.set(JSON.stringify(shown), shown);
    await markers.nth(i).dispatchEvent('mouseout');
  }
  return [...seen.values()];
}

/** Gives a payload that slipped through time to run (a failed image load), then reads what ran. */
async function pwned(page: Page): Promise<string[] | undefined> {
  await page.waitForTimeout(500);
  return page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned);
}

describe('class 5: typed place names on the map are text', () => {
  it('/vi/map: hovering the marker shows the village and commune literally and runs nothing', async () => {
    const page = await openPage('/vi/map');
    try {
      const shown = await tooltips(page);
      expect(shown.every((t) => t.elements.length === 0), JSON.stringify(shown)).toBe(true);
      expect(shown.some((t) => t.text.startsWith(`${VILLAGE}, ${COMMUNE}, `))).toBe(true);
      expect(await pwned(page)).toBeUndefined();
    } finally {
      await page.close();
    }
  });

  it('the record page: the tooltip and popup are text, the JSON-LD is one intact script, nothing runs', async () => {
    const page = await openPage(`/vi/records/${id}/${SLUG}`);
    try {
      const shown = await tooltips(page);
      expect(shown).toHaveLength(1);
      expect(shown[0]!.elements).toEqual([]);
      expect(shown[0]!.text.startsWith(`${VILLAGE}, ${COMMUNE}, `)).toBe(true);
      await page.locator('[data-testid="places-map"] path.leaflet-interactive').first().dispatchEvent('click');
      expect(await page.locator('.leaflet-popup-content').evaluate((p) => p.querySelectorAll('img, svg, script').length)).toBe(0);
      const jsonLd = await page.locator('script[type="application/ld+json"]').evaluateAll((scripts) => scripts.map((s) => s.textContent ?? ''));
      expect(jsonLd).toHaveLength(1);
      expect((JSON.parse(jsonLd[0]!) as { name: string }).name).toBe(TITLE);
      expect(await pwned(page)).toBeUndefined();
    } finally {
      await page.close();
    }
  });
});

describe('class 6: feeds served by the archive carry the record as text', () => {
  it('Atom and RSS parse as XML with the title as text; the RSS description makes no element; JSON Feed has no content_html', async () => {
    const page = await browser.newPage();
    try {
      for (const file of ['atom.xml', 'rss.xml']) {
        const xml = await (await attack(`/feeds/vi/${file}`)).text();
        const seen = await page.evaluate(
          ({ source, id }) => {
            const doc = new DOMParser().parseFromString(source, 'application/xml');
            if (doc.getElementsByTagName('parsererror').length) return { error: doc.getElementsByTagName('parsererror')[0]!.textContent };
            const entry = [...doc.querySelectorAll('entry, item')].find((e) => (e.querySelector('id, guid')?.textContent ?? '').endsWith(id));
            if (!entry) return { error: 'no entry for the record' };
            const description = entry.querySelector('description')?.textContent;
            const html = description === undefined ? undefined : new DOMParser().parseFromString(description, 'text/html').body;
            return {
              title: entry.querySelector('title')?.textContent,
              titleType: entry.querySelector('title')?.getAttribute('type'),
              markup: doc.querySelectorAll('script, img, svg').length,
              descriptionElements: html?.querySelectorAll('*').length ?? 0,
              descriptionText: html?.textContent ?? entry.querySelector('summary')?.textContent,
            };
          },
          { source: xml, id },
        );
        expect(seen, file).toEqual({ title: TITLE, titleType: file === 'atom.xml' ? 'text' : null, markup: 0, descriptionElements: 0, descriptionText: DESCRIPTION });
      }
      const json = (await (await attack('/feeds/en/feed.json')).json()) as { items: Record<string, unknown>[] };
      const item = json.items.find((i) => String(i.id).endsWith(id));
      expect(item).toMatchObject({ title: TITLE_EN, content_text: DESCRIPTION });
      expect(item).not.toHaveProperty('content_html');
    } finally {
      await page.close();
    }
  });
});

describe('class 7: search.csv from the server', () => {
  it('writes the hostile titles with a leading quote, so no spreadsheet runs them', async () => {
    const response = await attack('/api/v1/search.csv');
    expect(response.status).toBe(200);
    const rows = parse((await response.text()).replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    const row = rows.find((r) => r[0] === id);
    expect(row?.slice(1, 3)).toEqual([`'${TITLE}`, `'${TITLE_EN}`]);
  });
});
