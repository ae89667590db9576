/**
 * The whole topology of issue #17 on loopback: redis-server, an S3 server
 * (s3rver), TWO web servers (scripts/serve.ts on the production build) behind
 * a proxy that alternates every request between them, and TWO workers
 * (scripts/worker.ts). The web servers share nothing on disk but the embedded
 * search index (both run on this one host; on several machines that is
 * Meilisearch): each has its own DATA_DIR, so a tus upload can only go on
 * through both because its staging is in the bucket.
 *
 * S3 is s3rver with the multipart calls tus staging needs added (tests/helpers/s3rver-multipart.mjs).
 *
 * An officer signs in and creates a record through the proxy, uploads a video
 * with tus through it, a reviewer publishes; the record is then in the lists
 * and search of both web servers (each asked directly); the record page both
 * keep for visitors is dropped when a worker — another process — finishes the
 * video (the change announced in Redis); the worker holding the video's job is
 * SIGKILLed and the other finishes it; a sign-in throttle tripped on one web
 * server holds on the other. Needs `npm run build` (npm run test:cluster does it).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '@/lib/auth/users';
import { parseConfig } from '@/lib/config';
import { MAX_AGE_MS } from '@/lib/http/page-cache';
import { listJobs, RedisJobQueue, type JobState } from '@/lib/jobs';
import { RecordRepository } from '@/lib/records/repository';
import { openStore } from '@/lib/storage';
import { runScript, startWorkerProcess } from '../helpers/cli';
import { hasProductionBuild, startServer, type RunningServer } from '../helpers/demo-server';
import { makeVideo } from '../helpers/media-fixtures';
import { startRedisServer } from '../helpers/redis-server';
import { startS3Server } from '../helpers/s3-server';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy';

const PASSWORD = 'mat-khau-cum-may-chu';
const USERS = {
  officer: { username: 'can-bo-cum', displayName: 'Cán bộ', roles: ['officer' as const], communities: ['co-tu'] },
  reviewer: { username: 'duyet-cum', displayName: 'Người duyệt', roles: ['reviewer' as const], communities: ['co-tu'] },
  clumsy: { username: 'go-nham-cum', displayName: 'Hay gõ nhầm', roles: ['researcher' as const], communities: [] },
};
/** A word no demo record has, so that a search finds exactly our record. */
const WORD = 'xoangcumtest';
const SLUG = `le-hoi-${WORD}`;
/** What a record page shows once its video's derivatives exist: the HLS master playlist. */
const HLS = /\.m3u8/;

const stops: Array<() => Promise<unknown>> = [];
const outputs: Array<[string, () => string]> = [];
let root: string;
let env: Record<string, string>;
let redisUrl: string;
let proxy: RoundRobinProxy;
const web: RunningServer[] = [];
let recordId: string;
let video: Buffer;

/** A DATA_DIR of its own for one process, whose search/ is the one index all share (one host). */
async function dataDirOf(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await symlink(path.join(root, 'search'), path.join(dir, 'search'));
  return dir;
}

beforeAll(async () => {
  if (!hasProductionBuild()) throw new Error('no production build: run `npm run build` first (npm run test:cluster does)');
  root = await mkdtemp(path.join(os.tmpdir(), 'disan-cluster-'));
  await mkdir(path.join(root, 'search'));
  stops.push(() => rm(root, { recursive: true, force: true }));
  const [redis, s3] = await Promise.all([startRedisServer(), startS3Server('disan-cluster', { multipartListing: true })]);
  stops.push(redis.stop, s3.stop);
  redisUrl = redis.url;
  proxy = await startRoundRobinProxy(() => web.map((w) => w.baseUrl));
  stops.push(proxy.close);
  env = {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    REDIS_URL: redis.url,
    MEDIA_WEB_WORKER: 'false',
    SITE_URL: proxy.url,
  };
  // The shared index exists before two servers would race to create it.
  const reindexed = await runScript('scripts/reindex.ts', [], { ...env, DATA_DIR: await dataDirOf('setup') });
  expect(reindexed.code, reindexed.stderr).toBe(0);
  const users = new UserStore(openStore(parseConfig({ ...env, DATA_DIR: path.join(root, 'setup') })));
  for (const user of Object.values(USERS)) await users.create({ ...user, password: PASSWORD });

  const [dir1, dir2] = await Promise.all([dataDirOf('web1'), dataDirOf('web2')]);
  for (const dataDir of [dir1, dir2]) {
    const server = await startServer({ dataDir, env });
    stops.push(server.stop);
    outputs.push([`web${web.length + 1}`, server.output]);
    web.push(server);
  }
  const file = path.join(root, 'le-hoi.mp4');
  await makeVideo(file, { width: 960, height: 540, seconds: 6, audio: true });
  video = await readFile(file);
}, 240_000);

afterAll(async () => {
  // CLUSTER_LOGS=<dir> keeps what every web server and worker printed, to read after a failure.
  const logDir = process.env.CLUSTER_LOGS;
  if (logDir) for (const [name, output] of outputs) await writeFile(path.join(logDir, `${name}.log`), output()).catch(() => undefined);
  // Everything started is stopped, in reverse order, whatever failed.
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('stopping:', error));
});

/** A request as a browser on our pages sends it: Origin is the site (the proxy), redirects are answers. */
function request(base: string, pathname: string, init: { method?: string; cookie?: string; headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.method && init.method !== 'GET' && init.method !== 'HEAD') headers.set('origin', proxy.url);
  return fetch(new URL(pathname, base), { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
}

function signInAt(base: string, username: string, password = PASSWORD): Promise<Response> {
  const form = new URLSearchParams({ username, password, next: '/studio' });
  return request(base, '/api/auth/login', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

async function sessionOf(username: string): Promise<string> {
  const response = await signInAt(proxy.url, username);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  expect(response.status).toBe(303);
  expect(cookie).toMatch(/^disan_session=.+/);
  return cookie!;
}

const decode = (value: string) => value.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden fields Next renders into a server-action form (what a browser without JavaScript posts back). */
function actionFields(formHtml: string): [string, string][] {
  const inputs = [...formHtml.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]);
  return inputs.flatMap((tag) => {
    const name = /\bname="(\$ACTION[^"]*)"/.exec(tag)?.[1];
    return name ? [[name, decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '')] as [string, string]] : [];
  });
}

/** The HTML of the page's form that matches `marker`. */
function formWith(page: string, marker: RegExp): string {
  const form = [...page.matchAll(/<form[\s\S]*?<\/form>/g)].map((m) => m[0]).find((html) => marker.test(html));
  if (!form) throw new Error(`no form matching ${marker} on the page`);
  return form;
}

function multipart(fields: [string, string][]): FormData {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  return form;
}

/** The record's status transition (submit, publish), posted from the record page's form as a browser without JavaScript would. */
async function transition(cookie: string, name: 'submit' | 'publish'): Promise<void> {
  const page = await (await request(proxy.url, `/studio/records/${recordId}`, { cookie })).text();
  const form = formWith(page, new RegExp(`name="transition" value="${name}"`));
  const version = /name="version" value="(\d+)"/.exec(form)![1]!;
  const body = multipart([...actionFields(form), ['id', recordId], ['version', version], ['transition', name]]);
  const response = await request(proxy.url, `/studio/records/${recordId}`, { method: 'POST', cookie, body });
  expect(response.status, await response.clone().text()).toBe(303);
  expect(response.headers.get('location')).toContain(`done=${name}`);
}

function tus(url: string, cookie: string, method: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<Response> {
  return request(proxy.url, url, { method, cookie, headers: { 'tus-resumable': '1.0.0', ...headers }, ...(body ? { body: new Uint8Array(body) } : {}) });
}

const metadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

const servers = (filter: (path: string, method: string) => boolean) => new Set(proxy.served.filter((s) => filter(s.path, s.method)).map((s) => s.server));

describe('two web servers and two workers on Redis and S3', () => {
  let officer: string;

  it('an officer signs in and creates a record through the proxy, whichever web server answers', async () => {
    officer = await sessionOf(USERS.officer.username);
    const page = await (await request(proxy.url, '/studio/records/new', { cookie: officer })).text();
    const form = formWith(page, /name="title\.vi"/);
    const fields: [string, string][] = [
      ...actionFields(form),
      ['slug', SLUG],
      ['type', 'festival'],
      ['title.vi', `Lễ hội ${WORD} của người Cơ Tu`],
      ['title.en', `The ${WORD} festival of the Cơ Tu`], // needed to publish
      ['description.vi', 'Ghi hình trong thử nghiệm cụm máy chủ.'],
      ['ethnicGroups', 'co-tu'],
      ['places.0.district', 'nam-giang'],
      ['heldIn.calendar', 'lunar'],
      ['languages', 'vie'],
      ['rights.uri', 'http://rightsstatements.org/vocab/InC-EDU/1.0/'],
      ['access.level', 'public'],
    ];
    const saved = await request(proxy.url, '/studio/records/new', { method: 'POST', cookie: officer, body: multipart(fields) });
    const location = saved.headers.get('location') ?? '';
    expect(saved.status, await saved.clone().text()).toBe(303);
    recordId = /\/studio\/records\/([^/?]+)\?saved=1/.exec(location)?.[1] ?? '';
    expect(recordId).not.toBe('');
    // Sign-in, the form and the save went to both servers: the session is in the bucket, not in one process.
    expect(servers(() => true)).toEqual(new Set([0, 1]));
  });

  it('a video uploaded with tus through the proxy, its requests alternating between the servers, becomes an original', async () => {
    const created = await tus('/api/uploads', officer, 'POST', {
      'upload-length': String(video.length),
      'upload-metadata': metadata({ filename: 'le-hoi.mp4', recordId, sha512: createHash('sha512').update(video).digest('hex') }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const url = new URL(created.headers.get('location')!, proxy.url).pathname;
    const chunk = Math.ceil(video.length / 4);
    for (let offset = 0; offset < video.length; offset += chunk) {
      // A resuming client asks where the upload stands before each part.
      const head = await tus(url, officer, 'HEAD');
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('upload-offset'))).toBe(offset);
      const part = video.subarray(offset, offset + chunk);
      const sent = await tus(url, officer, 'PATCH', { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, part);
      expect(sent.status, await sent.clone().text()).toBe(204);
    }
    // Begun on one server, resumed on both: the staging is in the bucket (UPLOAD_STAGING_PREFIX), not on a disk.
    expect(servers((p) => p.startsWith(url))).toEqual(new Set([0, 1]));
    const records = new RecordRepository(openStore(parseConfig({ ...env, DATA_DIR: path.join(root, 'setup') })));
    const media = (await records.require(recordId)).record.media;
    expect(media).toEqual([expect.objectContaining({ path: 'files/le-hoi.mp4', kind: 'video', size: video.length })]);
  });

  it('submitted by the officer and published by a reviewer through the proxy: in the lists and search of both web servers, asked directly', async () => {
    await transition(officer, 'submit');
    await transition(await sessionOf(USERS.reviewer.username), 'publish');
    for (const [i, server] of web.entries()) {
      const api = (await (await request(server.baseUrl, `/api/v1/search?q=${WORD}`)).json()) as { hits: { id: string }[] };
      expect(api.hits.map((h) => h.id), `search API of web ${i + 1}`).toEqual([recordId]);
      const records = (await (await request(server.baseUrl, '/api/v1/records?type=festival&limit=100')).json()) as { items?: { id: string }[]; records?: { id: string }[] };
      expect(JSON.stringify(records), `record list of web ${i + 1}`).toContain(recordId);
      expect(await (await request(server.baseUrl, `/vi/search?q=${WORD}`)).text(), `search page of web ${i + 1}`).toContain(`/vi/records/${recordId}`);
      expect(await (await request(server.baseUrl, `/studio?q=${WORD}`, { cookie: officer })).text(), `studio list of web ${i + 1}`).toContain(recordId);
    }
  });

  let keptAt = Number.NaN;
  it('before any worker runs, both web servers keep the record page for visitors (no video yet)', async () => {
    for (const server of web) {
      const first = await request(server.baseUrl, `/vi/records/${recordId}/${SLUG}`);
      expect(first.status).toBe(200);
      expect(await first.text()).not.toMatch(HLS);
      const second = await request(server.baseUrl, `/vi/records/${recordId}/${SLUG}`);
      expect(second.headers.get('x-disan-cache')).toBe('hit');
      await second.arrayBuffer();
    }
    keptAt = Date.now();
  });

  it('the worker holding the video’s job is SIGKILLed; the other worker finishes it', async () => {
    // A short lease, so that the dead worker's job is given again soon; one job at a time each.
    const workers = await Promise.all(
      ['worker1', 'worker2'].map(async (name) => {
        const worker = startWorkerProcess({ ...env, DATA_DIR: await dataDirOf(name), MEDIA_WORKERS: '1', MEDIA_JOB_LEASE_S: '2' });
        outputs.push([name, worker.output]);
        stops.push(async () => {
          if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
          await worker.exited;
        });
        return worker;
      }),
    );
    const queue = new RedisJobQueue(redisUrl);
    try {
      const job = async (): Promise<JobState> => (await listJobs(queue, { recordId }))[0]!;
      const deadline = Date.now() + 60_000;
      let holder: (typeof workers)[number] | undefined;
      while (!holder) {
        if (Date.now() > deadline) throw new Error(`no worker took the job: ${workers.map((w) => w.output()).join('\n')}`);
        holder = workers.find((w) => w.output().includes('▶'));
        if (!holder) await new Promise((r) => setTimeout(r, 20));
      }
      holder.child.kill('SIGKILL');
      expect((await holder.exited).signal).toBe('SIGKILL');
      const other = workers.find((w) => w !== holder)!;
      while ((await job()).state !== 'done') {
        if (Date.now() > deadline + 60_000) throw new Error(`the job was not finished: ${JSON.stringify(await job())}\n${other.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await job()).toMatchObject({ state: 'done', attempts: 2, progress: 100 });
      expect(other.output()).toMatch(/✓/);
    } finally {
      await queue.close();
    }
  }, 150_000);

  it('the finished video reaches the pages both web servers kept: the worker’s change is announced to them through Redis', async () => {
    for (const [i, server] of web.entries()) {
      let page = '';
      for (const deadline = Date.now() + 5_000; Date.now() < deadline && !HLS.test(page); await new Promise((r) => setTimeout(r, 250))) {
        page = await (await request(server.baseUrl, `/vi/records/${recordId}/${SLUG}`)).text();
      }
      expect(page, `record page of web ${i + 1}`).toMatch(HLS);
    }
    // Otherwise the pages might have been dropped for their age alone.
    expect(Date.now() - keptAt).toBeLessThan(MAX_AGE_MS);
  });

  it('a sign-in throttle tripped on one web server holds on the other', async () => {
    const [web1, web2] = web as [RunningServer, RunningServer];
    for (let i = 0; i < 5; i++) {
      const failed = await signInAt(web1.baseUrl, USERS.clumsy.username, 'not-the-password');
      expect(failed.headers.get('location'), `${failed.status} ${await failed.clone().text()}`).toContain('error=invalid');
    }
    // The right password, on the other server: refused until the block expires.
    const refused = await signInAt(web2.baseUrl, USERS.clumsy.username);
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toContain('error=throttled');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(refused.headers.get('set-cookie')).toBeNull();
    // Someone else signs in on either server as before.
    expect((await signInAt(web2.baseUrl, USERS.reviewer.username)).headers.get('set-cookie')).toMatch(/^disan_session=/);
  });
});
