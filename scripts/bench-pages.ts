/**
 * npm run bench:pages — does a page cost the same at 42 records and at N?
 * (issue #13: "every page and feed answers from the index, flat from 40 to
 * 100,000 records").
 *
 * 1. Builds the site if needed: `next build --webpack` only when
 *    .next/BUILD_ID is missing or older than the newest file of app/, lib/
 *    and the build configuration (--no-build: never; a stale build is then
 *    only reported).
 * 2. Seeds a temporary data folder under the OS temp folder with the 42 demo
 *    records (seed → derive --all → reindex, ~1.5 min, as the e2e tests and
 *    bench:web do: tests/helpers/demo-server.ts) and creates an admin account
 *    with scripts/user.ts.
 * 3. Grows a copy of it to N records (--n, default 20,000) the project's own
 *    way: `npm run archive -- import records.csv` of N − 42 generated
 *    Vietnamese records (scripts/bench/grow-archive.ts: words of the demo
 *    content, vocabularies of content/, one in ten with a small JPEG photo).
 *    import_rps = records created / seconds the import command took, with no
 *    server running. No derivatives are made for the new photos (no worker
 *    runs): the pages do not need them.
 * 4. Starts the production server (scripts/serve.ts on a free loopback port)
 *    on each archive, warms every page and feed of PAGES up on both (one
 *    request each), then makes --runs passes (default 20) in which each page
 *    is asked of one server and at once of the other, one request at a time
 *    on keep-alive connections: whatever else the machine does touches both
 *    sides of a ratio alike. p50/p95 of the time to the first byte of the
 *    body. Then each server's RSS (VmRSS in /proc/<pid>/status of the process
 *    listening on the port) and its anonymous record page under load
 *    (autocannon, 10 connections, 15 s), one server at a time.
 *
 * Cache: the generated CSV and photos are kept in
 *   <os.tmpdir()>/disan-bench-pages-v<GENERATOR_VERSION>-<N>/fixture/
 * and reused by the next run with the same N and generator version.
 * --reuse-archive also keeps the grown archive there (…/grown/) and, when
 * one is present, skips the import and uses it (import_rps is then the
 * figure of the run that made it, and says so). Delete the folder, or bump
 * GENERATOR_VERSION, to start afresh; rerun without --reuse-archive after a
 * change of the storage or index format.
 *
 * Options: --n N, --runs R (≥ 5), --duration S and --connections C (load
 * test), --timeout S (per request, default 600), --no-build,
 * --no-derive (seed without the demo media's derivatives: quicker, for
 * trying the benchmark out; pages then have no thumbnails or renditions),
 * --reuse-archive, --keep (leave the temporary archive in place),
 * --verbose.
 *
 * Server processes are stopped on exit, on error and on Ctrl-C.
 * Last line:
 *   bench:pages n=… worst_page=… worst_ratio=… rss_ratio=… record_rps=… import_rps=…
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { childEnv, ROOT, runScript } from '../tests/helpers/cli';
import { seedDemoData, startServer, type RunningServer } from '../tests/helpers/demo-server';
import { buildState, runBuild } from './bench/build';
import { demoRecordCount, ensureFixture, GENERATOR_VERSION } from './bench/grow-archive';
import { closeConnections, percentile, signIn, timedGet, type Sample } from './bench/http';
import { loadTest, type LoadResult } from './bench/load';
import { memoryOf, mib, pidListeningOn, type Memory } from './bench/proc';

// ---------------------------------------------------------------- what is measured

/** The record of the record page, the OAI GetRecord and the single-record API: a demo record (same id at 42 and at N). */
const RECORD_SLUG = 'le-hoi-dam-trau-co-tu';
const SEARCH_QUERY = 'le hoi dam trau';
const COMMUNITY = 'co-tu';
const TYPE = 'festival';

interface Page {
  name: string;
  path: string;
  /** Sent with the studio's session cookie. */
  staff?: boolean;
}

/** Every page and feed of issue #13, in table order. {id} and {slug} are the record's, {oaiId} its OAI identifier. */
const PAGES: Page[] = [
  { name: 'home', path: '/vi' },
  { name: 'record', path: '/vi/records/{id}/{slug}' },
  { name: 'library', path: '/vi/library' },
  { name: 'map', path: '/vi/map' },
  { name: 'calendar', path: '/vi/calendar' },
  { name: 'community', path: `/vi/communities/${COMMUNITY}` },
  { name: 'type', path: `/vi/types/${TYPE}` },
  { name: 'sitemap', path: '/sitemap.xml' },
  { name: 'atom', path: '/feeds/vi/atom.xml' },
  { name: 'oai-identify', path: '/oai?verb=Identify' },
  { name: 'oai-getrecord', path: '/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={oaiId}' },
  { name: 'oai-listrecords', path: '/oai?verb=ListRecords&metadataPrefix=oai_dc' },
  { name: 'api-records', path: '/api/v1/records' },
  { name: 'studio-records', path: '/studio', staff: true },
  { name: 'studio-coverage', path: '/studio/coverage', staff: true },
  { name: 'search', path: `/vi/search?q=${encodeURIComponent(SEARCH_QUERY).replace(/%20/g, '+')}` },
  { name: 'api-search', path: `/api/v1/search?q=${encodeURIComponent(SEARCH_QUERY)}` },
  { name: 'api-record', path: '/api/v1/records/{id}' },
];
const LOAD_PAGE = 'record';
const ADMIN = 'bench-admin';

// ---------------------------------------------------------------- options

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '20' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '600' },
    'no-build': { type: 'boolean', default: false },
    'reuse-archive': { type: 'boolean', default: false },
    'no-derive': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log('usage: npm run bench:pages -- [--n 20000] [--runs 20] [--duration 15] [--connections 10] [--timeout 600] [--no-build] [--no-derive] [--reuse-archive] [--keep] [--verbose]');
  process.exit(0);
}
const int = (name: string, value: string, min: number, max: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};
const CONTENT_DIR = path.join(ROOT, 'content');
const DEMO_COUNT = demoRecordCount(CONTENT_DIR);
const N = int('n', opts.n, DEMO_COUNT + 1, 10_000_000);
const RUNS = int('runs', opts.runs, 5, 100);
const DURATION_S = int('duration', opts.duration, 1, 3600);
const CONNECTIONS = int('connections', opts.connections, 1, 1000);
const TIMEOUT_MS = int('timeout', opts.timeout, 1, 86_400) * 1000;
const CACHE_DIR = path.join(os.tmpdir(), `disan-bench-pages-v${GENERATOR_VERSION}-${N}`);

const log = (message: string) => console.error(`[bench:pages] ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------- cleanup, also on Ctrl-C and crashes

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
const abort = new AbortController();
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    abort.abort();
    closeConnections();
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}
function untilCleanedUp(fn: () => Promise<void> | void): () => void {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by tsx's launcher),
  // and a second signal must not kill it before the server is stopped and the temporary archive removed.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the server and removing temporary files…`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}
process.on('uncaughtException', (error) => {
  console.error(`bench:pages crashed: ${error.stack ?? error.message}`);
  void cleanup().finally(() => process.exit(1));
});

// ---------------------------------------------------------------- steps

async function ensureBuild(): Promise<void> {
  const state = buildState(ROOT);
  if (state.exists && !state.staleBecause) {
    log(`production build is current (.next/BUILD_ID of ${state.builtAt!.toISOString()})`);
    return;
  }
  const why = state.exists ? `${state.staleBecause} changed after the build of ${state.builtAt!.toISOString()}` : 'there is no production build (.next/BUILD_ID)';
  if (opts['no-build']) {
    if (!state.exists) throw new Error(`${why}, and --no-build was given: run \`npm run build\` first`);
    log(`WARNING: ${why}; --no-build: measuring the existing build anyway`);
    return;
  }
  log(`${why}: running \`next build --webpack\` (a few minutes)`);
  const started = Date.now();
  await runBuild(ROOT, abort.signal);
  log(`built in ${seconds(Date.now() - started)}`);
}

/** An admin account in the archive (created, or its password reset when it exists); returns the password. */
async function adminAccount(dataDir: string): Promise<string> {
  const env = { DATA_DIR: dataDir };
  let result = await runScript('scripts/user.ts', ['create', ADMIN, '--role', 'admin', '--name', 'Benchmark admin'], env);
  if (result.code !== 0) result = await runScript('scripts/user.ts', ['reset', ADMIN], env);
  const password = /password: (\S+)/.exec(result.stdout)?.[1];
  if (result.code !== 0 || !password) throw new Error(`could not make the account ${ADMIN} with scripts/user.ts (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  return password;
}

async function seed(dataDir: string): Promise<void> {
  const started = Date.now();
  const derive = !opts['no-derive'];
  log(`seeding the ${DEMO_COUNT} demo records into ${dataDir} (seed, ${derive ? 'derive --all, ' : ''}reindex; about ${derive ? '1.5 min' : '30 s'} on a quiet machine)`);
  await seedDemoData(dataDir, { log: (step) => log(`  ${step}…`), signal: abort.signal, derive });
  log(`seeded in ${seconds(Date.now() - started)}`);
}

interface ImportRun {
  created: number;
  seconds: number;
  rps: number;
  /** Set when the figure comes from an earlier run (--reuse-archive). */
  cachedFrom?: string;
}

/** `npm run archive -- import <csv>` into the (stopped) archive, timed. */
async function importRecords(dataDir: string, csv: string, expected: number): Promise<ImportRun> {
  log(`importing ${expected} records with \`npm run archive -- import ${csv}\``);
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'archive.ts'), 'import', csv], {
    cwd: ROOT,
    env: childEnv({ CONTENT_DIR, DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = untilCleanedUp(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  // The CLI's progress bar is silent without a terminal: count the records folder instead.
  const recordsDir = path.join(dataDir, 'store', 'records');
  const progress = setInterval(() => {
    let count = NaN;
    try {
      count = readdirSync(recordsDir).length - DEMO_COUNT;
    } catch {
      // not there (another storage layout): time only
    }
    const elapsed = (performance.now() - started) / 1000;
    log(`  importing… ${elapsed.toFixed(0)} s${Number.isFinite(count) ? `, about ${count}/${expected} records (${(count / elapsed).toFixed(1)}/s)` : ''}`);
  }, 30_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => {
    clearInterval(progress);
    forget();
  });
  const took = (performance.now() - started) / 1000;
  const summary = /(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) invalid/.exec(stdout);
  if (code !== 0 || !summary) {
    const problems = stdout.split('\n').filter((l) => l.includes('✗')).slice(0, 10).join('\n');
    throw new Error(`the import failed (exit ${code})${summary ? `: ${summary[0]}` : ''}\n${problems}\n${stderr.slice(-3000)}`);
  }
  const created = Number(summary[1]);
  if (created !== expected) log(`WARNING: ${summary[0]} (expected ${expected} created)`);
  log(`imported: ${summary[0]} in ${took.toFixed(1)} s (${(created / took).toFixed(2)} records/s)`);
  return { created, seconds: took, rps: created / took };
}

interface PageResult {
  name: string;
  path: string;
  samples: Sample[];
  /** Problems: non-2xx answers, errors, timeouts. */
  failures: string[];
}

interface Phase {
  label: string;
  records: number;
  pages: Map<string, PageResult>;
  memory: Memory;
  memoryAfterLoad: Memory;
  load: LoadResult;
}

interface RecordRef {
  id: string;
  slug: string;
}

/** The demo record the record-specific pages use, read from the JSON API of the 42-record archive. */
async function findRecord(baseUrl: string): Promise<RecordRef> {
  const response = await fetch(`${baseUrl}/api/v1/records?limit=100`);
  if (!response.ok) throw new Error(`/api/v1/records?limit=100 answered HTTP ${response.status}`);
  const body = (await response.json()) as { items: RecordRef[] };
  const record = body.items.find((r) => r.slug === RECORD_SLUG) ?? body.items[0];
  if (!record) throw new Error('/api/v1/records lists no public record');
  return { id: record.id, slug: record.slug };
}

function resolvePath(page: Page, record: RecordRef, baseUrl: string): string {
  const oaiId = `oai:${new URL(baseUrl).hostname}:${record.id}`;
  return page.path.replace('{id}', record.id).replace('{slug}', encodeURIComponent(record.slug)).replace('{oaiId}', encodeURIComponent(oaiId));
}

function sampleProblem(page: Page, sample: Sample): string | undefined {
  if (sample.error) return sample.error;
  if (sample.status >= 200 && sample.status < 300) return undefined;
  if (page.staff && sample.status >= 300 && sample.status < 400) return `HTTP ${sample.status} → ${sample.location ?? '?'} (not signed in?)`;
  return `HTTP ${sample.status}${sample.location ? ` → ${sample.location}` : ''}`;
}

/** One archive's production server, warmed up, with the pages to measure and their results so far. */
interface Side {
  label: string;
  records: number;
  server: RunningServer;
  pid: number;
  pages: (Page & { url: string })[];
  results: Map<string, PageResult>;
  get: (page: Page & { url: string }, keepBody?: boolean) => Promise<Sample>;
}

/** Starts the production server on an archive, signs in, and warms every page up (one request each, not counted). */
async function openSide(label: string, records: number, dataDir: string, password: string, record: RecordRef | undefined): Promise<{ side: Side; record: RecordRef }> {
  log(`[${label}] starting the production server on ${dataDir}`);
  const started = Date.now();
  // The JSON API's per-client rate limit (120/min) would answer the benchmark's own requests with 429s.
  const server: RunningServer = await startServer({ dataDir, env: { API_RATE_LIMIT: '100000' }, timeoutMs: 180_000 });
  untilCleanedUp(() => server.stop());
  const pid = pidListeningOn(server.port);
  if (!pid) throw new Error(`no process listens on port ${server.port}`);
  log(`[${label}] server ${server.baseUrl} (pid ${pid}) answered after ${seconds(Date.now() - started)}`);
  record ??= await findRecord(server.baseUrl);
  const cookie = await signIn(server.baseUrl, ADMIN, password);
  const pages = PAGES.map((p) => ({ ...p, url: server.baseUrl + resolvePath(p, record!, server.baseUrl) }));
  const results = new Map<string, PageResult>(pages.map((p) => [p.name, { name: p.name, path: resolvePath(p, record!, server.baseUrl), samples: [], failures: [] }]));
  const get = (page: Page & { url: string }, keepBody = false) => timedGet(page.url, { headers: page.staff ? { cookie } : undefined, timeoutMs: TIMEOUT_MS, keepBody });

  // Warm-up: one request per page (first render, caches, JIT), not counted.
  const warmStarted = Date.now();
  for (const page of pages) {
    abort.signal.throwIfAborted();
    const sample = await get(page, page.name === 'api-records');
    const problem = sampleProblem(page, sample);
    if (problem) log(`[${label}]   warm-up ${page.name}: ${problem}`);
    else if (opts.verbose) log(`[${label}]   warm-up ${page.name}: ${sample.ttfbMs.toFixed(0)} ms`);
    if (page.name === 'api-records' && sample.body) {
      try {
        log(`[${label}]   /api/v1/records reports ${(JSON.parse(sample.body) as { total?: number }).total ?? '?'} public records`);
      } catch {
        // not JSON: reported by the measured requests
      }
    }
  }
  log(`[${label}] warm-up pass over ${pages.length} pages took ${seconds(Date.now() - warmStarted)}`);
  return { side: { label, records, server, pid, pages, results, get }, record: record! };
}

/**
 * The measured passes, over both archives at once: each page is asked of one server and then of the other (which
 * goes first alternates from pass to pass), so whatever else this shared machine is doing touches both sides of
 * every ratio alike, rather than one phase measured in a busy minute and the other in a quiet one.
 */
async function measurePages(sides: Side[]): Promise<void> {
  for (let run = 1; run <= RUNS; run++) {
    const passStarted = Date.now();
    const order = run % 2 ? sides : [...sides].reverse();
    for (const [k, page] of sides[0]!.pages.entries()) {
      for (const side of order) {
        abort.signal.throwIfAborted();
        const sample = await side.get(side.pages[k]!);
        const result = side.results.get(page.name)!;
        result.samples.push(sample);
        const problem = sampleProblem(page, sample);
        if (problem) result.failures.push(problem);
        if (opts.verbose) log(`[${side.label}]   run ${run} ${page.name}: ${problem ?? `${sample.ttfbMs.toFixed(0)} ms, ${(sample.bytes / 1024).toFixed(1)} KB`}`);
      }
    }
    log(`pass ${run}/${RUNS} over both archives took ${seconds(Date.now() - passStarted)}`);
  }
  closeConnections();
  for (const side of sides) {
    if (![...side.results.values()].some((r) => r.failures.length)) continue;
    const tail = side.server.output().trim().split('\n').slice(-30).join('\n');
    log(`[${side.label}] some pages failed; the server's last output lines:\n${tail}`);
  }
}

/** The server's memory after the pages, then the record page under load (the other server idle), then its memory again. */
async function loadSide(side: Side): Promise<Phase> {
  const memory = memoryOf(side.pid);
  log(`[${side.label}] server RSS ${mib(memory.rss)} MiB (peak so far ${mib(memory.peak)} MiB)`);
  const loadPage = side.pages.find((p) => p.name === LOAD_PAGE)!;
  log(`[${side.label}] ${LOAD_PAGE} page under load: ${CONNECTIONS} connections for ${DURATION_S} s (autocannon)`);
  const load = await loadTest(loadPage.url, {
    connections: CONNECTIONS,
    durationS: DURATION_S,
    onStart: (stop) => untilCleanedUp(stop),
  });
  const memoryAfterLoad = memoryOf(side.pid);
  log(
    `[${side.label}]   ${load.rps.toFixed(2)} req/s (${load.ok} answered 2xx, ${load.failed} failed, ${load.timeouts} timed out), p50 ${fmtMs(load.p50Ms)}, p99 ${fmtMs(load.p99Ms)}; RSS ${mib(memoryAfterLoad.rss)} MiB, peak ${mib(memoryAfterLoad.peak)} MiB`,
  );
  return { label: side.label, records: side.records, pages: side.results, memory, memoryAfterLoad, load };
}

// ---------------------------------------------------------------- report

const fmtMs = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'n/a');
const p = (r: PageResult | undefined, q: number) => (r ? percentile(r.samples.map((s) => s.ttfbMs), q) : NaN);
const pTotal = (r: PageResult | undefined, q: number) => (r ? percentile(r.samples.map((s) => s.totalMs), q) : NaN);
const kb = (r: PageResult | undefined) => (r && r.samples.length ? percentile(r.samples.map((s) => s.bytes), 50) / 1024 : NaN);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

function report(small: Phase, large: Phase, imported: ImportRun, started: number): number {
  const n = large.records;
  const rows = [['page', 'p50 @42', 'p95 @42', `p50 @${n}`, `p95 @${n}`, 'ratio', `last byte p95 @${n}`, 'KB @42', `KB @${n}`]];
  let worst = { name: '', ratio: -Infinity };
  const failures: string[] = [];
  for (const page of PAGES) {
    const a = small.pages.get(page.name);
    const b = large.pages.get(page.name);
    const ratio = p(b, 95) / p(a, 95);
    if (Number.isFinite(ratio) && ratio > worst.ratio) worst = { name: page.name, ratio };
    for (const [phase, r] of [
      [small, a],
      [large, b],
    ] as const) {
      if (r?.failures.length) failures.push(`${page.name} @${phase.records}: ${r.failures.length}/${r.samples.length} requests failed (${[...new Set(r.failures)].join('; ')})`);
    }
    const fail = (r: PageResult | undefined) => (r?.failures.length ? ' !' : '');
    rows.push([
      page.name,
      fmtMs(p(a, 50)),
      fmtMs(p(a, 95)) + fail(a),
      fmtMs(p(b, 50)),
      fmtMs(p(b, 95)) + fail(b),
      Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a',
      fmtMs(pTotal(b, 95)),
      kb(a).toFixed(1),
      kb(b).toFixed(1),
    ]);
  }
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log(`Time to first byte of the body, ${RUNS} requests per page after one warm-up, one at a time, production build; p95 by nearest rank (the ${Math.ceil(0.95 * RUNS)}th fastest of ${RUNS}). KB = body as sent (gzip), median.`);
  if (failures.length) {
    console.log('Failed requests (marked !, their times count as measured until the failure):');
    for (const f of failures) console.log(`  ${f}`);
  }
  const rssRatio = large.memory.rss / small.memory.rss;
  console.log(
    `Server RSS after the pages: ${mib(small.memory.rss)} MiB @${small.records}, ${mib(large.memory.rss)} MiB @${n} (×${rssRatio.toFixed(2)}); after the load test ${mib(small.memoryAfterLoad.rss)} → ${mib(large.memoryAfterLoad.rss)} MiB, peak ${mib(small.memoryAfterLoad.peak)} → ${mib(large.memoryAfterLoad.peak)} MiB.`,
  );
  for (const phase of [small, large]) {
    const l = phase.load;
    console.log(
      `Record page under load @${phase.records}: ${l.connections} connections, ${l.durationS.toFixed(1)} s: ${l.rps.toFixed(2)} req/s (${l.ok} 2xx, ${l.failed} failed, ${l.timeouts} timed out), p50 ${fmtMs(l.p50Ms)}, p99 ${fmtMs(l.p99Ms)}.`,
    );
  }
  console.log(
    `Import of ${imported.created} records (10% with a photo): ${imported.seconds.toFixed(1)} s, ${imported.rps.toFixed(2)} records/s${imported.cachedFrom ? ` (from the run of ${imported.cachedFrom} that made the cached archive; --reuse-archive)` : ''}.`,
  );
  console.log(`Targets (issue #13, N = 20,000): worst_ratio ≤ 1.5, rss_ratio ≤ 1.5, record_rps ≥ 200 with p99 ≤ 250 ms. ${((Date.now() - started) / 60_000).toFixed(1)} min in all.`);
  console.log(
    `bench:pages n=${n} worst_page=${worst.name || 'none'} worst_ratio=${Number.isFinite(worst.ratio) ? worst.ratio.toFixed(2) : 'NaN'} rss_ratio=${rssRatio.toFixed(2)} record_rps=${large.load.rps.toFixed(2)} import_rps=${imported.rps.toFixed(2)}`,
  );
  return failures.length ? 1 : 0;
}

// ---------------------------------------------------------------- main

interface GrownManifest {
  generatorVersion: number;
  n: number;
  import: ImportRun;
  created: string;
}

async function main(): Promise<number> {
  const started = Date.now();
  log(`N = ${N} records (${DEMO_COUNT} demo + ${N - DEMO_COUNT} generated), ${RUNS} requests per page, cache ${CACHE_DIR}`);
  await ensureBuild();

  await fs.mkdir(CACHE_DIR, { recursive: true });
  const grownDir = path.join(CACHE_DIR, 'grown');
  const grownManifest = path.join(grownDir, 'bench-pages.json');
  const reuseGrown = opts['reuse-archive'] && existsSync(grownManifest);
  const fixture = reuseGrown ? undefined : await ensureFixture(CACHE_DIR, N - DEMO_COUNT, CONTENT_DIR, log);

  // 42 records: a fresh temporary archive with the demo content.
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'disan-bench-pages-run-'));
  let removeDataDir = !opts.keep;
  untilCleanedUp(async () => {
    if (removeDataDir) await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    else if (existsSync(dataDir)) log(`kept the archive ${dataDir}`);
  });
  await seed(dataDir);
  const password = await adminAccount(dataDir);

  // N records: the same archive grown by the CLI import, in a copy (both are measured side by side), or the cached one.
  let imported: ImportRun;
  let largeDir: string;
  let largePassword: string;
  if (reuseGrown) {
    const manifest = JSON.parse(await fs.readFile(grownManifest, 'utf8')) as GrownManifest;
    imported = { ...manifest.import, cachedFrom: manifest.created };
    largeDir = grownDir;
    log(`--reuse-archive: using the grown archive ${grownDir} (made ${manifest.created}); no import this run`);
    largePassword = await adminAccount(largeDir);
  } else {
    largeDir = opts['reuse-archive'] ? grownDir : `${dataDir}-grown`;
    await fs.rm(largeDir, { recursive: true, force: true });
    await fs.cp(dataDir, largeDir, { recursive: true });
    if (!opts['reuse-archive']) untilCleanedUp(() => (removeDataDir ? fs.rm(largeDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }) : undefined));
    imported = await importRecords(largeDir, fixture!.csv, fixture!.rows);
    largePassword = password;
    if (opts['reuse-archive']) {
      const manifest: GrownManifest = { generatorVersion: GENERATOR_VERSION, n: N, import: imported, created: new Date().toISOString() };
      await fs.writeFile(grownManifest, JSON.stringify(manifest, null, 2) + '\n');
      log(`kept the grown archive in ${grownDir} for later runs with --reuse-archive`);
    }
  }

  const small = await openSide(`${DEMO_COUNT}`, DEMO_COUNT, dataDir, password, undefined);
  const large = await openSide(`${N}`, N, largeDir, largePassword, small.record);
  await measurePages([small.side, large.side]);
  const smallPhase = await loadSide(small.side);
  const largePhase = await loadSide(large.side);
  await Promise.all([small.side.server.stop(), large.side.server.stop()]);
  return report(smallPhase, largePhase, imported, started);
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (error: unknown) => {
    if (interrupted) return; // the signal handler cleans up and exits
    console.error(`bench:pages failed: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup();
    process.exit(1);
  },
);
