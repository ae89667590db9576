/**
 * Issue #14: when the map's tiles cannot load, the points' names are written
 * on the map, and no name may cover another. At 390 px the map's points are
 * only ~13 px apart when zoomed out; Leaflet's own 'auto' direction drew
 * Đông Giang's name over Tây Giang's.
 *
 * The real PlacesMap, bundled from its source with Vite (React, Leaflet and
 * its CSS, as tests/security/injection.test.ts does), mounted in an otherwise
 * empty page in Chromium at 390 px, its tiles pointing at a closed port. No
 * Next build needed.
 */
import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MapPoint } from '@/app/_components/map/places-map';
import { launchChromium } from '../e2e/browser';
import { browserBundle } from '../helpers/browser-bundle';

const ORIGIN = 'http://map-labels.test';
const HOSTILE = `<b>Làng</b> <img src=x onerror="window.__pwned=1"> & "x"`;

/**
 * The former district centres (content/vocabularies/districts.json) and, around
 * Đông Giang, Tây Giang and Nam Giang, villages ~0.07° apart: ~13 px at the zoom
 * a 358 px wide map fits them in. Coordinates of the villages are made up for
 * the test. Counts make the districts' names the ones placed first.
 */
const POINTS: MapPoint[] = [
  { lat: 15.86, lon: 107.48, label: 'Tây Giang (cũ)', count: 12 },
  { lat: 15.93, lon: 107.7, label: 'Đông Giang (cũ)', count: 9 },
  { lat: 15.62, lon: 107.6, label: 'Nam Giang (cũ)', count: 11 },
  { lat: 15.4, lon: 107.78, label: 'Phước Sơn (cũ)', count: 4 },
  { lat: 15.28, lon: 108.2, label: 'Bắc Trà My (cũ)', count: 8 },
  { lat: 15.05, lon: 108.08, label: 'Nam Trà My (cũ)', count: 5 },
  { lat: 15.43, lon: 108.62, label: 'Núi Thành (cũ)', count: 3 },
  { lat: 15.55, lon: 108.08, label: 'Hiệp Đức (cũ)', count: 2 },
  { lat: 15.47, lon: 108.3, label: 'Tiên Phước (cũ)', count: 2 },
  { lat: 15.57, lon: 108.47, label: 'Tam Kỳ', count: 6 },
  { lat: 15.93, lon: 107.55, label: 'A Tiêng', count: 1 },
  { lat: 15.86, lon: 107.55, label: 'Bhalêê', count: 1 },
  { lat: 15.93, lon: 107.77, label: 'Prao (thị trấn)', count: 1 },
  { lat: 15.86, lon: 107.7, label: 'Sông Kôn', count: 1 },
  { lat: 15.62, lon: 107.67, label: 'Thạnh Mỹ (thị trấn)', count: 1 },
  { lat: 15.55, lon: 107.6, label: HOSTILE, links: [{ label: 'x', href: '/vi' }] },
  { lat: 15.4, lon: 107.71, label: 'Khâm Đức (thị trấn)', count: 1 },
];

/** The map component as the browser runs it: a production bundle with Leaflet and its CSS. */
async function mapBundle(): Promise<{ js: string; css: string }> {
  const entry = `
    import { createElement as h } from 'react';
    import { createRoot } from 'react-dom/client';
    import { PlacesMap } from '@/app/_components/map/places-map';
    createRoot(document.getElementById('root')).render(h(PlacesMap, window.__props));
  `;
  return browserBundle('map-labels-entry', entry);
}

/** A port nothing listens on: every tile request is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Shown {
  text: string;
  /** Elements inside the label other than the span holding its text: would mean the text was read as HTML. */
  elements: string[];
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The names written on the map now, the map's inside, and the points' centres. */
function shown(tab: Page) {
  return tab.evaluate(() => {
    const map = document.querySelector('[data-testid=places-map]') as HTMLElement;
    const box = map.getBoundingClientRect();
    const frame = { left: box.left + map.clientLeft, top: box.top + map.clientTop, right: box.left + map.clientLeft + map.clientWidth, bottom: box.top + map.clientTop + map.clientHeight };
    const labels = [...map.querySelectorAll<HTMLElement>('.leaflet-tooltip')]
      .filter((t) => {
        const style = getComputedStyle(t);
        const r = t.getBoundingClientRect();
        return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0 && r.width > 0 && r.height > 0;
      })
      .map((t) => {
        const r = t.getBoundingClientRect();
        const elements = [...t.querySelectorAll('*')].map((e) => e.localName).filter((n) => n !== 'span');
        return { text: t.textContent ?? '', elements, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      });
    const points = [...map.querySelectorAll('path.leaflet-interactive')].map((p) => {
      const r = p.getBoundingClientRect();
      return { x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2 };
    });
    return { frame, labels, points };
  });
}

/** What is wrong with the names on the map, in words: names covering each other, or reaching outside the map. */
async function problems(tab: Page): Promise<string[]> {
  const { frame, labels } = await shown(tab);
  const at = (l: Shown) => `"${l.text}" ${Math.round(l.left)}–${Math.round(l.right)} × ${Math.round(l.top)}–${Math.round(l.bottom)}`;
  const out: string[] = [];
  labels.forEach((a, i) => {
    if (a.left < frame.left || a.top < frame.top || a.right > frame.right || a.bottom > frame.bottom) out.push(`${at(a)} reaches outside the map`);
    for (const b of labels.slice(i + 1)) {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(`${at(a)} and ${at(b)} overlap`);
    }
  });
  return out;
}

/**
 * Waits until the map has come to rest: no zoom animation running, and the
 * names and points unchanged over half a second (Leaflet finishes a zoom and
 * reports a resize a frame or a debounce later, and the names follow).
 */
async function settle(tab: Page): Promise<void> {
  let last = '';
  await expect
    .poll(
      async () => {
        await tab.waitForTimeout(500);
        const now = JSON.stringify(await shown(tab));
        const animating = await tab.evaluate(() => !!document.querySelector('.leaflet-zoom-anim'));
        const still = !animating && now === last;
        last = now;
        return still;
      },
      { timeout: 20_000, interval: 0 },
    )
    .toBe(true);
}

/** The distance from each point to its nearest neighbour. */
function nearest(points: { x: number; y: number }[]): number[] {
  return points.map((p, i) => Math.min(...points.filter((_, j) => j !== i).map((q) => Math.hypot(p.x - q.x, p.y - q.y))));
}

let browser: Browser;
let bundle: { js: string; css: string };

beforeAll(async () => {
  [browser, bundle] = await Promise.all([launchChromium(), mapBundle()]);
}, 120_000);
afterAll(async () => browser?.close());

describe('PlacesMap with its tiles offline, on a 390 px phone', () => {
  it('writes the names where none covers another and each stays inside the map, again after zooming and resizing', async () => {
    const props = {
      points: POINTS,
      tileUrl: `http://127.0.0.1:${await closedPort()}/{z}/{x}/{y}.png`,
      attribution: '© OpenStreetMap contributors',
      label: 'Bản đồ',
      tilesFailedText: 'Không tải được bản đồ nền',
    };
    const tab = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.route(`${ORIGIN}/**`, (route) => {
      const url = route.request().url();
      if (url === `${ORIGIN}/`) {
        return route.fulfill({
          contentType: 'text/html; charset=utf-8',
          // The site's padding at 390 px, the map page's 60vh map, and the site's tighter labels (app/globals.css).
          body: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${bundle.css}</style>
            <style>body { margin: 0; font: 16px sans-serif } #root { padding: 0 16px } [data-testid=places-map] { height: 60vh; border: 1px solid #ccc } .leaflet-tooltip.map-label { padding: 1px 4px }</style></head>
            <body><div id="root"></div><script>window.__props = ${JSON.stringify(props).replace(/</g, '\\u003c')}</script><script type="module" src="/map.js"></script></body></html>`,
        });
      }
      if (url === `${ORIGIN}/map.js`) return route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: bundle.js });
      return route.fulfill({ status: 404, body: '' });
    });
    try {
      await tab.goto(`${ORIGIN}/`);
      await tab.getByRole('status').filter({ hasText: props.tilesFailedText }).waitFor({ timeout: 20_000 });
      await expect.poll(async () => (await shown(tab)).labels.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await settle(tab);

      // The case of the issue: points a dozen pixels apart.
      const first = await shown(tab);
      expect(first.points).toHaveLength(POINTS.length);
      expect(Math.min(...nearest(first.points))).toBeLessThanOrEqual(15);

      expect(await problems(tab)).toEqual([]);
      // The most important name always has room; a good share of the others are written too.
      expect(first.labels.map((l) => l.text)).toContain('Tây Giang (cũ)');
      expect(first.labels.length).toBeGreaterThanOrEqual(8);
      // Names stay text, whatever they hold.
      for (const label of first.labels) expect(label.elements).toEqual([]);

      // A name left off the map still shows on hover: every place is named one way or the other.
      const named = new Set(first.labels.map((l) => l.text));
      const markers = tab.locator('path.leaflet-interactive');
      for (let i = 0; i < (await markers.count()); i++) {
        await markers.nth(i).dispatchEvent('mouseover');
        for (const label of (await shown(tab)).labels) named.add(label.text);
        await markers.nth(i).dispatchEvent('mouseout');
      }
      expect([...named].sort()).toEqual(POINTS.map((p) => p.label).sort());
      expect(await problems(tab)).toEqual([]);

      // Zoomed in: points further apart, some off the map; the names are placed again.
      const spread = Math.min(...nearest(first.points));
      await tab.locator('.leaflet-control-zoom-in').click();
      await expect.poll(async () => Math.min(...nearest((await shown(tab)).points)), { timeout: 10_000 }).toBeGreaterThan(spread * 1.5);
      await settle(tab);
      expect(await problems(tab)).toEqual([]);
      expect((await shown(tab)).labels.length).toBeGreaterThanOrEqual(6);

      // Zoomed out again and the phone narrower (320 px): placed again for the smaller map.
      await tab.locator('.leaflet-control-zoom-out').click();
      await tab.setViewportSize({ width: 320, height: 640 });
      await expect.poll(async () => (await shown(tab)).frame.right, { timeout: 10_000 }).toBeLessThanOrEqual(320);
      await settle(tab);
      expect(await problems(tab)).toEqual([]);
      expect((await shown(tab)).labels.length).toBeGreaterThan(0);

      expect(await tab.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
