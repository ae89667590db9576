/**
 * npm run bench:search — the embedded engine against a realistic corpus,
 * with MiniSearch (fuzzy + prefix) as the in-process peer in the same run.
 *
 * Corpus: 100,000 synthetic records whose words are drawn, Zipf-distributed,
 * from the demo content's own Vietnamese and English text and vocabularies
 * (so common words are very common, as in real text), with facets, access
 * levels, dates and coordinates from content/vocabularies. Deterministic
 * (seeded), generated on the fly so the build streams like a reindex.
 *
 * Queries: 1,000 fixed ones: one to three words, prefixes, typos, facet
 * filters, geo radius, several viewers; every query asks for the top 20
 * with five facets, and gets the whole forgiving search (typo readings,
 * synonyms, "did you mean": the count of corrections offered is printed).
 * The peer runs every 5th query (200), which is enough for its p95 and
 * keeps the run short.
 *
 * Last line: bench:search docs=… p50_ms=… p95_ms=… peer_p95_ms=… index_mb=… build_s=…
 * Options: --docs N, --queries N (for quick runs), --no-peer, --slowest N
 * (print the N slowest queries, for profiling), --keep DIR (build the index
 * there and leave it), --reuse DIR (query an index kept by --keep with the
 * same --docs instead of building one; build_s is then 0).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { prng } from './bench/random';
import { ANONYMOUS, viewerAccessTokens, type Viewer } from '../lib/access/policy';
import { getConfig } from '../lib/config';
import { ACCESS_LEVELS, MEDIA_KINDS, RECORD_TYPES } from '../lib/records/schema';
import { loadVocabularies } from '../lib/records/vocabularies';
import { decadeOf } from '../lib/search/document';
import { groupNames, synonymGroups } from '../lib/search/synonyms';
import { EmbeddedSearchIndex } from '../lib/search/embedded';
import { fold, words } from '../lib/search/text';
import type { Facet, SearchDocument, SearchQuery } from '../lib/search/types';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DOCS = arg('docs', 100_000);
const QUERIES = arg('queries', 1_000);
const PEER = !process.argv.includes('--no-peer');
const PEER_EVERY = 5;
const SLOWEST = arg('slowest', 0);

/** Samples ranks 0..n-1 with probability ∝ 1/(rank+1)^s. */
function zipf(n: number, s = 1.05): (r: () => number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return (r) => {
    const x = r();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const config = getConfig();
const vocab = loadVocabularies(config.contentDir);

// Word pools from the demo content, shuffled deterministically so Zipf ranks are not alphabetical.
function pool(texts: string[], seed: number): string[] {
  const set = [...new Set(texts.flatMap((t) => words(t)).filter((w) => !/^\d+$/.test(w)))];
  const r = prng(seed);
  for (let i = set.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [set[i], set[j]] = [set[j]!, set[i]!];
  }
  return set;
}
const recordsDir = path.join(config.contentDir, 'records');
const demo = fs.readdirSync(recordsDir).map((n) => JSON.parse(fs.readFileSync(path.join(recordsDir, n), 'utf8')) as { title: { vi: string; en?: string }; description: { vi: string; en?: string } });
const viWords = pool(
  [...demo.flatMap((d) => [d.title.vi, d.description.vi]), ...vocab.subjects.map((s) => s.label.vi), ...vocab.inventory.map((e) => e.name.vi), ...vocab.ethnicGroups.map((g) => g.description.vi)],
  1,
);
const enWords = pool(
  [...demo.flatMap((d) => [d.title.en ?? '', d.description.en ?? '']), ...vocab.subjects.map((s) => s.label.en), ...vocab.inventory.map((e) => e.name.en), ...vocab.ethnicGroups.map((g) => g.description.en ?? '')],
  2,
);
const viZipf = zipf(viWords.length);
const enZipf = zipf(enWords.length);
const sentence = (r: () => number, list: string[], z: (r: () => number) => number, n: number) => Array.from({ length: n }, () => list[z(r)]!).join(' ');

/** Synthetic record i, always the same. */
function syntheticDoc(i: number): SearchDocument {
  const r = prng(i + 1000);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const group = pick(vocab.ethnicGroups);
  const district = vocab.districts.find((d) => group.districts.includes(d.id)) ?? pick(vocab.districts);
  const year = 1990 + Math.floor(r() * 36);
  const date = `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}`;
  const type = pick(RECORD_TYPES);
  const x = r();
  const level = x < 0.9 ? 'public' : x < 0.95 ? 'registered' : 'community';
  const status = r() < 0.92 ? 'published' : 'draft';
  const titleVi = sentence(r, viWords, viZipf, 3 + Math.floor(r() * 6));
  const titleEn = sentence(r, enWords, enZipf, 3 + Math.floor(r() * 5));
  const subjects = [pick(vocab.subjects), pick(vocab.subjects)];
  const access = { level: level as (typeof ACCESS_LEVELS)[number], communities: level === 'community' ? [group.id] : [] };
  return {
    id: `b${i.toString(36).padStart(7, '0')}`,
    slug: `bench-${i}`,
    type,
    status,
    title: { vi: titleVi, en: titleEn },
    text: {
      title: [titleVi, titleEn],
      subjects: [...subjects.flatMap((s) => [s.label.vi, s.label.en]), ...groupNames(group)],
      place: [district.name.vi, district.name.en],
      description: [sentence(r, viWords, viZipf, 30 + Math.floor(r() * 60)), sentence(r, enWords, enZipf, 20 + Math.floor(r() * 40))],
      transcript: r() < 0.2 ? [sentence(r, viWords, viZipf, 80)] : [],
      fulltext: [],
    },
    facets: {
      ethnicGroup: [group.id],
      type: [type],
      district: [district.id],
      decade: [decadeOf(date)!],
      language: r() < 0.5 ? ['vie', group.language ?? 'vie'] : ['vie'],
      mediaKind: [pick(MEDIA_KINDS.slice(0, 4))],
      accessLevel: [level],
      status: [status],
    },
    access: access.level === 'public' && status === 'published' ? ['public'] : (status === 'published' ? (level === 'registered' ? ['registered'] : ['admin', `community:${group.id}`]) : level === 'community' ? ['admin', `staff-community:${group.id}`] : ['staff']),
    geo: { lat: district.lat + (r() - 0.5) * 0.1, lon: district.lon + (r() - 0.5) * 0.1 },
    date,
    titleSort: fold(titleVi),
  };
}

const viewersList: Viewer[] = [
  ANONYMOUS,
  ANONYMOUS,
  ANONYMOUS,
  { kind: 'user', id: 'm', roles: ['researcher'], communities: ['co-tu'] },
  { kind: 'user', id: 'o', roles: ['officer'], communities: ['xo-dang'] },
];
const FACETS_ASKED: Facet[] = ['ethnicGroup', 'type', 'district', 'decade', 'language'];

function typo(word: string, r: () => number): string {
  const i = 1 + Math.floor(r() * (word.length - 2));
  return r() < 0.5 ? word.slice(0, i) + word.slice(i + 1) : word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

/** The fixed query mix. */
function queries(): SearchQuery[] {
  const r = prng(42);
  const out: SearchQuery[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const vi = r() < 0.65;
    const draw = () => (vi ? viWords[viZipf(r)]! : enWords[enZipf(r)]!);
    const n = 1 + Math.floor(r() * 3);
    let ws = Array.from({ length: n }, draw).map((w) => (r() < 0.5 ? fold(w) : w.toLowerCase()));
    const kind = r();
    if (kind < 0.15) {
      const last = ws[ws.length - 1]!;
      ws[ws.length - 1] = last.slice(0, Math.max(2, Math.min(last.length - 1, 3 + Math.floor(r() * 3))));
    } else if (kind < 0.27) {
      const long = ws.findIndex((w) => w.length >= 5);
      if (long >= 0) ws = ws.map((w, k) => (k === long ? typo(w, r) : w));
    }
    const q: SearchQuery = { q: ws.join(' ') + (kind >= 0.15 ? ' ' : ''), viewer: viewersList[Math.floor(r() * viewersList.length)]!, facets: FACETS_ASKED, pageSize: 20 };
    const f = r();
    if (f < 0.15) q.filters = { type: [RECORD_TYPES[Math.floor(r() * RECORD_TYPES.length)]!] };
    else if (f < 0.25) q.filters = { ethnicGroup: [vocab.ethnicGroups[Math.floor(r() * vocab.ethnicGroups.length)]!.id], decade: ['2010s', '2020s'] };
    else if (f < 0.3) {
      const d = vocab.districts[Math.floor(r() * vocab.districts.length)]!;
      q.geo = { lat: d.lat, lon: d.lon, km: 10 };
    }
    out.push(q);
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Builds the corpus's index in `dir` through the same path as `npm run reindex` (streamed batches into a fresh file, then published); returns the seconds it took. */
function buildIndex(dir: string): number {
  console.log(`bench:search building ${DOCS} synthetic records (${viWords.length} Vietnamese and ${enWords.length} English words, Zipf) in ${dir}`);
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const started = performance.now();
  const builder = EmbeddedSearchIndex.build({ dir, synonyms: synonymGroups(vocab) });
  for (let i = 0; i < DOCS; i += 1000) {
    const batch: SearchDocument[] = [];
    for (let k = i; k < Math.min(DOCS, i + 1000); k++) batch.push(syntheticDoc(k));
    builder.upsertSync(batch);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    if ((i / 1000) % 20 === 0) process.stderr.write(`  ${i}/${DOCS} rss=${mb(process.memoryUsage().rss)}MB\n`);
  }
  const file = path.join(dir, builder.publish());
  const buildS = (performance.now() - started) / 1000;
  console.log(`built in ${buildS.toFixed(1)} s, ${mb(fs.statSync(file).size)} MB; rss start ${mb(rssStart)} MB, peak during build ${mb(rssPeak)} MB`);
  return buildS;
}

/** One line per query for --slowest: what was asked, by whom, and what came back. */
function describe(q: SearchQuery, ms: number, cpuMs: number, result: { total: number; didYouMean?: string }): string {
  const who = q.viewer.kind === 'user' ? q.viewer.roles.join('+') : 'anonymous';
  const filters = q.filters ? ` filters=${JSON.stringify(q.filters)}` : '';
  const geo = q.geo ? ` geo=${q.geo.km}km` : '';
  const dym = result.didYouMean ? ` didYouMean=${JSON.stringify(result.didYouMean)}` : '';
  return `  ${ms.toFixed(1).padStart(7)} ms (cpu ${cpuMs.toFixed(1).padStart(6)})  ${JSON.stringify(q.q)} ${who}${filters}${geo} total=${result.total}${dym}`;
}

async function main(): Promise<void> {
  const keepAt = process.argv.indexOf('--keep');
  const reuseAt = process.argv.indexOf('--reuse');
  // --keep <dir> leaves the built index there (for profiling); --reuse <dir> queries one kept so; otherwise a
  // temporary folder is removed at the end.
  const dir = reuseAt >= 0 ? process.argv[reuseAt + 1]! : keepAt >= 0 ? process.argv[keepAt + 1]! : fs.mkdtempSync(path.join(os.tmpdir(), 'disan-bench-search-'));
  const temporary = keepAt < 0 && reuseAt < 0;
  try {
    let buildS = 0;
    if (reuseAt < 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      buildS = buildIndex(dir);
    } else console.log(`bench:search querying the index kept in ${dir} (not rebuilt: build_s=0)`);
    const indexMb = mb(fs.readdirSync(dir).filter((n) => n.endsWith('.sqlite')).reduce((sum, n) => sum + fs.statSync(path.join(dir, n)).size, 0));

    const index = EmbeddedSearchIndex.open({ dir, synonyms: synonymGroups(vocab) });
    const list = queries();
    // Warm-up (loads the in-memory columns and vocabulary once, as a server does on its first query).
    const warm = performance.now();
    await index.search({ q: 'le hoi', viewer: ANONYMOUS, facets: FACETS_ASKED });
    console.log(`first query (loads columns + vocabulary): ${(performance.now() - warm).toFixed(0)} ms`);
    // A server warms the most frequent words after its first search, between requests; the benchmark's queries come
    // back to back (no turn of the event loop between them), so it waits for that here, and says how long it took.
    const warming = performance.now();
    const warmed = await index.warm();
    console.log(`warmed the most frequent words (${warmed} listings and rankings) in ${(performance.now() - warming).toFixed(0)} ms`);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    const slowest: { ms: number; line: string }[] = [];
    let totalHits = 0;
    let corrected = 0;
    for (const q of list) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const result = await index.search(q);
      const ms = performance.now() - t;
      times.push(ms);
      totalHits += result.total;
      if (result.didYouMean) corrected++;
      // CPU time too: on a busy machine it says what the query cost when wall time says what else ran.
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
      if (SLOWEST) slowest.push({ ms, line: describe(q, ms, (used.user + used.system) / 1000, result) });
    }
    times.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    if (SLOWEST) {
      console.log(`the ${SLOWEST} slowest queries:`);
      for (const { line } of slowest.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST)) console.log(line);
    }
    console.log(
      `embedded: ${list.length} queries, mean total ${(totalHits / list.length).toFixed(0)} hits, ${corrected} with a "did you mean", p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(1)} ms; CPU time p50 ${percentile(cpuTimes, 50).toFixed(2)} ms, p95 ${percentile(cpuTimes, 95).toFixed(2)} ms`,
    );
    await index.close();

    if (!PEER) return;
    // Peer: MiniSearch over the same documents and fields, fuzzy and prefix, AND, with access filtered and facets counted in JS.
    const peerStart = performance.now();
    const mini = new MiniSearch<{ id: number; title: string; subjects: string; place: string; description: string; transcript: string }>({
      fields: ['title', 'subjects', 'place', 'description', 'transcript'],
      processTerm: (term) => fold(term),
      searchOptions: { boost: { title: 10, subjects: 5, place: 4, description: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'AND' },
    });
    const metas: { access: string[]; facets: SearchDocument['facets']; geo: SearchDocument['geo'] }[] = [];
    for (let i = 0; i < DOCS; i++) {
      const d = syntheticDoc(i);
      metas.push({ access: d.access, facets: d.facets, geo: d.geo });
      mini.add({ id: i, title: d.text.title.join(' '), subjects: d.text.subjects.join(' '), place: d.text.place.join(' '), description: d.text.description.join(' '), transcript: d.text.transcript.join(' ') });
    }
    console.log(`peer MiniSearch built in ${((performance.now() - peerStart) / 1000).toFixed(1)} s`);
    const peerTimes: number[] = [];
    for (const [k, q] of list.entries()) {
      if (k % PEER_EVERY !== 0) continue;
      const t = performance.now();
      const allowed = new Set(viewerAccessTokens(q.viewer));
      const results = mini.search(q.q ?? '', {
        filter: (hit) => {
          const m = metas[hit.id as number]!;
          if (!m.access.some((a) => allowed.has(a))) return false;
          for (const [facet, values] of Object.entries(q.filters ?? {}) as [Facet, string[]][]) if (!(m.facets[facet] ?? []).some((v) => values.includes(v))) return false;
          return true;
        },
      });
      const counts = new Map<string, number>();
      for (const hit of results) for (const f of FACETS_ASKED) for (const v of metas[hit.id as number]!.facets[f] ?? []) counts.set(`${f}:${v}`, (counts.get(`${f}:${v}`) ?? 0) + 1);
      results.slice(0, 20);
      peerTimes.push(performance.now() - t);
    }
    peerTimes.sort((a, b) => a - b);
    console.log(`peer MiniSearch: ${peerTimes.length} queries, p50 ${percentile(peerTimes, 50).toFixed(2)} ms, p95 ${percentile(peerTimes, 95).toFixed(2)} ms`);
    console.log(
      `bench:search docs=${DOCS} p50_ms=${percentile(times, 50).toFixed(2)} p95_ms=${percentile(times, 95).toFixed(2)} peer_p95_ms=${percentile(peerTimes, 95).toFixed(2)} index_mb=${indexMb} build_s=${buildS.toFixed(1)}`,
    );
  } finally {
    if (temporary) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
