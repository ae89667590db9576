/**
 * Every studio page, as the staff who use it see it on a phone (390 px) and a
 * laptop (1280 px): nothing wider than the screen, every control big enough
 * to touch, screenshots for people to look at (test-results/screenshots,
 * copied to docs/screenshots).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { launchChromium } from './browser';
import { E2E_PASSWORD } from './global-setup';

const baseUrl = inject('baseUrl');
const shots = path.join(ROOT, 'test-results', 'screenshots');
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

async function signedIn(username: string, width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 800 } });
  await page.goto(`${baseUrl}/studio/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${baseUrl}/studio`);
  return page;
}

/** The id of a demo record, from the studio list's links. */
async function anyRecordId(page: Page, status: string): Promise<string> {
  await page.goto(`${baseUrl}/studio`);
  const href = await page.locator('a[href^="/studio/records/"]', { hasText: '' }).evaluateAll(
    (links, wanted) => links.map((a) => ({ href: a.getAttribute('href')!, row: a.closest('li,tr')?.textContent ?? '' })).find((l) => /^\/studio\/records\/[0-9a-z]{8}$/.test(l.href) && l.row.includes(wanted))?.href,
    status,
  );
  expect(href, `a ${status} record in the studio list`).toBeDefined();
  return href!.split('/').pop()!;
}

describe('studio pages fit a phone', () => {
  for (const width of [390, 1280]) {
    it(`at ${width} px: no page is wider than the screen, controls are at least 44 px, screenshots`, async () => {
      const page = await signedIn('nguoi-duyet', width);
      const submitted = await anyRecordId(page, 'Chờ duyệt');
      const published = await anyRecordId(page, 'Đã công bố');
      const pages: [string, string][] = [
        ['studio-home', '/studio'],
        ['studio-review', '/studio/review'],
        ['studio-record', `/studio/records/${published}`],
        ['studio-record-submitted', `/studio/records/${submitted}`],
        ['studio-editor', `/studio/records/${published}/edit`],
        ['studio-new', '/studio/records/new'],
        ['studio-import', '/studio/import'],
        ['studio-coverage', '/studio/coverage'],
        // Shown as to a visitor even when signed in. The import report, the audit log and the inventory need an upload or an
        // administrator: fit.e2e.test.ts opens those.
        ['studio-login', '/studio/login'],
      ];
      for (const [name, url] of pages) {
        const response = await page.goto(`${baseUrl}${url}`);
        expect(response?.status(), url).toBe(200);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${url} is ${overflow} px wider than the screen`).toBeLessThanOrEqual(0);
        // Buttons, links styled as buttons, and form controls in the main area (WCAG 2.5.8 asks 24 px; officers in the field need 44).
        const small = await page.evaluate(() =>
          [...document.querySelectorAll('main button, main input:not([type=hidden]), main select, main a.rounded, main summary')]
            .filter((el) => (el as HTMLElement).offsetParent !== null)
            .map((el) => ({ el, box: el.getBoundingClientRect() }))
            .filter(({ el, box }) => {
              // A checkbox, a radio or a visually hidden input (the styled file picker) counts with its label, which is what a finger presses.
              const input = el as HTMLInputElement;
              const byLabel = input.type === 'checkbox' || input.type === 'radio' || (box.width <= 1 && box.height <= 1);
              const target = byLabel ? (input.labels?.[0] ?? el.closest('label') ?? el).getBoundingClientRect() : box;
              return target.height < 44 - 0.5;
            })
            .map(({ el, box }) => `${el.tagName.toLowerCase()} "${(el.textContent || (el as HTMLInputElement).name || '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`),
        );
        expect(small, `${url}: controls smaller than 44 px`).toEqual([]);
        await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: false });
      }
      await page.close();
    });
  }
});
