/**
 * A visitor on a phone, in Vietnamese and English: search without accents and
 * open the record, play the video over HLS, seek (Range), switch language on
 * the page, filter by community and document kind, copy a citation, open the
 * map and the calendar; restricted records stay invisible to the public.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordIdFromSeed } from '@/lib/records/ids';
import { RecordRepository } from '@/lib/records/repository';
import { LocalObjectStore } from '@/lib/storage/local';
import { ROOT } from '../helpers/cli';
import { launchChromium } from './browser';
import { E2E_PASSWORD } from './global-setup';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const DAM_TRAU = recordIdFromSeed('demo:le-hoi-dam-trau-co-tu');
const NOI_LY = recordIdFromSeed('demo:noi-ly-hat-ly-co-tu');
const RESTRICTED = recordIdFromSeed('demo:le-bo-ma-teng-ping-co-tu');
const shots = path.join(ROOT, 'test-results', 'screenshots');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await fs.mkdir(shots, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'vi-VN' });
});
afterAll(async () => browser?.close());

/** A response as it travels: fetch would decode it. */
function onTheWire(url: string, acceptEncoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${url}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

async function shoot(name: string, target: Page = page): Promise<void> {
  // Pages at a laptop's width, for people (docs/screenshots) to look at; public-screenshots.e2e.test.ts takes the phone's (390 px).
  await target.setViewportSize({ width: 1280, height: 900 });
  await target.screenshot({ path: path.join(shots, `${name}-1280.png`), fullPage: false });
  await target.setViewportSize({ width: 390, height: 844 });
}

async function restrictedMediaUrls(): Promise<string[]> {
  const repository = new RecordRepository(new LocalObjectStore({ root: path.join(dataDir, 'store'), tmpDir: path.join(dataDir, 'tmp') }));
  const stored = await repository.get(RESTRICTED);
  const image = stored!.record.media.find((m) => m.kind === 'image')!;
  return [
    `/api/files/${RESTRICTED}/${image.path.split('/').map(encodeURIComponent).join('/')}`,
    `/api/derivatives/${RESTRICTED}/${image.digest.slice(0, 16)}/image/w720.webp`,
    `/api/derivatives/${RESTRICTED}/${image.digest.slice(0, 16)}/image/w320.webp`,
    `/iiif/${RESTRICTED}/manifest.json`,
  ];
}

describe('public site', () => {
  it('sends "/" to a language, and the home page shows communities, festivals and documents', async () => {
    const response = await page.goto(baseUrl);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/vi');
    await expect(page.locator('h1').textContent()).resolves.toContain('Di sản văn hóa các dân tộc thiểu số Quảng Nam');
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await expect(page.locator('#communities + ul').textContent()).resolves.toMatch(/Cơ Tu[\s\S]*Xơ Đăng[\s\S]*Giẻ Triêng[\s\S]*Co/);
    expect(await page.locator('link[rel=alternate][hreflang=en]').getAttribute('href')).toMatch(/\/en$/);
    await shoot('home');
    // An English-speaking browser lands on the English site.
    const english = await browser.newPage({ locale: 'en-GB' });
    await english.goto(baseUrl);
    expect(new URL(english.url()).pathname).toBe('/en');
    await expect(english.locator('h1').textContent()).resolves.toBe("The cultural heritage of Quảng Nam's ethnic minorities");
    await english.close();
  });

  it('finds Lễ hội đâm trâu typed without accents, and opens it', async () => {
    await page.goto(`${baseUrl}/vi`);
    const box = page.getByRole('combobox', { name: 'Tìm trong kho di sản' });
    await box.fill('le hoi dam trau');
    // Suggestions appear as one types.
    await expect(page.getByRole('option').first().textContent()).resolves.toBe('Lễ hội đâm trâu của người Cơ Tu');
    await box.press('Escape');
    await box.press('Enter');
    await page.waitForURL(/\/vi\/search\?q=le\+hoi\+dam\+trau/);
    const first = page.locator('[data-testid=search-results] > li h2 a').first();
    await expect(first.textContent()).resolves.toBe('Lễ hội đâm trâu của người Cơ Tu');
    expect(await page.locator('[data-testid=search-results] mark').count()).toBeGreaterThan(0);
    await shoot('search');
    await first.click();
    await page.waitForURL(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Lễ hội đâm trâu của người Cơ Tu');
    await page.waitForFunction(() => {
      const img = document.querySelector('figure img') as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    await shoot('record');
  });

  it('announces a record\'s first picture at the top of <head>, so a phone starts it before the stylesheet and the scripts', async () => {
    const html = await (await fetch(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`)).text();
    const head = html.slice(0, html.indexOf('</head>'));
    const preload = /<link rel="preload" as="image"[^>]*imageSrcSet="([^"]+)"[^>]*>/.exec(head);
    expect(preload, 'an image preload in <head>').not.toBeNull();
    expect(preload!.index).toBeLessThan(head.indexOf('<style'));
    expect(preload!.index).toBeLessThan(head.indexOf('<script'));
    // The same candidates as the picture's AVIF source: the browser takes the preloaded file, not a second one.
    const source = /<source type="image\/avif" srcSet="([^"]+)"/.exec(html.slice(html.indexOf('</head>')));
    expect(preload![1]).toBe(source?.[1]);
  });

  it('sends a phone the page\'s scripts brotli-compressed, smaller than gzip and the same code', async () => {
    const html = await (await fetch(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`)).text();
    const scripts = [...html.matchAll(/<script src="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(3);
    // The server compresses the build's files in the background once it has started (a few seconds), gzip until then.
    const allBrotli = async () => (await Promise.all(scripts.map((url) => onTheWire(url, 'gzip, deflate, br')))).every(({ encoding }) => encoding === 'br');
    await expect.poll(allBrotli, { timeout: 60_000 }).toBe(true);
    let brotli = 0;
    let gzip = 0;
    for (const url of scripts) {
      const [br, gz] = [await onTheWire(url, 'gzip, deflate, br'), await onTheWire(url, 'gzip')];
      expect(br.encoding, url).toBe('br');
      // Next sends its smallest files (under 1 KB) as they are.
      const plain = gz.encoding === 'gzip' ? gunzipSync(gz.body) : gz.body;
      expect(brotliDecompressSync(br.body).equals(plain), `${url}: the same script either way`).toBe(true);
      brotli += br.body.length;
      gzip += gz.body.length;
    }
    expect(brotli).toBeLessThan(gzip * 0.9);
  });

  it('plays the video over HLS, loading segments, and seeks in the MP4 and audio with Range requests', async () => {
    const segments: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (/\/api\/derivatives\/.+\.(ts|m4s)$/.test(request.url())) segments.push(request.url());
    };
    page.on('request', onRequest);
    await page.goto(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    const video = page.locator('video').first();
    await video.scrollIntoViewIfNeeded();
    expect(await video.locator('track[kind=captions]').count()).toBeGreaterThanOrEqual(1);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      void v.play().catch(() => undefined);
    });
    await expect.poll(() => segments.length, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).currentTime > 0.3, undefined, { timeout: 30_000 });
    // Seek forward: playback continues from there with the segments it needs.
    await video.evaluate((v: HTMLVideoElement) => (v.currentTime = Math.max(0, v.duration - 2)));
    await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).currentTime > 1, undefined, { timeout: 30_000 });
    page.off('request', onRequest);

    // The MP4 rendition answers byte ranges, as players need for seeking.
    const mp4 = await video.locator('source[type="video/mp4"]').getAttribute('src');
    const ranged = await fetch(new URL(mp4!, baseUrl), { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toMatch(/^bytes 100-199\/\d+$/);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);

    // Audio: the browser itself fetches with Range and gets 206; seeking lands where asked.
    const partials: number[] = [];
    page.on('response', (r) => {
      if (/\/api\/derivatives\/.+\/audio\//.test(r.url()) && r.request().headers().range) partials.push(r.status());
    });
    await page.goto(`${baseUrl}/vi/records/${NOI_LY}/noi-ly-hat-ly-co-tu`);
    const audio = page.locator('audio').first();
    await audio.evaluate(async (a: HTMLAudioElement) => {
      a.muted = true;
      await a.play();
    });
    await page.waitForFunction(() => (document.querySelector('audio') as HTMLAudioElement).duration > 2, undefined, { timeout: 20_000 });
    await audio.evaluate((a: HTMLAudioElement) => (a.currentTime = a.duration / 2));
    await page.waitForFunction(() => {
      const a = document.querySelector('audio') as HTMLAudioElement;
      return a.currentTime >= a.duration / 2 - 0.5;
    });
    expect(partials).toContain(206);
  });

  it('streams through hls.js, loaded only on play, where the browser has no HLS of its own', async () => {
    const context = await browser.newContext();
    // Chromium here plays HLS natively; hide that, as Firefox or an older Chrome would.
    await context.addInitScript(() => {
      const native = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type: string) {
        return /mpegurl/i.test(type) ? '' : native.call(this, type);
      };
    });
    const viewer = await context.newPage();
    const scripts: string[] = [];
    const segments: string[] = [];
    viewer.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
      if (/\/api\/derivatives\/.+\.(ts|m4s)$/.test(r.url())) segments.push(r.url());
    });
    await viewer.goto(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`, { waitUntil: 'networkidle' });
    const before = scripts.length;
    expect(segments).toEqual([]);
    await viewer.locator('video').first().evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      void v.play().catch(() => undefined);
    });
    await expect.poll(() => segments.length, { timeout: 30_000 }).toBeGreaterThan(0);
    // hls.js came as its own chunk, after the page had loaded.
    expect(scripts.length).toBeGreaterThan(before);
    await viewer.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).currentTime > 0.3, undefined, { timeout: 30_000 });
    await context.close();
  });

  it('switches to English and stays on the same record, marking untranslated text', async () => {
    await page.goto(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    await page.getByTestId('locale-switch').click();
    await page.waitForURL(`${baseUrl}/en/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Co Tu buffalo sacrifice festival');
    await expect(page.locator('#facts').textContent()).resolves.toBe('Details');
    // And back, keeping a search's query.
    await page.goto(`${baseUrl}/en/search?q=chieng&community=co-tu`);
    await page.getByTestId('locale-switch').click();
    await page.waitForURL(`${baseUrl}/vi/search?q=chieng&community=co-tu`);
  });

  it('filters search by community and the library by document kind', async () => {
    await page.goto(`${baseUrl}/vi/search?q=le+hoi`);
    await page.getByRole('link', { name: /^Cơ Tu \(\d+\)$/ }).first().click();
    await page.waitForURL(/community=co-tu/);
    expect(await page.locator('[aria-label="Bộ lọc đang dùng"] a').first().textContent()).toContain('Cơ Tu');
    const types = await page.locator('[data-testid=search-results] > li').count();
    expect(types).toBeGreaterThan(0);
    // The restricted Cơ Tu rite is never found by the public.
    await page.goto(`${baseUrl}/vi/search?q=teng+ping`);
    expect(await page.locator('[data-testid=search-results] > li').count()).toBe(0);
    await expect(page.getByTestId('search-empty').textContent()).resolves.toContain('Không tìm thấy');

    await page.goto(`${baseUrl}/vi/library`);
    const all = await page.locator('[data-testid=library-list] > li').count();
    expect(all).toBeGreaterThanOrEqual(10);
    await page.getByLabel('Loại văn bản').selectOption('quyet-dinh');
    await page.getByRole('button', { name: 'Lọc' }).click();
    await page.waitForURL(/kind=quyet-dinh/);
    const kinds = await page.locator('[data-testid=library-list] > li p:first-child').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.length).toBeLessThan(all);
    for (const kind of kinds) expect(kind).toMatch(/^Quyết định/);
    await page.getByLabel('Năm').selectOption('2021');
    await page.getByRole('button', { name: 'Lọc' }).click();
    await page.waitForURL(/year=2021/);
    await expect(page.getByTestId('library-list').textContent()).resolves.toContain('1719/QĐ-TTg');
  });

  it('copies a citation of the record', async () => {
    const context = await browser.newContext({ locale: 'vi-VN' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const reader = await context.newPage();
    await reader.goto(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    await reader.getByTestId('copy-apa').click();
    const copied = await reader.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('Lễ hội đâm trâu của người Cơ Tu');
    expect(copied).toContain(`/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    await reader.getByTestId('copy-bibtex').click();
    expect(await reader.evaluate(() => navigator.clipboard.readText())).toMatch(/^@\w+\{disan-/);
    await context.close();
  });

  it('opens the map, which lists places even without tiles, and the festival calendar', async () => {
    await page.goto(`${baseUrl}/vi/map`);
    await page.locator('[data-testid=places-map].leaflet-container').waitFor({ timeout: 20_000 });
    expect(await page.locator('.leaflet-interactive').count()).toBeGreaterThan(5);
    await expect(page.getByTestId('places-list').textContent()).resolves.toContain('Tây Giang');

    await page.goto(`${baseUrl}/vi/calendar`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Lịch lễ hội');
    await expect(page.locator('main').textContent()).resolves.toContain('Lễ mừng lúa mới của người Cơ Tu');
    await page.getByRole('link', { name: 'Dương lịch' }).click();
    await page.waitForURL(/view=solar/);
    await expect(page.locator('main').textContent()).resolves.toContain('Lễ hội Quế Trà My');
  });

  it('answers 404 for a restricted record on its page, media, sitemap and manifest, and shows it to a community member', async () => {
    for (const url of [`/vi/records/${RESTRICTED}`, `/en/records/${RESTRICTED}/le-bo-ma-teng-ping-co-tu`, `/vi/records/zzzzzzzz`, ...(await restrictedMediaUrls())]) {
      const response = await fetch(new URL(url, baseUrl));
      expect(response.status, url).toBe(404);
    }
    const sitemap = await (await fetch(new URL('/sitemap.xml', baseUrl))).text();
    expect(sitemap).toContain(`/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    expect(sitemap).toContain(`/en/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    expect(sitemap).not.toContain(RESTRICTED);
    expect(sitemap).not.toContain(recordIdFromSeed('demo:le-mung-lua-moi-ca-dong')); // a draft
    const robots = await (await fetch(new URL('/robots.txt', baseUrl))).text();
    expect(robots).toMatch(/Sitemap: http:\/\/127\.0\.0\.1:\d+\/sitemap\.xml/);

    const notFound = await page.goto(`${baseUrl}/vi/records/${RESTRICTED}`);
    expect(notFound?.status()).toBe(404);
    await expect(page.getByTestId('not-found').textContent()).resolves.toBe('Không tìm thấy trang');
    expect((await page.goto(`${baseUrl}/en/no-such-page`))?.status()).toBe(404);
    await expect(page.getByTestId('not-found').textContent()).resolves.toBe('Page not found');

    const member = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await member.goto(`${baseUrl}/studio/login`);
    await member.getByLabel('Tên đăng nhập').fill('thanh-vien-co-tu');
    await member.getByLabel('Mật khẩu').fill(E2E_PASSWORD);
    await member.getByRole('button', { name: 'Đăng nhập' }).click();
    await member.waitForURL(`${baseUrl}/studio`);
    const response = await member.goto(`${baseUrl}/vi/records/${RESTRICTED}/le-bo-ma-teng-ping-co-tu`);
    expect(response?.status()).toBe(200);
    await expect(member.getByTestId('restriction').textContent()).resolves.toContain('Cơ Tu');
    for (const url of (await restrictedMediaUrls()).slice(0, 3)) {
      expect((await member.request.get(new URL(url, baseUrl).toString())).status(), url).toBe(200);
    }
    // No social card for a restricted record, even for a member.
    expect(await member.locator('meta[property="og:image"]').count()).toBe(0);
    await member.close();
    // A form posted from another site is refused.
    const forged = await fetch(new URL('/api/auth/login', baseUrl), { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=thanh-vien-co-tu&password=x' });
    expect(forged.status).toBe(403);
  });

  it('describes a public record for search engines and social sites', async () => {
    await page.goto(`${baseUrl}/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu`);
    const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!) as { '@type': string; name: string; associatedMedia: { '@type': string }[] };
    // The record is a CreativeWork (schema.org's Event carries no licence or media); its video is a VideoObject with a thumbnail.
    expect(jsonLd).toMatchObject({ '@type': 'CreativeWork', name: 'Lễ hội đâm trâu của người Cơ Tu' });
    expect(jsonLd.associatedMedia.map((m) => m['@type'])).toContain('VideoObject');
    expect(await page.locator('meta[property="og:title"]').getAttribute('content')).toBe('Lễ hội đâm trâu của người Cơ Tu');
    const ogImage = await page.locator('meta[property="og:image"]').getAttribute('content');
    expect((await fetch(ogImage!)).headers.get('content-type')).toBe('image/jpeg');
    expect(await page.locator('link[rel=alternate][hreflang=en]').getAttribute('href')).toMatch(new RegExp(`/en/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu$`));
    expect(await page.locator('link[rel=canonical]').getAttribute('href')).toMatch(new RegExp(`/vi/records/${DAM_TRAU}/le-hoi-dam-trau-co-tu$`));
  });

  it('answers OAI-PMH harvesters at /oai', async () => {
    const response = await fetch(new URL('/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=community:co-tu', baseUrl));
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(xml).toContain(`oai:127.0.0.1:${DAM_TRAU}`);
    expect(xml).not.toContain(RESTRICTED);
  });

  it('finds documents by the text inside their PDFs', async () => {
    // The national motto is printed on every document's first page and is in no record's metadata.
    await page.goto(`${baseUrl}/vi/search?q=${encodeURIComponent('doc lap tu do hanh phuc')}`);
    const total = Number((await page.getByTestId('search-total').textContent())!.split(' ')[0]);
    expect(total).toBeGreaterThanOrEqual(8);
    await expect(page.locator('[data-testid=search-results] > li p').first().textContent()).resolves.toBe('Văn bản');
  });
});
