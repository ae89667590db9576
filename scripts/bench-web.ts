/**
 * npm run bench:web — what a visitor's phone downloads and how Lighthouse
 * rates the public pages, on the production build with the demo content.
 *
 * Needs `npm run build` first (.next/BUILD_ID). Seeds a temporary data
 * folder (seed → derive --all → reindex, ~1.5 min), starts the production server on a
 * free loopback port, then for each page in PAGES:
 *
 * - first-load JS: the page opens in Debian's Chromium (playwright-core, fresh
 *   context, 412×823 phone viewport, no interaction); every response of
 *   resource type "script" that arrives before the `load` event plus network
 *   idle is counted once per URL. Its size is the body gzipped here at
 *   level 9 (stable whatever the server does); the wire size (`next start`
 *   gzips with its default level) is shown alongside. Inline scripts (the RSC
 *   payload in the HTML) are not counted: they are part of the document.
 * - Lighthouse 12.2.3 (programmatic API, default config = mobile, simulated
 *   throttling), categories performance + accessibility, in a fresh Chrome
 *   per run: performance and accessibility scores (0–100) and LCP (ms),
 *   each the median of --runs N runs (default 3; a run takes ~7 s here).
 *
 * Targets: ≤ 120 KB JS per page (1 KB = 1024 bytes), performance ≥ 90,
 * accessibility ≥ 95, LCP ≤ 2500 ms. A missed target is a result, not an
 * error: the exit code is non-zero only when something failed.
 *
 * Options: --data-dir DIR (reuse a seeded data folder; seeded into and kept
 * if missing or empty), --runs N (1–9), --verbose (every script file,
 * Lighthouse warnings and failing accessibility audits).
 *
 * Last line: bench:web home_js_kb=… search_js_kb=… record_js_kb=… lighthouse_perf_min=… lighthouse_a11y_min=… lcp_ms_max=…
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch as launchChrome, type LaunchedChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import type { Browser } from 'playwright-core';
import { ROOT } from '../tests/helpers/cli';
import { findVideoRecord, hasProductionBuild, seedDemoData, startServer, type RunningServer } from '../tests/helpers/demo-server';
import { CHROMIUM_ARGS, launchChromium } from '../tests/e2e/browser';

/**
 * The pages measured, in table order. `{id}` and `{slug}` are replaced by a
 * public demo record with a video, found through the search API with
 * VIDEO_RECORD_QUERY. The names make the keys of the last line.
 */
/** A page with no client components of its own: its first-load JS is the framework's floor. */
const FLOOR_PAGE = '/vi/about';

export const PAGES = [
  { name: 'home', path: '/vi' },
  { name: 'search', path: '/vi/search?q=le+hoi+dam+trau' },
  { name: 'record', path: '/vi/records/{id}/{slug}' },
] as const;
export const VIDEO_RECORD_QUERY = 'le hoi dam trau';

const TARGETS = { jsKb: 120, perf: 90, a11y: 95, lcpMs: 2500 };
const CHROME_PATH = '/usr/bin/chromium';
const LIGHTHOUSE_RUN_TIMEOUT_MS = 120_000;
const PAGE_TIMEOUT_MS = 60_000;
const NETWORK_IDLE_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------- options

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}
const VERBOSE = process.argv.includes('--verbose') || process.argv.includes('-v');
let RUNS = 3;

// ---------------------------------------------------------------- cleanup, also on Ctrl-C

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
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
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the server and removing temporary files…`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

const log = (message: string) => console.error(`[bench:web] ${message}`);

// ---------------------------------------------------------------- first-load JS

interface ScriptFile {
  url: string;
  rawBytes: number;
  gzipBytes: number;
  /** Bytes on the wire as served (encoded body), when the browser reports it. */
  wireBytes: number | null;
  encoding: string;
  afterLoad: boolean;
}

interface JsResult {
  files: ScriptFile[];
  rawBytes: number;
  gzipBytes: number;
  wireBytes: number;
}

async function measureJs(browser: Browser, url: string): Promise<JsResult> {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const pending: Promise<ScriptFile | null>[] = [];
    let collecting = true;
    let loaded = false;
    page.on('load', () => (loaded = true));
    page.on('response', (response) => {
      if (!collecting || response.request().resourceType() !== 'script') return;
      const afterLoad = loaded;
      pending.push(
        (async () => {
          const body = await response.body().catch(() => null);
          if (!body) return null; // redirects, aborted requests
          const sizes = await response.request().sizes().catch(() => null);
          return {
            url: response.url(),
            rawBytes: body.length,
            gzipBytes: gzipSync(body, { level: 9 }).length,
            wireBytes: sizes ? sizes.responseBodySize : null,
            encoding: (await response.headerValue('content-encoding').catch(() => null)) ?? 'identity',
            afterLoad,
          };
        })(),
      );
    });
    const response = await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    if (!response || response.status() >= 400) throw new Error(`${url} answered HTTP ${response?.status() ?? '(no response)'}: do the pages exist in this build? (see PAGES in scripts/bench-web.ts)`);
    // A video that keeps buffering can hold the network busy: count what came within the wait.
    await page.waitForLoadState('networkidle', { timeout: NETWORK_IDLE_TIMEOUT_MS }).catch(() => log(`  ${url}: network still busy ${NETWORK_IDLE_TIMEOUT_MS / 1000} s after load; counting the scripts so far`));
    collecting = false;
    const byUrl = new Map<string, ScriptFile>();
    for (const file of await Promise.all(pending)) if (file && !byUrl.has(file.url)) byUrl.set(file.url, file);
    const files = [...byUrl.values()];
    return {
      files,
      rawBytes: files.reduce((s, f) => s + f.rawBytes, 0),
      gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
      wireBytes: files.reduce((s, f) => s + (f.wireBytes ?? f.gzipBytes), 0),
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- Lighthouse

interface LighthouseResult {
  perf: number;
  a11y: number;
  lcpMs: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function lighthouseOnce(url: string): Promise<LighthouseResult> {
  if (interrupted) throw new Error('interrupted');
  // Killed in `finally`, by Ctrl-C, and also when it comes up only after its start timed out.
  const launching: Promise<LaunchedChrome> = launchChrome({
    chromePath: CHROME_PATH,
    // Same flags as the e2e browser, with the new headless mode spelled out.
    chromeFlags: [...CHROMIUM_ARGS.filter((f) => f !== '--headless'), '--headless=new'],
    handleSIGINT: false, // ours stops the server too
    logLevel: 'silent',
  });
  const killChrome = async () => {
    const chrome = await launching.catch(() => undefined);
    try {
      chrome?.kill();
    } catch {
      // already gone
    }
  };
  cleanups.push(killChrome);
  try {
    const chrome = await withTimeout(launching, 30_000, 'starting Chromium for Lighthouse');
    if (interrupted) throw new Error('interrupted');
    const run = lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
      maxWaitForLoad: 45_000,
    });
    run.catch(() => {}); // a run abandoned on timeout rejects once Chrome is gone
    const result = await withTimeout(run, LIGHTHOUSE_RUN_TIMEOUT_MS, `Lighthouse on ${url}`);
    const lhr = result?.lhr;
    if (!lhr) throw new Error(`Lighthouse returned no result for ${url}`);
    if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const perf = lhr.categories.performance?.score;
    const a11y = lhr.categories.accessibility?.score;
    const lcp = lhr.audits['largest-contentful-paint']?.numericValue;
    if (perf == null || a11y == null || lcp == null) {
      const warnings = lhr.runWarnings.join('; ');
      throw new Error(`Lighthouse on ${url} gave no ${perf == null ? 'performance score' : a11y == null ? 'accessibility score' : 'LCP'}${warnings ? ` (${warnings})` : ''}`);
    }
    if (VERBOSE && lhr.runWarnings.length) for (const w of lhr.runWarnings) log(`  Lighthouse warning: ${w}`);
    if (VERBOSE) {
      const failed = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 0.9 && lhr.categories.accessibility!.auditRefs.some((r) => r.id === a.id && r.weight > 0));
      for (const a of failed) log(`  a11y audit failing: ${a.id} — ${a.title}`);
    }
    return { perf: Math.round(perf * 100), a11y: Math.round(a11y * 100), lcpMs: Math.round(lcp) };
  } finally {
    void killChrome();
    const i = cleanups.indexOf(killChrome);
    if (i >= 0) cleanups.splice(i, 1);
  }
}

/** One retry per run: Chrome occasionally fails to start or stalls on this machine. */
async function lighthouseRun(url: string): Promise<LighthouseResult> {
  try {
    return await lighthouseOnce(url);
  } catch (error) {
    if (interrupted) throw error;
    log(`  ${error instanceof Error ? error.message : String(error)} — retrying once`);
    return lighthouseOnce(url);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

// ---------------------------------------------------------------- report

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const mark = (ok: boolean) => (ok ? '✓' : '✗');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) => r.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

// ---------------------------------------------------------------- main

/** Seeds with the demo content; on Ctrl-C the running step is stopped before the folder is removed. */
async function seed(dataDir: string): Promise<void> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  cleanups.push(stop);
  try {
    await seedDemoData(dataDir, { log: (step) => log(`  ${step}…`), signal: abort.signal });
  } finally {
    const i = cleanups.indexOf(stop);
    if (i >= 0) cleanups.splice(i, 1);
  }
}

async function main(): Promise<void> {
  const dataDirOption = option('data-dir');
  RUNS = Number(option('runs') ?? 3);
  if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 9) throw new Error('--runs must be an integer from 1 to 9');
  if (!hasProductionBuild()) throw new Error(`no production build in ${ROOT}: run \`npm run build\` first`);
  const started = Date.now();

  let dataDir: string;
  if (dataDirOption) {
    dataDir = path.resolve(dataDirOption);
    if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) {
      log(`${dataDir} is empty: seeding the demo content into it (kept for the next run)`);
      await seed(dataDir);
    } else log(`reusing the data folder ${dataDir}`);
  } else {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'disan-bench-web-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));
    log(`seeding the demo content into ${dataDir} (about 1.5 min)`);
    await seed(dataDir);
  }

  log('starting the production server');
  const server: RunningServer = await startServer({ dataDir });
  cleanups.push(() => server.stop());
  const record = await findVideoRecord(server.baseUrl, VIDEO_RECORD_QUERY);
  log(`server at ${server.baseUrl}; record with video: ${record.id}/${record.slug} (${record.title.vi})`);
  const pages = PAGES.map((p) => ({ name: p.name, path: p.path.replace('{id}', record.id).replace('{slug}', encodeURIComponent(record.slug)) }));

  // First-load JS (this also warms each route before Lighthouse sees it).
  const js = new Map<string, JsResult>();
  let floor: JsResult | undefined;
  const browser = await launchChromium();
  cleanups.push(() => browser.close().catch(() => {}));
  try {
    for (const page of pages) {
      const result = await measureJs(browser, server.baseUrl + page.path);
      js.set(page.name, result);
      const late = result.files.filter((f) => f.afterLoad).length;
      log(`JS ${page.name}: ${result.files.length} files (${late} after load), ${kb(result.rawBytes)} KB raw, ${kb(result.gzipBytes)} KB gzip -9, ${kb(result.wireBytes)} KB on the wire`);
      if (VERBOSE) {
        for (const f of [...result.files].sort((a, b) => b.gzipBytes - a.gzipBytes)) {
          log(`    ${kb(f.gzipBytes).padStart(7)} KB gz  ${kb(f.rawBytes).padStart(7)} KB raw  ${f.wireBytes === null ? '      ?' : kb(f.wireBytes).padStart(7)} KB wire (${f.encoding})${f.afterLoad ? '  [after load]' : ''}  ${f.url.replace(server.baseUrl, '')}`);
        }
      }
    }
    // The floor: a page with no client code of its own (only the layout's language switch), i.e. what Next.js and React cost by themselves.
    floor = await measureJs(browser, server.baseUrl + FLOOR_PAGE);
    log(`JS floor ${FLOOR_PAGE}: ${floor.files.length} files, ${kb(floor.gzipBytes)} KB gzip -9`);
  } finally {
    await browser.close().catch(() => {});
  }

  const lh = new Map<string, LighthouseResult>();
  for (const page of pages) {
    const runs: LighthouseResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = Date.now();
      const r = await lighthouseRun(server.baseUrl + page.path);
      runs.push(r);
      log(`Lighthouse ${page.name}${RUNS > 1 ? ` run ${i + 1}/${RUNS}` : ''}: performance ${r.perf}, accessibility ${r.a11y}, LCP ${r.lcpMs} ms (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    }
    lh.set(page.name, { perf: median(runs.map((r) => r.perf)), a11y: median(runs.map((r) => r.a11y)), lcpMs: median(runs.map((r) => r.lcpMs)) });
  }

  const rows = [
    ['page', 'path', 'scripts', 'raw KB', `JS gz KB (≤${TARGETS.jsKb})`, `perf (≥${TARGETS.perf})`, `a11y (≥${TARGETS.a11y})`, `LCP ms (≤${TARGETS.lcpMs})`],
  ];
  for (const page of pages) {
    const j = js.get(page.name)!;
    const l = lh.get(page.name)!;
    rows.push([
      page.name,
      page.path.length > 48 ? page.path.slice(0, 47) + '…' : page.path,
      String(j.files.length),
      kb(j.rawBytes),
      `${kb(j.gzipBytes)} ${mark(j.gzipBytes / 1024 <= TARGETS.jsKb)}`,
      `${l.perf} ${mark(l.perf >= TARGETS.perf)}`,
      `${l.a11y} ${mark(l.a11y >= TARGETS.a11y)}`,
      `${l.lcpMs} ${mark(l.lcpMs <= TARGETS.lcpMs)}`,
    ]);
  }
  console.log('');
  console.log(table(rows));
  console.log(`\nJS: script responses before load + network idle, gzip -9 computed here. Lighthouse 12.2.3 mobile, simulated throttling, ${RUNS === 1 ? 'one run' : `median of ${RUNS} runs`} per page. ${((Date.now() - started) / 1000).toFixed(0)} s in all.`);

  if (floor) {
    const own = pages.map((p) => `${p.name} +${kb(js.get(p.name)!.gzipBytes - floor!.gzipBytes)} KB`).join(', ');
    console.log(`Framework floor (Next.js + React runtime, ${FLOOR_PAGE}): ${kb(floor.gzipBytes)} KB gz. Our own first-load code over it: ${own}.`);
  }

  const all = [...lh.values()];
  const jsKb = (name: string) => kb(js.get(name)?.gzipBytes ?? NaN);
  console.log(
    `bench:web ${PAGES.map((p) => `${p.name}_js_kb=${jsKb(p.name)}`).join(' ')} lighthouse_perf_min=${Math.min(...all.map((r) => r.perf))} lighthouse_a11y_min=${Math.min(...all.map((r) => r.a11y))} lcp_ms_max=${Math.max(...all.map((r) => r.lcpMs))}`,
  );
}

main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async (error: unknown) => {
    if (interrupted) return; // the signal handler cleans up and exits
    console.error(`bench:web failed: ${error instanceof Error ? error.message : String(error)}`);
    await cleanup();
    process.exit(1);
  },
);
