import { describe, expect, it } from 'vitest';
import { catalogChanged, freshCopy, localGeneration, MAX_AGE_MS, mayKeep, nonceOf, pageCacheKey, PageCache, type KeptPage } from '@/lib/http/page-cache';

const get = (url: string, headers: Record<string, string> = {}) => ({ method: 'GET', url, headers: { host: 'disan.test', ...headers } });

describe('which requests may be served from kept pages', () => {
  it('public pages, feeds and the sitemap, for anonymous visitors', () => {
    for (const url of ['/vi', '/en/records/abc/le-hoi', '/vi/search?q=cong+chieng', '/feeds/vi/atom.xml', '/sitemap.xml']) expect(pageCacheKey(get(url)), url).toBeDefined();
    expect(pageCacheKey(get('/vi?x=1'))).not.toBe(pageCacheKey(get('/vi?x=2')));
    expect(pageCacheKey({ ...get('/vi'), method: 'HEAD' })).toBe(pageCacheKey(get('/vi')));
  });

  it('never for someone signed in, a write, the studio, the API, media or a client navigation', () => {
    expect(pageCacheKey(get('/vi', { cookie: 'NEXT_LOCALE=vi; disan_session=abc' }))).toBeUndefined();
    expect(pageCacheKey(get('/vi', { authorization: 'Bearer x' }))).toBeUndefined();
    expect(pageCacheKey({ ...get('/vi'), method: 'POST' })).toBeUndefined();
    for (const url of ['/studio', '/api/v1/records', '/api/files/x/files/a.jpg', '/oai?verb=Identify', '/iiif/x/manifest.json', '/vi/../studio']) expect(pageCacheKey(get(url)), url).toBeUndefined();
    expect(pageCacheKey(get('/vi', { rsc: '1' }))).toBeUndefined();
    expect(pageCacheKey(get('/vi?_rsc=abc'))).toBeUndefined();
    expect(pageCacheKey(get('/vi', { 'next-router-prefetch': '1' }))).toBeUndefined();
  });

  it('keeps only 200s that set no cookie but their language and do not opt out', () => {
    expect(mayKeep(200, { 'content-type': 'text/html', 'cache-control': 'private, no-cache, no-store, max-age=0, must-revalidate' }, 1000)).toBe(true);
    expect(mayKeep(200, { 'set-cookie': ['NEXT_LOCALE=vi; Path=/; SameSite=lax'] }, 10)).toBe(true);
    expect(mayKeep(404, {}, 10)).toBe(false);
    expect(mayKeep(200, { 'set-cookie': ['NEXT_LOCALE=vi; Path=/', 'disan_session=abc; Path=/; HttpOnly'] }, 10)).toBe(false);
    expect(mayKeep(200, { 'set-cookie': 'disan_flash=1; Path=/' }, 10)).toBe(false);
    expect(mayKeep(200, { 'x-disan-keep': 'no' }, 10)).toBe(false);
    expect(mayKeep(200, {}, 3 * 1024 * 1024)).toBe(false);
  });
});

describe('a kept page', () => {
  const nonce = 'QUJDREVGR0hJSktMTU5PUA==';
  const page = (generation = '1', storedAt = Date.now()): KeptPage => ({
    status: 200,
    headers: [['content-security-policy', `script-src 'self' 'nonce-${nonce}'`], ['content-type', 'text/html']],
    body: Buffer.from(`<script nonce="${nonce}">1</script><p>Lễ hội</p><script nonce="${nonce}" src="/a.js"></script>`),
    nonce,
    generation,
    storedAt,
  });

  it('goes out with a new nonce each time, the same in header and body', () => {
    expect(nonceOf(page().headers[0]![1])).toBe(nonce);
    const a = freshCopy(page());
    const b = freshCopy(page());
    const fresh = nonceOf(a.headers[0]![1])!;
    expect(fresh).not.toBe(nonce);
    expect(fresh).not.toBe(nonceOf(b.headers[0]![1]));
    expect(a.body.toString()).toBe(`<script nonce="${fresh}">1</script><p>Lễ hội</p><script nonce="${fresh}" src="/a.js"></script>`);
    // The same kept page served again and again: each copy has its own nonce everywhere, and the kept body is untouched.
    const kept = page();
    const original = kept.body.toString();
    for (let i = 0; i < 3; i++) {
      const copy = freshCopy(kept);
      const now = nonceOf(copy.headers[0]![1])!;
      expect(copy.body.toString()).toBe(original.split(nonce).join(now));
      expect(kept.body.toString()).toBe(original);
    }
  });

  it('is dropped when the catalog changes or it is too old, and the least used go first', () => {
    const cache = new PageCache(page().body.length * 2);
    cache.set('a', page('1'));
    expect(cache.get('a', '1')).toBeDefined();
    expect(cache.get('a', '2')).toBeUndefined();
    cache.set('a', page('1', Date.now() - MAX_AGE_MS - 1));
    expect(cache.get('a', '1')).toBeUndefined();
    cache.set('a', page());
    cache.set('b', page());
    cache.get('a', '1');
    cache.set('c', page());
    expect([cache.get('a', '1'), cache.get('b', '1'), cache.get('c', '1')].map(Boolean)).toEqual([true, false, true]);
  });

  it('learns of this process\'s commits through a generation shared by every copy of the module', () => {
    const before = localGeneration();
    catalogChanged();
    expect(localGeneration()).toBe(before + 1);
  });
});
