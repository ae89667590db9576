/** An officer describes a new record and submits it; a reviewer publishes it; a visitor finds it. */
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
  it('an officer creates and submits, a reviewer publishes, a visitor sees it', async () => {
    const officer = await signIn('can-bo');
    await officer.getByRole('link', { name: '+ Hồ sơ mới' }).click();
    await officer.waitForURL(/\/studio\/records\/new/);
    // A first try without a title: the error appears next to the field and the typed text stays.
    await officer.getByLabel('Đường dẫn (chữ không dấu, gạch ngang) *').fill('le-cung-lua-thu-nghiem');
    await officer.getByLabel('Loại hồ sơ *').selectOption('ritual');
    await officer.getByLabel('Mô tả (tiếng Việt) *').fill('Nghi lễ cúng lúa của làng, ghi trong đợt điền dã thử nghiệm.');
    await officer.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await expect(officer.locator('#title\\.vi-error').textContent()).resolves.toBe('Bắt buộc');
    await expect(officer.getByLabel('Mô tả (tiếng Việt) *').inputValue()).resolves.toContain('Nghi lễ cúng lúa');
    await officer.screenshot({ path: path.join(shots, 'studio-editor-error-390.png'), fullPage: false });
    await officer.getByLabel('Tên (tiếng Việt) *').fill('Lễ cúng lúa (thử nghiệm)');
    await officer.getByLabel('Tên (tiếng Anh)').fill('Rice offering (test)');
    await officer.locator('input[name=ethnicGroups][value=co]').check();
    await officer.getByRole('button', { name: 'Lưu hồ sơ' }).click();
    await officer.waitForURL(/\/studio\/records\/[0-9a-z]{8}\?saved=1/);
    const recordUrl = officer.url().split('?')[0]!;
    await expect(officer.getByTestId('record-status').textContent()).resolves.toContain('Bản nháp');
    await officer.getByRole('button', { name: 'Gửi duyệt' }).click();
    await officer.waitForURL(/done=submit/);
    await expect(officer.getByTestId('record-status').textContent()).resolves.toContain('Chờ duyệt');
    expect(await officer.getByRole('button', { name: 'Công bố' }).count()).toBe(0);

    const visitor = await browser.newPage();
    const id = recordUrl.split('/').pop()!;
    expect((await visitor.goto(`${baseUrl}/records/${id}`))?.status()).toBe(404);

    const reviewer = await signIn('nguoi-duyet');
    await reviewer.goto(recordUrl);
    await reviewer.getByRole('button', { name: 'Công bố' }).click();
    await reviewer.waitForURL(/done=publish/);
    await expect(reviewer.getByTestId('record-status').textContent()).resolves.toContain('Đã công bố');
    await reviewer.screenshot({ path: path.join(shots, 'studio-record-390.png'), fullPage: true });

    expect((await visitor.goto(`${baseUrl}/records/${id}`))?.status()).toBe(200);
    await expect(visitor.locator('h1').textContent()).resolves.toBe('Lễ cúng lúa (thử nghiệm)');
    await visitor.goto(`${baseUrl}/?group=co`);
    expect(await visitor.locator('[data-testid=record-list] h2').allTextContents()).toContain('Lễ cúng lúa (thử nghiệm)');
  });
});
