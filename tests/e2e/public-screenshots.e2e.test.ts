/**
 * The public pages as a visitor sees them on a phone (390 × 844 CSS px),
 * screenshot for people to look at (issue #14, "Done when"): home, a search,
 * a search with a typo and its "did you mean", a record, the library, the
 * map and the calendar. Written to test-results/screenshots/<name>-390.png;
 * copies are committed in docs/screenshots/.
 *
 * Each screenshot is taken only after the page shows what a visitor would
 * look for on it, so a picture in docs/ never shows a page that has stopped
 * doing its job: the suggestion is there and runs the corrected search, the
 * record's picture has loaded, the map names its places and lists them
 * below, the calendar shows its twelve months. And nothing is wider than
 * the screen (fit.e2e.test.ts sweeps every page for that at 320 and 390 px).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordIdFromSeed } from '@/lib/records/ids';
import { foldVietnamese } from '@/lib/records/slug';
import { ROOT } from '../helpers/cli';
import { launchChromium } from './browser';

const baseUrl = inject('baseUrl');
const shots = path.join(ROOT, 'test-results', 'screenshots');
const WIDTH = 390;
const DAM_TRAU = recordIdFromSeed('demo:le-hoi-dam-trau-co-tu');
const DAM_TRAU_TITLE = 'Lễ hội đâm trâu của người Cơ Tu';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 1, locale: 'vi-VN' });
});
afterAll(async () => browser?.close());

/** Opens a public page at 390 px; it must answer 200 and fit the screen. */
async function open(url: string): Promise<void> {
  const response = await page.goto(`${baseUrl}${url}`, { waitUntil: 'load' });
  expect(response?.status(), url).toBe(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${url} is ${overflow} px wider than a ${WIDTH} px screen`).toBeLessThanOrEqual(0);
}

/** What the screen shows from the top of the page, as a visitor first sees it. */
async function shoot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shots, `${name}-${WIDTH}.png`), fullPage: false });
}

/** The words of a query as the index compares them: folded (no diacritics, lower case), one space apart. */
const folded = (q: string | null) => foldVietnamese(q ?? '').toLowerCase().trim().split(/\s+/).join(' ');

describe(`public pages at ${WIDTH} px, with screenshots`, () => {
  it('home: the title and the communities', async () => {
    await open('/vi');
    await expect(page.locator('h1').textContent()).resolves.toContain('Di sản văn hóa các dân tộc thiểu số Quảng Nam');
    await expect(page.locator('#communities + ul').textContent()).resolves.toMatch(/Cơ Tu[\s\S]*Xơ Đăng[\s\S]*Giẻ Triêng[\s\S]*Co/);
    await shoot('home');
  });

  it('search without accents: the festival first, the words marked', async () => {
    await open('/vi/search?q=le+hoi+dam+trau');
    const first = page.locator('[data-testid=search-results] > li h2 a').first();
    await expect(first.textContent()).resolves.toBe(DAM_TRAU_TITLE);
    expect(await page.locator('[data-testid=search-results] mark').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('search-did-you-mean').count()).resolves.toBe(0);
    await shoot('search');
  });

  it('search with a typo: "Có phải bạn muốn tìm" offers the corrected words, and the link runs that search', async () => {
    await open('/vi/search?q=le+hoi+dam+trua');
    const suggestion = page.getByTestId('search-did-you-mean');
    await expect(suggestion.isVisible()).resolves.toBe(true);
    await expect(suggestion.textContent()).resolves.toMatch(/^Có phải bạn muốn tìm: .+\?$/);
    const link = suggestion.getByRole('link');
    await expect(link.textContent()).resolves.toBe('le hoi dam trau');
    const corrected = new URL((await link.getAttribute('href'))!, baseUrl);
    expect(corrected.pathname).toBe('/vi/search');
    expect(folded(corrected.searchParams.get('q'))).toBe('le hoi dam trau');
    // The suggestion is in view without scrolling: that is what the screenshot is for.
    const box = (await suggestion.boundingBox())!;
    expect(box.y + box.height, 'the suggestion is on the first screen').toBeLessThanOrEqual(844);
    await shoot('search-typo');

    await link.click();
    await page.waitForURL((url) => url.pathname === '/vi/search' && folded(url.searchParams.get('q')) === 'le hoi dam trau');
    await expect(page.locator('[data-testid=search-results] > li h2 a').first().textContent()).resolves.toBe(DAM_TRAU_TITLE);
    await expect(page.getByTestId('search-did-you-mean').count()).resolves.toBe(0);
  });

  it('a record: title, its picture loaded, and the IIIF link of a record that has a manifest', async () => {
    await open(`/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    await expect(page.locator('h1').textContent()).resolves.toBe(DAM_TRAU_TITLE);
    await page.waitForFunction(() => {
      const img = document.querySelector('figure img') as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const iiif = page.locator(`a[href="/iiif/${DAM_TRAU}/manifest.json"]`);
    await expect(iiif.textContent()).resolves.toBe('IIIF');
    expect((await fetch(`${baseUrl}/iiif/${DAM_TRAU}/manifest.json`)).status, 'the manifest the page links to').toBe(200);
    await shoot('record');
  });

  it('the library: documents listed, with their count', async () => {
    await open('/vi/library');
    await expect(page.locator('h1').textContent()).resolves.toBeTruthy();
    await expect(page.getByTestId('library-total').textContent()).resolves.toMatch(/\d/);
    expect(await page.locator('[data-testid=library-list] > li').count()).toBeGreaterThan(0);
    await shoot('library');
  });

  it('the map: points named on the map (the tiles cannot load here), and the places listed below it with their records', async () => {
    await open('/vi/map');
    await page.locator('[data-testid=places-map].leaflet-container').waitFor({ timeout: 20_000 });
    const labels = page.locator('[data-testid=places-map] .leaflet-tooltip');
    await expect.poll(() => labels.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect((await labels.allTextContents()).join(' ')).toMatch(/\p{L}{3}/u);
    const places = page.getByTestId('places-list');
    await expect(places.textContent()).resolves.toContain('Tây Giang');
    expect(await places.locator('h3').count(), 'districts listed').toBeGreaterThan(1);
    expect(await places.locator('a[href*="/records/"]').count(), 'records listed under their places').toBeGreaterThan(5);
    // The list starts right under the map, on the first screen or just after it.
    await expect(page.getByRole('heading', { name: 'Các địa điểm' }).isVisible()).resolves.toBe(true);
    await shoot('map');
  });

  it('the calendar: twelve lunar months, this month marked, festivals in them and those without a month below', async () => {
    await open('/vi/calendar');
    await expect(page.locator('h1').textContent()).resolves.toBe('Lịch lễ hội');
    const calendar = page.getByTestId('festival-calendar');
    const months = calendar.locator('ol > li');
    await expect(months.count()).resolves.toBe(12);
    await expect(months.first().locator('h2').textContent()).resolves.toContain('Tháng Giêng');
    await expect(months.last().locator('h2').textContent()).resolves.toContain('Tháng Chạp');
    await expect(calendar.getByTestId('current-month').count()).resolves.toBe(1);
    expect(await calendar.locator('ol > li a[href*="/records/"]').count(), 'festivals placed in months').toBeGreaterThan(0);
    // Festivals and rituals whose month no source gives are listed below the months, not hidden.
    const placed = await calendar.locator('a[href*="/records/"]').count();
    expect(placed, 'festivals on the page, in a month or below').toBeGreaterThan(5);
    // The first month is on the first screen.
    const first = (await months.first().boundingBox())!;
    expect(first.y, 'the first month starts on the first screen').toBeLessThan(844);
    await shoot('calendar');
  });
});
