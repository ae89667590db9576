/**
 * Every page fits a phone (issue #14): at 320 and 390 CSS px, no page is
 * wider than the screen, and every pointer target is at least 24×24 CSS px
 * (WCAG 2.2 SC 2.5.8 Target Size (Minimum), with its inline and spacing
 * exceptions).
 *
 * Covered, in Vietnamese and English: home, search with a query, the
 * communities and each community, each record type, the library, the map,
 * the calendar, about, contact, a 404, and every public record (listed
 * through the JSON API, page by page); the community-restricted records as
 * a member of that community sees them. Studio pages at 320 px (at 390 and
 * 1280 px studio-pages.e2e.test.ts holds them to the studio's 44 px rule),
 * and the studio pages that file does not open (an import report, the
 * administrator's audit log and inventory) at both widths.
 *
 * Also, at phone sizes: a click on a video's picture starts it; the photo
 * zoom dialog keeps its controls on the screen; map points carry visible
 * names when the tiles cannot load (the tests run without a network, so they
 * never do), and a point's popup opens clear of the zoom control.
 *
 * One page per account, reused; screenshots only of pages that fail
 * (test-results/fit).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maySeeRecord, type Viewer } from '@/lib/access/policy';
import { isOpenToEveryone } from '@/lib/access/reader';
import { UserStore } from '@/lib/auth/users';
import { listAllRecords } from '@/lib/catalog/catalog';
import { RecordRepository } from '@/lib/records/repository';
import { RECORD_TYPES } from '@/lib/records/schema';
import { LocalObjectStore } from '@/lib/storage/local';
import { ROOT } from '../helpers/cli';
import { findVideoRecord } from '../helpers/demo-server';
import { launchChromium } from './browser';
import { E2E_PASSWORD } from './global-setup';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const failures = path.join(ROOT, 'test-results', 'fit');

/** 320: the width WCAG's reflow criterion (1.4.10) names, the narrowest phones in use; 390: today's common phone. */
const WIDTHS = [320, 390] as const;
/** A common phone's height; the checks measure widths and targets, so any phone-like height does. */
const PHONE_HEIGHT = 844;
/** WCAG 2.2 SC 2.5.8: targets at least 24 by 24 CSS pixels. */
const MIN_TARGET = 24;
const LOCALES = ['vi', 'en'] as const;
/** The API's largest page (lib/api/handlers.ts ListQuery). */
const API_PAGE = 100;
/** A sweep opens dozens of pages: minutes, not the default minute per test. */
const SWEEP_TIMEOUT = 10 * 60_000;
/** An administrator for the two studio pages only administrators open; made here, as global-setup makes the other accounts. */
const ADMIN = 'quan-tri-fit';

let browser: Browser;

beforeAll(async () => {
  await mkdir(failures, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

interface Fit {
  /** How many CSS px the page is wider than the screen (≤ 0 fits). */
  overflow: number;
  /** When it does not fit: the elements that reach past the right edge out of a parent that does not (where to look). */
  culprits: string[];
  /** Targets under 24×24 CSS px that no exception covers. */
  small: string[];
}

/**
 * Runs in the page. Targets are what a pointer activates: links, buttons,
 * form fields, <summary>, and anything focusable by tabindex; a checkbox or
 * radio counts with its label (pressing the label checks it). A visually
 * hidden element (1×1, such as the skip link until focused) is not a target.
 *
 * The SC's exceptions, as written:
 *  - Inline: an inline link in a block that also holds words outside any
 *    target (a sentence) is sized by the text's line height.
 *  - Spacing: an undersized target passes when a 24 px circle centred on its
 *    box intersects no other target and no other undersized target's circle.
 * Native media controls (user-agent controls) and Leaflet's marker shapes
 * (the same places are links in the list beside each map) are not measured.
 */
function measure(minTarget: number): Fit {
  const width = window.innerWidth;
  const overflow = document.documentElement.scrollWidth - width;
  const name = (el: Element): string => {
    const id = el.id ? `#${el.id}` : '';
    const classes = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 3).join('.')}` : '';
    const text = (el.textContent || el.getAttribute('aria-label') || (el as HTMLInputElement).name || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${classes}${text ? ` "${text}"` : ''}`;
  };

  let culprits: string[] = [];
  if (overflow > 0) {
    const scrollsOrClips = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
      return false;
    };
    // Half a pixel of slack for layout's fractional sizes.
    const reachesPast = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    /** The nearest ancestor with a box of its own (display: contents has none). */
    const boxParent = (el: Element) => {
      let p = el.parentElement;
      while (p && getComputedStyle(p).display === 'contents') p = p.parentElement;
      return p;
    };
    culprits = [...document.body.querySelectorAll('*')]
      .flatMap((el) => {
        const parent = boxParent(el);
        return parent && reachesPast(el) && !reachesPast(parent) && !scrollsOrClips(el) ? [`${name(parent)} > ${name(el)} right=${Math.round(el.getBoundingClientRect().right)}`] : [];
      })
      .slice(0, 5);
  }

  const SELECTOR = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  type Target = { el: Element; box: DOMRect; undersized: boolean; inline: boolean };
  const blockOf = (el: Element): Element => {
    let block = el.parentElement ?? document.body;
    while (block !== document.body && /^(inline|contents)/.test(getComputedStyle(block).display)) block = block.parentElement ?? document.body;
    return block;
  };
  /** An inline target in a block with words outside every target: a link in a sentence. */
  const inSentence = (el: Element): boolean => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const walker = document.createTreeWalker(blockOf(el), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/\p{L}/u.test(node.textContent ?? '') && !node.parentElement?.closest(SELECTOR)) return true;
    }
    return false;
  };
  const targets: Target[] = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (el.closest('.leaflet-marker-pane, .leaflet-overlay-pane')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.pointerEvents === 'none') continue;
    let box = el.getBoundingClientRect();
    const input = el as HTMLInputElement;
    const label = el instanceof HTMLInputElement ? input.labels?.[0] : undefined;
    if (label && (input.type === 'checkbox' || input.type === 'radio' || (box.width <= 1 && box.height <= 1))) {
      const labelBox = label.getBoundingClientRect();
      if (labelBox.width * labelBox.height > box.width * box.height) box = labelBox;
    }
    if (box.width <= 1 || box.height <= 1) continue; // not rendered, or visually hidden
    // A hundredth of a pixel of slack for layout's fractional sizes.
    const undersized = box.width < minTarget - 0.01 || box.height < minTarget - 0.01;
    targets.push({ el, box, undersized, inline: undersized && inSentence(el) });
  }
  const centre = (b: DOMRect) => ({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
  const distanceToBox = (p: { x: number; y: number }, b: DOMRect) => Math.hypot(Math.max(b.left - p.x, 0, p.x - b.right), Math.max(b.top - p.y, 0, p.y - b.bottom));
  const radius = minTarget / 2;
  const small = targets
    .filter((t) => t.undersized && !t.inline)
    .filter((t) => {
      const c = centre(t.box);
      return targets.some((o) => {
        if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) return false;
        const oc = centre(o.box);
        return distanceToBox(c, o.box) < radius || (o.undersized && Math.hypot(c.x - oc.x, c.y - oc.y) < minTarget);
      });
    })
    .map((t) => `${name(t.el)} ${Math.round(t.box.width)}×${Math.round(t.box.height)} at (${Math.round(t.box.left)}, ${Math.round(t.box.top + window.scrollY)})`);
  return { overflow, culprits, small };
}

/** Opens each page and measures it once it has hydrated; returns one line per problem, and screenshots the pages that have one. */
async function sweep(page: Page, pages: [string, string][], options: { expectStatus?: (url: string) => number } = {}): Promise<string[]> {
  const problems: string[] = [];
  const width = page.viewportSize()!.width;
  for (const [name, url] of pages) {
    // After "load": copy buttons, the zoom button and other client parts appear on hydration and must fit too.
    const response = await page.goto(`${baseUrl}${url}`, { waitUntil: 'load' });
    await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 2_000 })));
    const wanted = options.expectStatus?.(url) ?? 200;
    const lines: string[] = [];
    if (response?.status() !== wanted) lines.push(`HTTP ${response?.status()} (wanted ${wanted})`);
    const fit = await page.evaluate(measure, MIN_TARGET);
    if (fit.overflow > 0) lines.push(`${fit.overflow} px wider than the screen; sticking out of a parent that fits: ${fit.culprits.join('; ')}`);
    for (const s of fit.small) lines.push(`target under ${MIN_TARGET} px: ${s}`);
    if (lines.length > 0) {
      problems.push(...lines.map((line) => `${url} at ${width} px: ${line}`));
      await page.screenshot({ path: path.join(failures, `${name.replace(/[^\w-]+/g, '_')}-${width}.png`), fullPage: true });
    }
  }
  return problems;
}

async function phone(width: number, username?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: PHONE_HEIGHT } });
  if (!username) return page;
  await page.goto(`${baseUrl}/studio/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${baseUrl}/studio`);
  return page;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(`${baseUrl}${url}`);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Every public record, through the API's pages. */
async function publicRecords(): Promise<{ id: string; slug: string }[]> {
  const all: { id: string; slug: string }[] = [];
  let cursor: string | null = null;
  do {
    const body: { items: { id: string; slug: string }[]; nextCursor: string | null } = await getJson(`/api/v1/records?limit=${API_PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

function repository(): RecordRepository {
  return new RecordRepository(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
}

describe('every page fits a phone', () => {
  let records: { id: string; slug: string }[];
  let publicPages: [string, string][];

  beforeAll(async () => {
    records = await publicRecords();
    const vocab = await getJson<{ ethnicGroups: { id: string }[] }>('/api/v1/vocabularies');
    publicPages = LOCALES.flatMap((l): [string, string][] => [
      [`${l}-home`, `/${l}`],
      [`${l}-search`, `/${l}/search?q=${encodeURIComponent('le hoi')}`],
      [`${l}-communities`, `/${l}/communities`],
      ...vocab.ethnicGroups.map((g): [string, string] => [`${l}-community-${g.id}`, `/${l}/communities/${g.id}`]),
      // Documents have the library as their list (/types/document redirects there).
      ...RECORD_TYPES.filter((type) => type !== 'document').map((type): [string, string] => [`${l}-type-${type}`, `/${l}/types/${type}`]),
      [`${l}-library`, `/${l}/library`],
      [`${l}-map`, `/${l}/map`],
      [`${l}-calendar`, `/${l}/calendar`],
      [`${l}-about`, `/${l}/about`],
      [`${l}-contact`, `/${l}/contact`],
      [`${l}-404`, `/${l}/khong-co-trang-nay`],
    ]);
  });

  for (const width of WIDTHS) {
    it(`at ${width} px: the site's pages, in both languages`, async () => {
      const page = await phone(width);
      const problems = await sweep(page, publicPages, { expectStatus: (url) => (url.endsWith('/khong-co-trang-nay') ? 404 : 200) });
      await page.close();
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT);

    it(`at ${width} px: every public record, in both languages`, async () => {
      expect(records.length, 'public demo records').toBeGreaterThan(0);
      const page = await phone(width);
      const pages = records.flatMap(({ id, slug }) => LOCALES.map((l): [string, string] => [`${l}-record-${slug}`, `/${l}/records/${id}/${slug}`]));
      const problems = await sweep(page, pages);
      await page.close();
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT);

    it(`at ${width} px: community-restricted records, as a member of that community`, async () => {
      const member: Viewer = { kind: 'user', id: 'thanh-vien-co-tu', roles: ['researcher'], communities: ['co-tu'] };
      const restricted = (await listAllRecords(repository())).map((s) => s.record).filter((r) => !isOpenToEveryone(r) && maySeeRecord(member, r));
      expect(restricted.length, 'restricted records a Cơ Tu member may see').toBeGreaterThan(0);
      const page = await phone(width, 'thanh-vien-co-tu');
      const pages = restricted.flatMap((r) => LOCALES.map((l): [string, string] => [`${l}-member-record-${r.slug}`, `/${l}/records/${r.id}/${r.slug}`]));
      const problems = await sweep(page, pages);
      await page.close();
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT);
  }
});

describe('every studio page fits a phone', () => {
  beforeAll(async () => {
    const users = new UserStore(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
    if (!(await users.get(ADMIN).catch(() => undefined))) {
      await users.create({ username: ADMIN, displayName: 'Quản trị (kiểm tra bố cục)', roles: ['admin'], communities: [], password: E2E_PASSWORD });
    }
  });

  /** The id of a demo record with this status word, from the studio's list. */
  async function studioRecordId(page: Page, status: string): Promise<string> {
    await page.goto(`${baseUrl}/studio`);
    const href = await page.locator('tbody tr').evaluateAll(
      (rows, wanted) => rows.filter((row) => row.textContent?.includes(wanted)).map((row) => row.querySelector('a')?.getAttribute('href'))[0],
      status,
    );
    expect(href, `a record "${status}" in the studio list`).toMatch(/^\/studio\/records\/[0-9a-z]+$/);
    return href!.split('/').pop()!;
  }

  /** A dry run of a CSV whose row is wrong in several columns: the report's table of problems, with long values. */
  async function importReportUrl(page: Page): Promise<string> {
    const template = await (await page.request.get(`${baseUrl}/studio/import/template.csv`)).text();
    const [header, example] = template.split(/\r?\n/);
    const wrong = example!.replace('le-mung-lua-moi-thon-a', 'mot-ten-rat-dai-khong-co-dau-cach-nao-de-xuong-dong-tren-man-hinh-dien-thoai').replace(',festival,', ',khong-phai-mot-loai,').replace('http://rightsstatements.org/vocab/InC-EDU/1.0/', 'khong-phai-dia-chi');
    await page.goto(`${baseUrl}/studio/import`);
    await page.locator('input[name=csv]').setInputFiles({ name: 'sai.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${wrong}\n`) });
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.waitForURL(/\/studio\/import\/[^/?]+$/);
    await expect(page.getByTestId('import-problems').count()).resolves.toBe(1);
    return new URL(page.url()).pathname;
  }

  it('at 320 px: the pages studio-pages.e2e.test.ts holds to 44 px at 390 and 1280', async () => {
    const page = await phone(320, 'nguoi-duyet');
    const submitted = await studioRecordId(page, 'Chờ duyệt');
    const published = await studioRecordId(page, 'Đã công bố');
    const problems = await sweep(page, [
      ['studio-home', '/studio'],
      ['studio-review', '/studio/review'],
      ['studio-record', `/studio/records/${published}`],
      ['studio-record-submitted', `/studio/records/${submitted}`],
      ['studio-editor', `/studio/records/${published}/edit`],
      ['studio-new', '/studio/records/new'],
      ['studio-import', '/studio/import'],
      ['studio-coverage', '/studio/coverage'],
      ['studio-login', '/studio/login'],
    ]);
    await page.close();
    expect(problems).toEqual([]);
  }, SWEEP_TIMEOUT);

  for (const width of WIDTHS) {
    it(`at ${width} px: an import report, the audit log and the inventory`, async () => {
      const reviewer = await phone(width, 'nguoi-duyet');
      const problems = await sweep(reviewer, [['studio-import-report', await importReportUrl(reviewer)]]);
      await reviewer.close();
      const admin = await phone(width, ADMIN);
      problems.push(
        ...(await sweep(admin, [
          ['studio-audit', '/studio/audit'],
          ['studio-inventory', '/studio/inventory'],
        ])),
      );
      await admin.close();
      expect(problems).toEqual([]);
    }, SWEEP_TIMEOUT);
  }
});

describe('on a phone, media and maps', () => {
  it('a click on the video’s picture starts it', async () => {
    const { id, slug } = await findVideoRecord(baseUrl);
    const page = await phone(390);
    await page.goto(`${baseUrl}/vi/records/${id}/${slug}`, { waitUntil: 'load' });
    const video = page.locator('video').first();
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true; // headless Chromium may refuse to start sound without a user gesture it trusts
      v.addEventListener('play', () => v.setAttribute('data-played', ''), { once: true });
    });
    await video.scrollIntoViewIfNeeded();
    const box = (await video.boundingBox())!;
    // Upper middle of the picture: well clear of the native control bar along the bottom edge.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 3);
    await expect.poll(() => video.evaluate((v) => v.hasAttribute('data-played')), { timeout: 10_000 }).toBe(true);
    await page.close();
  });

  it('the zoom dialog fits a 320 px screen, every control of it in view', async () => {
    const { id, slug } = await findVideoRecord(baseUrl);
    const page = await phone(320);
    await page.goto(`${baseUrl}/vi/records/${id}/${slug}`, { waitUntil: 'load' });
    await page.locator('button[aria-haspopup=dialog]').first().click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const outside = await dialog.evaluate((d) => {
      const inView = (r: DOMRect) => r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
      return [d, ...d.querySelectorAll('button, h2')].filter((el) => !inView(el.getBoundingClientRect())).map((el) => `${el.tagName} "${el.textContent}"`);
    });
    expect(outside, 'parts of the zoom dialog off the screen').toEqual([]);
    await page.close();
  });

  it('map points are named on the map when the tiles cannot load, and a popup opens clear of the zoom control', async () => {
    const page = await phone(320);
    await page.goto(`${baseUrl}/vi/map`, { waitUntil: 'load' });
    const labels = page.locator('[data-testid=places-map] .leaflet-tooltip');
    await expect.poll(() => labels.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect(labels.first().isVisible()).resolves.toBe(true);
    expect((await labels.allTextContents()).join(' ')).toMatch(/\p{L}{3}/u);
    // The point nearest the left edge: its popup is the one the control could cover.
    const markers = page.locator('[data-testid=places-map] path.leaflet-interactive');
    const lefts = await markers.evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect().left));
    await markers.nth(lefts.indexOf(Math.min(...lefts))).click({ force: true });
    const popup = page.locator('.leaflet-popup-content-wrapper');
    await popup.waitFor();
    /** What is wrong with where the popup is, in words; empty when nothing is. */
    const misplaced = async () =>
      page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        const [popup, control, map] = [box('.leaflet-popup-content-wrapper'), box('.leaflet-control-zoom'), box('[data-testid=places-map]')];
        const at = (r: DOMRect) => `${Math.round(r.left)}–${Math.round(r.right)} × ${Math.round(r.top)}–${Math.round(r.bottom)}`;
        const covered = popup.left < control.right && control.left < popup.right && popup.top < control.bottom && control.top < popup.bottom;
        const outside = popup.left < map.left || popup.right > map.right;
        return covered || outside ? `popup at ${at(popup)}, zoom control at ${at(control)}, map at ${at(map)}` : '';
      });
    // Leaflet pans the map to bring the popup into view, with an animation.
    await expect.poll(misplaced, { timeout: 5_000 }).toBe('');
    await page.close();
  });
});
