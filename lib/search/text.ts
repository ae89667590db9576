/**
 * Text handling shared by both engines: Vietnamese folding, tokenizing the
 * way SQLite's unicode61 tokenizer does, typo distances, and highlighting
 * that marks matches in the ORIGINAL text (a visitor should see "Lễ hội đâm
 * trâu", not "le hoi dam trau").
 */
import { foldVietnamese } from '../records/slug';
import type { Segment } from './types';

/** Folds for matching: no diacritics, đ = d, lower case. "Lễ Hội Đâm Trâu" → "le hoi dam trau". */
export function fold(text: string): string {
  return foldVietnamese(text.normalize('NFC')).toLowerCase();
}

/**
 * fold() of one word, remembered: marking hits folds every word of every
 * hit's title and passage (a few thousand a search), and a text's words
 * repeat. Bounded: forgotten all at once past 50,000 words.
 */
const foldedWords = new Map<string, string>();
export function foldWord(word: string): string {
  let folded = foldedWords.get(word);
  if (folded === undefined) {
    folded = fold(word);
    if (foldedWords.size >= 50_000) foldedWords.clear();
    foldedWords.set(word, folded);
  }
  return folded;
}

/** Lower-cased, NFC text that keeps its diacritics (for exact-diacritic ranking). */
export function exactForm(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Word characters: letters and digits, like unicode61 (apostrophes and hyphens separate). */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

export function words(text: string): string[] {
  return text.normalize('NFC').match(WORD) ?? [];
}

/** Words with their offsets in the original string, for highlighting. */
export function wordSpans(text: string): { word: string; start: number; end: number }[] {
  const spans: { word: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(WORD)) spans.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  return spans;
}

/**
 * Typos allowed for a (folded) query word of this length: 1 from 4 letters, 2 from 9. Meilisearch's
 * default starts at 5, but folded Vietnamese and the archive's English are full of 4-letter words
 * (trau, guol, gong), and a visitor who types "trua" for "trâu" or "gogn" for "gong" should still
 * find them.
 */
export const TYPOS = { one: 4, two: 9 } as const;

export function allowedTypos(word: string): number {
  return word.length >= TYPOS.two ? 2 : word.length >= TYPOS.one ? 1 : 0;
}

/**
 * Optimal-string-alignment distance (a transposition counts as one typo),
 * stopping as soon as it must exceed `max`. Returns max + 1 when it does.
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * What a query matches, word by word, in folded form: used to mark hits in
 * original text. A word matches when it equals one of `exact`, starts with
 * one of `prefixes`.
 */
export interface MatchTerms {
  exact: Set<string>;
  prefixes: string[];
}

export function matchesTerm(foldedWord: string, terms: MatchTerms): boolean {
  if (terms.exact.has(foldedWord)) return true;
  return terms.prefixes.some((p) => foldedWord.startsWith(p));
}

/** Marks matching words of an original string. */
export function highlight(text: string, terms: MatchTerms): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const span of wordSpans(text)) {
    if (!matchesTerm(foldWord(span.word), terms)) continue;
    if (span.start > at) segments.push({ text: text.slice(at, span.start), hit: false });
    segments.push({ text: span.word, hit: true });
    at = span.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), hit: false });
  return merge(segments);
}

/**
 * A passage of about `maxWords` words around the first match in the first
 * text that has one, with matches marked; the start of the first text when
 * nothing matches (a record found by a filter alone).
 */
export function snippet(texts: string[], terms: MatchTerms, maxWords = 24): Segment[] {
  for (const text of texts) {
    const spans = wordSpans(text);
    const first = spans.findIndex((s) => matchesTerm(foldWord(s.word), terms));
    if (first < 0) continue;
    return crop(text, spans, Math.max(0, first - Math.floor(maxWords / 3)), maxWords, terms);
  }
  const text = texts[0] ?? '';
  return crop(text, wordSpans(text), 0, maxWords, terms);
}

function crop(text: string, spans: { start: number; end: number }[], from: number, maxWords: number, terms: MatchTerms): Segment[] {
  if (spans.length === 0) return text ? [{ text, hit: false }] : [];
  const startWord = Math.min(from, Math.max(0, spans.length - maxWords));
  const endWord = Math.min(spans.length, startWord + maxWords) - 1;
  const start = startWord === 0 ? 0 : spans[startWord]!.start;
  const end = endWord === spans.length - 1 ? text.length : spans[endWord]!.end;
  const segments = highlight(text.slice(start, end), terms);
  if (start > 0) segments.unshift({ text: '… ', hit: false });
  if (end < text.length) segments.push({ text: ' …', hit: false });
  return merge(segments);
}

function merge(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.hit === s.hit && !s.hit) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

/** Great-circle distance in kilometres. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}
