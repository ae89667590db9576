/**
 * Class 8 of issue #11: every state-changing request must prove it comes
 * from our pages. A server action replayed with no Origin (and no Referer)
 * used to be accepted: a record changed status. Next.js refuses a foreign
 * Origin itself, but not an absent one.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, PASSWORD } from './accounts';
import { attack, baseUrl, idOfSlug, signIn } from './client';

/** The studio's "publish" form for a submitted record, as the reviewer's browser would post it (no JavaScript). */
async function publishForm(session: string, id: string): Promise<FormData> {
  const page = await (await attack(`/studio/records/${id}`, { session })).text();
  const actionField = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(page)?.[1];
  const version = /name="version" value="(\d+)"/.exec(page)?.[1];
  expect(actionField, 'the record page offers the publish form').toBeDefined();
  const form = new FormData();
  form.set(actionField!, '');
  form.set('id', id);
  form.set('version', version!);
  form.set('transition', 'publish');
  return form;
}

async function statusOf(id: string, session: string): Promise<string> {
  const page = await (await attack(`/studio/records/${id}`, { session })).text();
  return /data-testid="record-status"[^>]*>([^<·]+)/.exec(page)?.[1]?.trim() ?? '';
}

describe('state changes prove they come from our pages', () => {
  it('refuses a server action with no Origin and no Referer, or a foreign one, with 403 and a page that says which address to use', async () => {
    const reviewer = await signIn('reviewer');
    const id = await idOfSlug('le-mung-lua-moi-ta-rieng'); // submitted: the reviewer may publish it
    expect(await statusOf(id, reviewer)).toBe('Chờ duyệt');
    for (const origin of ['none', 'https://evil.example', 'null']) {
      const response = await attack(`/studio/records/${id}`, { method: 'POST', session: reviewer, origin, body: await publishForm(reviewer, id) });
      expect(response.status, `Origin: ${origin}`).toBe(403);
      const page = await response.text();
      expect(page).toContain('Yêu cầu bị từ chối');
      expect(page).toContain(baseUrl);
    }
    // A foreign Referer is no better than a foreign Origin.
    const viaReferer = await attack(`/studio/records/${id}`, { method: 'POST', session: reviewer, origin: 'none', headers: { referer: 'https://evil.example/page' }, body: await publishForm(reviewer, id) });
    expect(viaReferer.status).toBe(403);
    expect(await statusOf(id, reviewer)).toBe('Chờ duyệt');

    // The same form from our own page works: the refusals above were about the origin, nothing else.
    const ours = await attack(`/studio/records/${id}`, { method: 'POST', session: reviewer, origin: 'same', body: await publishForm(reviewer, id) });
    expect(ours.status).toBe(303);
    expect(await statusOf(id, reviewer)).toBe('Đã công bố');
  });

  it('refuses sign-in and sign-out without an Origin', async () => {
    const form = new URLSearchParams({ username: 'nguoi-duyet', password: 'whatever-it-is', next: '/studio' });
    const response = await attack('/api/auth/login', { method: 'POST', origin: 'none', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect((await attack('/api/auth/logout', { method: 'POST', origin: 'none', session: await signIn('researcher') })).status).toBe(403);
  });

  it('still lets harvesters POST to OAI-PMH (it changes nothing) without an Origin', async () => {
    const response = await attack('/oai', { method: 'POST', origin: 'none', body: new URLSearchParams({ verb: 'Identify' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Identify>');
  });
});

describe('signing in at the address people actually open', () => {
  /** A sign-in post as a browser at `address` sends it: Host and Origin both name that address. */
  function signInAt(address: string): Promise<{ status: number; cookie?: string }> {
    const target = new URL(baseUrl);
    const body = new URLSearchParams({ username: ACCOUNTS.researcher.username, password: PASSWORD, next: '/studio' }).toString();
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path: '/api/auth/login', method: 'POST', headers: { host: address, origin: `http://${address}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, cookie: response.headers['set-cookie']?.[0] });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  it('accepts a sign-in from http://localhost:PORT and http://127.0.0.1:PORT alike, and nothing else', async () => {
    const { port } = new URL(baseUrl);
    for (const address of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const answer = await signInAt(address);
      expect(answer.status, address).toBe(303);
      expect(answer.cookie, address).toMatch(/^disan_session=[\w-]{43};/);
    }
  });
});
