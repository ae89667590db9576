/**
 * An officer's journey on a phone (390×844): describes a new record, has a
 * wrong file refused, uploads over a line that drops, submits; a reviewer
 * returns it with a comment from the review queue; the officer fixes it and
 * submits again; the reviewer publishes it; a visitor finds it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { launchChromium } from './browser';
import { E2E_PASSWORD } from './global-setup';

const baseUrl = inject('baseUrl');
const shots = path.join(ROOT, 'test-results', 'screenshots');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'disan-studio-'));
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

/** The stored record, as the archive CLI shows it. */
function showStored(slug: string) {
  const json = execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/archive.ts'), 'show', slug, '--json'], { env: { ...process.env, DATA_DIR: inject('dataDir') } }).toString();
  return JSON.parse(json) as {
    head: number;
    record: { media: { digest: string; size: number }[]; recordedOn: string; languages: string[]; access: { level: string }; people: unknown[] };
  };
}

async function signIn(username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${baseUrl}/studio/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${baseUrl}/studio`);
  return page;
}

describe('studio workflow', () => {
  it('does not offer researchers a new record', async () => {
    const researcher = await signIn('thanh-vien-co-tu');
    expect(await researcher.getByRole('link', { name: '+ Hồ sơ mới' }).count()).toBe(0);
    await researcher.close();
  });

  it('an officer creates and submits, a reviewer returns it, the officer fixes it, the reviewer publishes, a visitor sees it', async () => {
    const officer = await signIn('can-bo');
    await officer.getByRole('link', { name: '+ Hồ sơ mới' }).click();
    await officer.waitForURL(/\/studio\/records\/new/);
    // A new record is not public until the officer says so: this officer has no community, so signed-in users only.
    await expect(officer.getByRole('radio', { name: /Người dùng đã đăng nhập/ }).isChecked()).resolves.toBe(true);
    await expect(officer.getByTestId('access-banner').textContent()).resolves.toMatch(/^Không công khai/);
    // A first try without a title: the errors appear next to their fields, listed on top, and the typed text stays.
    await officer.getByLabel('Loại hồ sơ *').selectOption('ritual');
    await officer.getByLabel('Mô tả (tiếng Việt) *').fill('Nghi lễ cúng lúa của làng, ghi trong đợt điền dã thử nghiệm.');
    await officer.getByLabel('Họ tên').fill('Già làng thử nghiệm');
    await officer.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await expect(officer.locator('#title\\.vi-error').textContent()).resolves.toBe('Bắt buộc');
    await expect(officer.locator('#people\\.0\\.roles-error').textContent()).resolves.toBe('Chọn ít nhất một');
    await expect(officer.getByRole('alert').filter({ hasText: 'Hồ sơ chưa lưu' }).textContent()).resolves.toContain('Người tham gia 1 – Vai trò');
    await expect(officer.getByLabel('Mô tả (tiếng Việt) *').inputValue()).resolves.toContain('Nghi lễ cúng lúa');
    await officer.screenshot({ path: path.join(shots, 'studio-editor-error-390.png'), fullPage: false });
    // The address follows the title (folded to ASCII) until the officer types one.
    await officer.getByLabel('Tên (tiếng Việt) *').fill('Lễ cúng lúa (thử nghiệm)');
    await expect(officer.getByLabel('Đường dẫn (chữ không dấu, gạch ngang) *').inputValue()).resolves.toBe('le-cung-lua-thu-nghiem');
    await officer.getByLabel('Tên (tiếng Anh)').fill('Rice offering (test)');
    await officer.locator('input[name=ethnicGroups][value=co]').check();
    // Tick boxes and buttons are big enough for a thumb.
    for (const target of [officer.locator('input[name=ethnicGroups][value=co]').locator('xpath=..'), officer.getByRole('button', { name: 'Lưu hồ sơ' })]) {
      expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    }
    await officer.locator('input[name="people.0.roles"][value=elder]').check();
    await officer.getByRole('checkbox', { name: 'tiếng Co', exact: true }).check();
    await officer.getByLabel('Ngày ghi (ngày/tháng/năm, tháng/năm hoặc năm)').fill('3/2024');
    await officer.getByLabel('Huyện (cũ)').selectOption('bac-tra-my');
    // The map works without tiles (no network here): a click sets the point.
    await officer.getByRole('button', { name: 'Chọn điểm trên bản đồ' }).click();
    const map = officer.getByTestId('map-picker');
    await map.locator('.leaflet-interactive').first().waitFor();
    await map.click({ position: { x: 120, y: 100 } });
    const lat = Number(await officer.getByLabel('Vĩ độ').inputValue());
    const lon = Number(await officer.getByLabel('Kinh độ').inputValue());
    expect(lat).toBeGreaterThan(14);
    expect(lat).toBeLessThan(17);
    expect(lon).toBeGreaterThan(106);
    expect(lon).toBeLessThan(109.5);
    // Publishing to everyone is an explicit choice, said plainly before saving.
    await officer.getByRole('radio', { name: /Công khai cho mọi người/ }).check();
    await expect(officer.getByTestId('access-banner-submit').textContent()).resolves.toMatch(/^Công khai cho mọi người/);
    await officer.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await officer.waitForURL(/\/studio\/records\/[0-9a-z]{8}\?saved=1/);
    const recordUrl = officer.url().split('?')[0]!;
    await expect(officer.getByTestId('record-status').textContent()).resolves.toContain('Bản nháp');

    // A text file named .mp4 is refused in the browser at once, in the server's words, and not a byte is sent.
    const uploadRequests: string[] = [];
    const countUploads = (request: { url(): string; method(): string }) => void (new URL(request.url()).pathname.startsWith('/api/uploads') && uploadRequests.push(request.method()));
    officer.on('request', countUploads);
    await officer.getByLabel('Chọn tệp').setInputFiles({ name: 'khong-phai-video.mp4', mimeType: 'video/mp4', buffer: Buffer.from('this is not a video\n'.repeat(10_000)) });
    await officer.waitForFunction(() => /^khong-phai-video\.mp4: tên và nội dung tệp không khớp \/ .*text\/plain/.test(document.querySelector('[data-testid=upload-status]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    officer.off('request', countUploads);
    expect(uploadRequests).toEqual([]);
    await officer.screenshot({ path: path.join(shots, 'studio-upload-refused-390.png') });
    const dismiss = officer.getByRole('button', { name: 'Ẩn khong-phai-video.mp4' });
    expect((await dismiss.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await dismiss.click();

    // Upload a field video over a slow line that drops in the middle, then comes back.
    const video = path.join(workDir, 'le-cung-lua.mp4');
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=6', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=6', '-c:v', 'libx264', '-b:v', '6M', '-maxrate', '6M', '-bufsize', '2M', '-c:a', 'aac', '-shortest', video]);
    const cdp = await officer.context().newCDPSession(officer);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: -1, uploadThroughput: 400_000 });
    await officer.getByLabel('Chọn tệp').setInputFiles(video);
    await officer.waitForFunction(() => /: ([2-9]\d)%/.test(document.querySelector('[data-testid=upload-status]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: 0, uploadThroughput: 0 });
    await officer.waitForFunction(() => /thử lại/.test(document.querySelector('[data-testid=upload-status]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await officer.screenshot({ path: path.join(shots, 'studio-upload-interrupted-390.png') });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await officer.waitForURL(/saved=1/, { timeout: 60_000 });
    await expect(officer.getByTestId('media-list').textContent()).resolves.toContain('le-cung-lua.mp4 · video/mp4');
    // The upload queued its derivatives; the page shows their progress until they are done.
    await expect(officer.getByTestId('job-list').textContent()).resolves.toMatch(/le-cung-lua\.mp4: (đang chờ|đang xử lý|xong)/);
    const stored = showStored('le-cung-lua-thu-nghiem');
    const bytes = readFileSync(video);
    expect(stored.record.media[0]).toMatchObject({ size: bytes.length, digest: createHash('sha512').update(bytes).digest('hex') });
    // Dates typed day first are stored as ISO; languages picked by name as ISO 639-3; the person's consent defaulted to "no".
    expect(stored.record).toMatchObject({ recordedOn: '2024-03', languages: ['vie', 'cua'], access: { level: 'public' } });
    expect(stored.record.people).toEqual([{ name: 'Già làng thử nghiệm', roles: ['elder'], consent: { given: false } }]);

    // Opening the editor and saving without a change makes no new version.
    await officer.goto(`${recordUrl}/edit`);
    await officer.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await officer.waitForURL(/saved=1/);
    expect(showStored('le-cung-lua-thu-nghiem').head).toBe(stored.head);
    await expect(officer.getByTestId('record-status').textContent()).resolves.toContain('Bản nháp');

    await officer.getByRole('button', { name: 'Gửi duyệt' }).click();
    await officer.waitForURL(/done=submit/);
    await expect(officer.getByTestId('record-status').textContent()).resolves.toContain('Chờ duyệt');
    expect(await officer.getByRole('button', { name: 'Công bố' }).count()).toBe(0);

    const visitor = await browser.newPage();
    const id = recordUrl.split('/').pop()!;
    expect((await visitor.goto(`${baseUrl}/vi/records/${id}`))?.status()).toBe(404);

    // The reviewer finds it in the queue and returns it with a comment.
    const reviewer = await signIn('nguoi-duyet');
    await reviewer.getByTestId('review-link').click();
    await reviewer.waitForURL(/\/studio\/review/);
    await reviewer.getByRole('link', { name: 'Lễ cúng lúa (thử nghiệm)' }).click();
    await reviewer.waitForURL(recordUrl);
    const comment = 'Thiếu tên làng trong phần mô tả: hãy ghi rõ làng nào.';
    await reviewer.getByLabel('Nhận xét (cần sửa gì)').fill(comment);
    await reviewer.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await reviewer.waitForURL(/done=return/);
    await expect(reviewer.getByTestId('record-status').textContent()).resolves.toContain('Bản nháp');

    // The officer sees the comment on the record and in their list, fixes the description and submits again.
    await officer.goto(`${baseUrl}/studio`);
    await expect(officer.getByTestId('return-note').first().textContent()).resolves.toContain(comment);
    await officer.goto(recordUrl);
    await expect(officer.getByTestId('return-note').textContent()).resolves.toContain(comment);
    await officer.screenshot({ path: path.join(shots, 'studio-returned-390.png'), fullPage: false });
    await officer.getByRole('link', { name: 'Sửa hồ sơ' }).click();
    await officer.waitForURL(/\/edit$/);
    await officer.getByLabel('Mô tả (tiếng Việt) *').fill('Nghi lễ cúng lúa của làng Trà Kót, ghi trong đợt điền dã thử nghiệm.');
    await officer.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await officer.waitForURL(/saved=1/);
    await officer.getByRole('button', { name: 'Gửi duyệt' }).click();
    await officer.waitForURL(/done=submit/);
    await expect(officer.getByTestId('record-status').textContent()).resolves.toContain('Chờ duyệt');
    expect(await officer.getByTestId('return-note').count(), 'the comment goes once the record is sent again').toBe(0);

    // The reviewer reads what changed, in words, and publishes.
    await reviewer.goto(`${baseUrl}/studio/review`);
    await reviewer.getByRole('link', { name: 'Lễ cúng lúa (thử nghiệm)' }).click();
    await reviewer.waitForURL(recordUrl);
    await expect(reviewer.getByTestId('version-history').textContent()).resolves.toContain('Trà Kót');
    await reviewer.getByRole('button', { name: 'Công bố' }).click();
    await reviewer.waitForURL(/done=publish/);
    await expect(reviewer.getByTestId('record-status').textContent()).resolves.toContain('Đã công bố');
    await reviewer.screenshot({ path: path.join(shots, 'studio-record-390.png'), fullPage: true });

    await reviewer.goto(`${baseUrl}/studio/coverage`);
    await expect(reviewer.getByTestId('coverage-overall').textContent()).resolves.toMatch(/Đã lưu giữ\d+(\.\d)?%/);
    await reviewer.screenshot({ path: path.join(shots, 'studio-coverage-390.png'), fullPage: false });
    const csv = await reviewer.evaluate(async () => (await fetch('/studio/coverage/csv')).text());
    expect(csv).toContain('Toàn tỉnh');
    expect((await reviewer.goto(`${baseUrl}/studio/audit`))?.status()).toBe(404); // admins only

    expect((await visitor.goto(`${baseUrl}/vi/records/${id}`))?.status()).toBe(200);
    await expect(visitor.locator('h1').textContent()).resolves.toBe('Lễ cúng lúa (thử nghiệm)');
    // The visitor finds it by searching without accents.
    await visitor.goto(`${baseUrl}/vi/search?q=le+cung+lua+thu+nghiem`);
    await expect(visitor.locator('[data-testid=search-results] > li h2').first().textContent()).resolves.toBe('Lễ cúng lúa (thử nghiệm)');
  });
});
