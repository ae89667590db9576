/**
 * Pages kept for anonymous visitors (lib/http/page-cache.ts, served by
 * scripts/serve.ts): a kept page never carries a signed-in viewer's view,
 * never reuses a CSP nonce, and is dropped when the catalog changes — also
 * when another process (the archive CLI) makes the change.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArchiveCli } from '../helpers/cli';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { attack, baseUrl, dataDir, signIn } from './client';

const COMMUNITY_PAGE = '/vi/communities/co-tu';
/** Published, but restricted to the Cơ Tu community (content/records/le-bo-ma-teng-ping-co-tu.json): a part of its title search does not mark. */
const RESTRICTED_TITLE = 'têng ping';

/** A GET as a browser sends it (gzip accepted, or what `acceptEncoding` says), with the bytes as they came over the wire. */
function getAsBrowser(pathname: string, acceptEncoding = 'gzip'): Promise<{ headers: http.IncomingHttpHeaders; wire: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(pathname, baseUrl), { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ headers: response.headers, wire: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
const nonceAttributes = (html: string) => [...new Set([...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]))];

/**
 * Runs `asked` until none of its answers was rendered afresh by a catalog change meanwhile (up to five times): the
 * other security files share this server, and their commits and finished derivatives drop every kept page.
 */
async function undisturbed<T>(asked: () => Promise<T>, settled: (answers: T) => boolean): Promise<T> {
  let answers = await asked();
  for (let attempt = 1; attempt < 5 && !settled(answers); attempt++) answers = await asked();
  return answers;
}

describe('pages kept for anonymous visitors', () => {
  it('are served again with a fresh nonce, in the header and in every script', async () => {
    const [first, second] = await undisturbed(
      async () => {
        await attack(COMMUNITY_PAGE); // rendered (and kept) now, if it was not already
        return [await attack(COMMUNITY_PAGE), await attack(COMMUNITY_PAGE)] as const;
      },
      (answers) => answers.every((answer) => answer.headers.get('x-disan-cache') === 'hit'),
    );
    expect(first.headers.get('x-disan-cache')).toBe('hit');
    expect(second.headers.get('x-disan-cache')).toBe('hit');
    const [a, b] = [nonceOf(first), nonceOf(second)];
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
    expect(nonceAttributes(await first.text())).toEqual([a]);
    expect(nonceAttributes(await second.text())).toEqual([b]);
  });

  it.each([
    ['gzip', 'gzip', gunzipSync],
    ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
  ] as const)('go out compressed to the first visitor as to the next (%s), and the kept copy is the same page', async (acceptEncoding, encoding, decode) => {
    const [first, second] = await undisturbed(
      async () => {
        const page = `/vi/search?q=${encodeURIComponent(`nhà rông ${Date.now()}`)}`; // never asked before: rendered now
        return [await getAsBrowser(page, acceptEncoding), await getAsBrowser(page, acceptEncoding)] as const;
      },
      ([, second]) => second.headers['x-disan-cache'] === 'hit',
    );
    expect(first.headers['x-disan-cache']).toBe('miss');
    expect(second.headers['x-disan-cache']).toBe('hit');
    const [firstPage, secondPage] = [first, second].map(({ headers, wire }) => {
      expect(headers['content-encoding']).toBe(encoding);
      expect(String(headers.vary).match(/accept-encoding/gi)).toHaveLength(1);
      const html = decode(wire).toString('utf8');
      expect(html).toContain('</html>');
      expect(html.length).toBeGreaterThan(wire.length * 3);
      const nonce = /'nonce-([^']+)'/.exec(String(headers['content-security-policy']))?.[1];
      expect(nonce).toBeTruthy();
      return html.split(nonce!).join('NONCE');
    });
    // Compared by length and by equality, so that a difference does not print two whole pages.
    expect(secondPage!.length).toBe(firstPage!.length);
    expect(secondPage === firstPage).toBe(true);
  });

  it('never hold what a signed-in member sees, and never answer a signed-in member', async () => {
    const member = await signIn('officerCoTu');
    const search = `/vi/search?q=${encodeURIComponent('lễ bỏ mả')}`;
    const theirs = await attack(search, { session: member });
    expect(theirs.headers.get('x-disan-cache')).toBeNull();
    expect(await theirs.text()).toContain(RESTRICTED_TITLE);
    const anonymous = await attack(search);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(RESTRICTED_TITLE);
  });

  it('leave the studio, the API and sign-in alone', async () => {
    for (const url of ['/studio', '/api/v1/records', '/studio/login']) {
      expect((await attack(url)).headers.get('x-disan-cache'), url).toBeNull();
    }
  });

  it('are dropped when another process commits a record', async () => {
    await attack(COMMUNITY_PAGE);
    expect((await attack(COMMUNITY_PAGE)).headers.get('x-disan-cache')).toBe('hit');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'disan-cache-import-'));
    const title = 'Lễ cúng mùa của làng Pơ Rning (thử bộ nhớ đệm)';
    fs.writeFileSync(
      path.join(folder, 'record.json'),
      JSON.stringify({
        slug: 'le-cung-mua-po-rning-bo-nho-dem',
        type: 'ritual',
        status: 'published',
        title: { vi: title, en: 'Harvest offering of Pơ Rning village (cache test)' },
        description: { vi: 'Bản ghi thử: trang công khai phải thấy nó ngay sau khi nhập.', en: 'Test record: public pages must show it as soon as it is imported.' },
        ethnicGroups: ['co-tu'],
        places: [{ district: 'tay-giang' }],
        rights: { uri: 'https://creativecommons.org/licenses/by/4.0/' },
        access: { level: 'public' },
      }),
    );
    try {
      const imported = await runArchiveCli(['import', folder], dataDir);
      expect(imported.code, imported.stderr).toBe(0);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
    const after = await attack(COMMUNITY_PAGE);
    expect(after.headers.get('x-disan-cache')).toBe('miss');
    expect(await after.text()).toContain(title);
  });
});
