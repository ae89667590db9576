/**
 * Class 13 of issue #11: browsers get a Content Security Policy with a nonce
 * on every page, frame rules, a referrer policy, and nosniff on everything,
 * machine answers included; the session cookie follows the site's scheme.
 */
import { describe, expect, it } from 'vitest';
import { attack, idOfSlug, signIn } from './client';

const PAGES = ['/vi', '/en/search?q=chieng', '/vi/map', '/vi/calendar', '/studio/login', '/studio'];
const MACHINE_ANSWERS = ['/api/v1/search?q=chieng', '/api/v1/records', '/feeds/vi/atom.xml', '/oai?verb=Identify', '/sitemap.xml', '/robots.txt', '/api/v1/openapi.json'];

describe('security headers', () => {
  it('gives every page a per-request nonce policy that its own scripts carry, and forbids framing', async () => {
    const session = await signIn('officerCoTu');
    const id = await idOfSlug('le-hoi-dam-trau-co-tu');
    const nonces = new Set<string>();
    for (const path of [...PAGES, `/vi/records/${id}/le-hoi-dam-trau-co-tu`, `/studio/records/${id}`]) {
      const response = await attack(path, { session });
      expect(response.status, path).toBe(200);
      const policy = response.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce, `${path} has a nonce policy`).toBeDefined();
      nonces.add(nonce!);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      // Every script the page itself writes carries the nonce, or the browser would refuse to run it.
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const attributes of scripts) if (!/type="application\/ld\+json"/.test(attributes)) expect(attributes, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size, 'a fresh nonce per request').toBe(PAGES.length + 2);
  });

  it('sends nosniff and a no-content policy with the API, feeds, OAI-PMH, manifests and the sitemap', async () => {
    const id = await idOfSlug('le-hoi-dam-trau-co-tu');
    for (const path of [...MACHINE_ANSWERS, `/iiif/${id}/manifest.json`, '/api/v1/no-such-endpoint']) {
      const response = await attack(path);
      expect(response.status, path).toBeLessThan(500);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toMatch(/default-src 'none'/);
      await response.arrayBuffer();
    }
  });

  it('sets the session cookie without Secure on this plain-http site (browsers would drop it) and HttpOnly, SameSite=Lax', async () => {
    const form = new URLSearchParams({ username: 'nha-nghien-cuu', password: 'mat-khau-tan-cong-thu', next: '/studio' });
    const response = await attack('/api/auth/login', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });
});
