/** A visitor on a phone: the home page lists the demo records, a record shows its media, files seek. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordIdFromSeed } from '@/lib/records/ids';
import { ROOT } from '../helpers/cli';
import { launchChromium } from './browser';
import { E2E_PASSWORD } from './global-setup';

const baseUrl = inject('baseUrl');
const shots = path.join(ROOT, 'test-results', 'screenshots');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await fs.mkdir(shots, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
});
afterAll(async () => browser?.close());

describe('public site', () => {
  it('lists the published demo records on the home page', async () => {
    const response = await page.goto(baseUrl);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain('Di sản văn hóa các dân tộc thiểu số Quảng Nam');
    const cards = page.locator('[data-testid=record-list] > li');
    expect(await cards.count()).toBeGreaterThanOrEqual(30);
    const titles = await cards.locator('h2').allTextContents();
    expect(titles).toContain('Lễ hội đâm trâu của người Cơ Tu');
    // Drafts and restricted records never reach the public list.
    const drafts = JSON.parse(await fs.readFile(path.join(ROOT, 'content/records/le-mung-lua-moi-ca-dong.json'), 'utf8')) as { title: { vi: string } };
    expect(titles).not.toContain(drafts.title.vi);
    await page.screenshot({ path: path.join(shots, 'home-360.png'), fullPage: false });
  });

  it('filters by community and type through plain links', async () => {
    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Xơ Đăng', exact: true }).click();
    await page.waitForURL(/group=xo-dang/);
    const groups = await page.locator('[data-testid=record-list] > li p:first-child').allTextContents();
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g).toContain('Xơ Đăng');
  });

  it('opens a record with its photos, video and captions, and redirects a wrong slug', async () => {
    const id = recordIdFromSeed('demo:le-hoi-dam-trau-co-tu');
    const response = await page.goto(`${baseUrl}/records/${id}/old-name`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${baseUrl}/records/${id}/le-hoi-dam-trau-co-tu`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Lễ hội đâm trâu của người Cơ Tu');
    const image = page.locator('figure img').first();
    await image.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const img = document.querySelector('figure img') as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const video = page.locator('video');
    expect(await video.count()).toBe(1);
    expect(await video.locator('track').count()).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: path.join(shots, 'record-360.png'), fullPage: true });

    const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!) as { '@type': string; name: string; associatedMedia: { '@type': string }[] };
    expect(jsonLd).toMatchObject({ '@type': 'Event', name: 'Lễ hội đâm trâu của người Cơ Tu' });
    expect(jsonLd.associatedMedia.map((m) => m['@type'])).toContain('VideoObject');
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe('Lễ hội đâm trâu của người Cơ Tu');

    // Derivatives: a poster, an HLS master playlist and an MP4 rendition, all served after the access check.
    expect(await video.getAttribute('poster')).toMatch(/^\/api\/derivatives\/\w{8}\/[0-9a-f]{16}\/video\//);
    const master = await fetch(new URL((await video.locator('source[type="application/vnd.apple.mpegurl"]').getAttribute('src'))!, baseUrl));
    expect(master.status).toBe(200);
    expect(await master.text()).toMatch(/^#EXTM3U[\s\S]*#EXT-X-STREAM-INF/);
    const picture = page.locator('figure picture source[type="image/avif"]').first();
    expect(await picture.getAttribute('srcset')).toMatch(/w320\.avif 320w/);
    const src = await video.locator('source[type="video/mp4"]').getAttribute('src');
    const ranged = await fetch(new URL(src!, baseUrl), { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
  });

  it('answers 404 for records the public may not see, exactly as for records that do not exist', async () => {
    const restricted = recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu');
    for (const url of [`/records/${restricted}`, `/records/zzzzzzzz`, `/api/files/${restricted}/files/x.jpg`]) {
      const response = await fetch(new URL(url, baseUrl));
      expect(response.status, url).toBe(404);
    }
    const page404 = await page.goto(`${baseUrl}/records/${restricted}`);
    expect(page404?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Không tìm thấy trang');
  });

  it('answers OAI-PMH harvesters at /oai', async () => {
    const response = await fetch(new URL('/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=community:co-tu', baseUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const xml = await response.text();
    expect(xml).toContain(`oai:127.0.0.1:${recordIdFromSeed('demo:le-hoi-dam-trau-co-tu')}`);
    expect(xml).not.toContain(recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu'));
  });

  it('shows a community-restricted record to a signed-in member of that community', async () => {
    const restricted = recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu');
    const member = await browser.newPage({ viewport: { width: 360, height: 740 } });
    expect((await member.goto(`${baseUrl}/records/${restricted}`))?.status()).toBe(404);
    await member.goto(`${baseUrl}/studio`);
    await member.waitForURL(/\/studio\/login/);
    await member.getByLabel('Tên đăng nhập').fill('thanh-vien-co-tu');
    await member.getByLabel('Mật khẩu').fill(E2E_PASSWORD);
    await member.getByRole('button', { name: 'Đăng nhập' }).click();
    await member.waitForURL(`${baseUrl}/studio`);
    await expect(member.getByTestId('studio-user').textContent()).resolves.toContain('Thành viên Cơ Tu');
    const response = await member.goto(`${baseUrl}/records/${restricted}`);
    expect(response?.status()).toBe(200);
    await expect(member.locator('h1').textContent()).resolves.toContain('Cơ Tu');
    await member.screenshot({ path: path.join(shots, 'restricted-as-member-360.png') });
    // A form posted from another site is refused.
    const forged = await fetch(new URL('/api/auth/login', baseUrl), { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=thanh-vien-co-tu&password=x' });
    expect(forged.status).toBe(403);
    await member.close();
  });

  it('lists only public records in sitemap.xml and points robots at it', async () => {
    const sitemap = await (await fetch(new URL('/sitemap.xml', baseUrl))).text();
    expect(sitemap).toContain(`/records/${recordIdFromSeed('demo:le-hoi-dam-trau-co-tu')}/le-hoi-dam-trau-co-tu`);
    expect(sitemap).not.toContain(recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu'));
    expect(sitemap).not.toContain(recordIdFromSeed('demo:le-mung-lua-moi-ca-dong'));
    const robots = await (await fetch(new URL('/robots.txt', baseUrl))).text();
    expect(robots).toMatch(/Sitemap: http:\/\/127\.0\.0\.1:\d+\/sitemap\.xml/);
    expect(robots).toContain('Disallow: /studio');
  });

  it('finds Lễ hội đâm trâu when typed without accents, with facets and highlighted snippets', async () => {
    await page.goto(baseUrl);
    await page.getByLabel('Tìm trong kho di sản').fill('le hoi dam trau');
    await page.getByLabel('Tìm trong kho di sản').press('Enter');
    await page.waitForURL(/\/search\?q=le\+hoi\+dam\+trau/);
    const first = page.locator('[data-testid=search-results] > li h2').first();
    await expect(first.textContent()).resolves.toBe('Lễ hội đâm trâu của người Cơ Tu');
    expect(await page.locator('[data-testid=search-results] mark').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, 'search-360.png'), fullPage: false });
    // A facet narrows the results and the state lives in the URL.
    await page.getByRole('link', { name: /^Cơ Tu \(\d+\)$/ }).first().click();
    await page.waitForURL(/community=co-tu/);
    expect(await page.locator('[aria-label="Bộ lọc đang dùng"] a').first().textContent()).toContain('Cơ Tu');
    // The restricted Cơ Tu rite is never found by the public.
    await page.goto(`${baseUrl}/search?q=teng+ping`);
    expect(await page.locator('[data-testid=search-results] > li').count()).toBe(0);
    await expect(page.getByTestId('search-empty').textContent()).resolves.toContain('Không tìm thấy');
  });

  it('finds documents by the text inside their PDFs', async () => {
    // The national motto is printed on every document's first page and is in no record's metadata.
    await page.goto(`${baseUrl}/search?q=${encodeURIComponent('doc lap tu do hanh phuc')}`);
    const total = Number((await page.getByTestId('search-total').textContent())!.split(' ')[0]);
    expect(total).toBeGreaterThanOrEqual(8);
    await expect(page.locator('[data-testid=search-results] > li p').first().textContent()).resolves.toBe('Văn bản');
  });
});
