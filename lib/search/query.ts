/**
 * Turns what a visitor typed into an SQLite FTS5 match expression for the
 * embedded engine:
 *
 *   - every word must match (AND), in folded form (no diacritics, đ = d);
 *   - the last word also matches as a prefix (search as you type);
 *   - a word the index has never seen is widened to the index words within
 *     1 typo (4+ letters) or 2 typos (9+ letters). A word the index knows is
 *     taken as meant, so typo variants never outrank exact matches; only
 *     when that finds nothing does the engine widen known words too
 *     (`widenKnown`);
 *   - a name in the synonym list (Katu, Cơ Tu, nhà rông, gươl…) matches all
 *     its other names;
 *   - when the query carries diacritics, `exactPhrases` find the records
 *     that spell every accented word as typed (in the `exact` column: the
 *     original spelling of the title, subjects and place); the engine ranks
 *     them first. (A tier rather than a bm25 clause: scoring a clause with a
 *     column filter costs FTS5 ~70% more per row, measured at 100,000.)
 *
 * It also says which words may be typos and what they may be meant as
 * (`slots`), for the "did you mean" of correct.ts.
 */
import { allowedTypos, exactForm, fold, wordSpans, words, type MatchTerms } from './text';

export interface Vocabulary {
  has(term: string): boolean;
  hasPrefix(prefix: string): boolean;
  /** Index terms within `maxTypos` of the word, likeliest first (fewest typos, then most documents). */
  near(word: string, maxTypos: number): string[];
}

export interface SynonymTable {
  /** Folded phrases (token lists) of each group. */
  groups: string[][][];
}

export function buildSynonymTable(groups: string[][]): SynonymTable {
  return { groups: groups.map((names) => uniquePhrases(names.map((n) => words(fold(n))).filter((t) => t.length > 0))) };
}

function uniquePhrases(phrases: string[][]): string[][] {
  const seen = new Set<string>();
  return phrases.filter((p) => {
    const key = p.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A short single word (Co, Cor, Ve) would match too much as a synonym target: only distinctive names are added. */
function distinctive(phrase: string[]): boolean {
  return phrase.length > 1 || phrase[0]!.length >= 4;
}

export const MAX_QUERY_WORDS = 10;
/** Prefixes of one letter would expand to half the vocabulary. */
export const MIN_PREFIX = 2;
/** Typo variants ORed into one word's clause: enough for any real typo, few enough to keep FTS5 fast. */
const MAX_VARIANTS = 20;
/** Readings of a typo tried for "did you mean" (each costs one FTS5 match). */
const MAX_CANDIDATES = 3;

/** A word of the query: folded, and where it stands in the (NFC) text, so a correction can replace it in place. */
export interface QueryWord {
  folded: string;
  start: number;
  end: number;
}

export interface ParsedQuery {
  /** The query in NFC, which the word offsets refer to. */
  text: string;
  words: QueryWord[];
  /** The last word is still being typed (no space after it): it is matched as a prefix. */
  typingLast: boolean;
}

/** Splits a query into folded words (at most MAX_QUERY_WORDS), dropping a lone letter typed after other words. */
export function parseQuery(q: string): ParsedQuery {
  const text = q.normalize('NFC');
  let list = wordSpans(text)
    .map((s) => ({ folded: fold(s.word), start: s.start, end: s.end }))
    .filter((w) => w.folded.length > 0)
    .slice(0, MAX_QUERY_WORDS);
  // A query that ends in a space has its last word complete: no prefix.
  const typingLast = !/\s$/.test(text);
  // One letter typed after other words ("le hoi d") would expand to a tenth of the vocabulary: answer for the words before it.
  if (typingLast && list.length > 1 && list[list.length - 1]!.folded.length < MIN_PREFIX) list = list.slice(0, -1);
  return { text, words: list, typingLast };
}

/** A word that may be a typo, and the index words it may be meant as, likeliest first. */
export interface CorrectionSlot {
  /** Index into the query's words. */
  at: number;
  candidates: string[];
  /** True when the index does not know the word (nothing matches it as typed); false for a known but widened word. */
  required: boolean;
}

type Node = { kind: 'term'; word: string; prefix: boolean; variants: string[] } | { kind: 'synonyms'; typed: string[]; phrases: string[][]; prefixPhrase?: string[] };

/**
 * A match expression in parts: an AND of clauses, each an OR of FTS5 phrases (`"cau"`, `"cau"*`, `"nha rong"`).
 * The engine matches and caches clause by clause (the same words come back in query after query), and bm25 is a
 * sum over an expression's phrases, so a rank can be put together from each phrase's.
 */
export type Clauses = string[][];

export interface CompiledQuery extends ParsedQuery {
  /** FTS5 MATCH expression over all columns (undefined: nothing to match, list everything). */
  match?: string;
  /** The same, in parts. */
  clauses?: Clauses;
  /**
   * When the query names something from the synonym list: the match with the names as typed, so that records
   * saying what the visitor said rank above those found only through another name. (bm25 sums over the OR'd
   * names, and would favour a record that happens to use many of them.)
   */
  typedMatch?: string;
  /** The same, in parts. */
  typedClauses?: Clauses;
  /**
   * When the query carries diacritics: the accented words as typed, quoted (`"cầu"`). The records of the match
   * whose exact column holds every one spell the query as typed.
   */
  exactPhrases?: string[];
  /** What to mark in snippets. */
  terms: MatchTerms;
  /** Words that may be typos (see CorrectionSlot). */
  slots: CorrectionSlot[];
}

export interface CompileOptions {
  /** Also widen words the index knows (4+ letters) to their typo neighbours: for a query that found nothing as typed. */
  widenKnown?: boolean;
}

/** A token (or words joined by spaces) as one FTS5 phrase. */
export const quote = (token: string) => `"${token.replace(/"/g, '""')}"`;

export function compileQuery(q: string, vocabulary: Vocabulary, synonyms: SynonymTable, options: CompileOptions = {}): CompiledQuery {
  const parsed = parseQuery(q);
  const tokens = parsed.words.map((w) => w.folded);
  const { typingLast } = parsed;
  const terms: MatchTerms = { exact: new Set(), prefixes: [] };
  const slots: CorrectionSlot[] = [];
  if (tokens.length === 0) return { ...parsed, terms, slots };

  const nodes: Node[] = [];
  for (let i = 0; i < tokens.length; ) {
    const synonym = matchSynonym(tokens, i, synonyms);
    if (synonym) {
      // Still typing the name's last word ("le hoi co" may become "le hoi cong"): keep the prefix too.
      const endsQuery = i + synonym.length === tokens.length && typingLast;
      const typed = tokens.slice(i, i + synonym.length);
      nodes.push({ kind: 'synonyms', typed, phrases: synonym.phrases, ...(endsQuery ? { prefixPhrase: typed } : {}) });
      for (const phrase of [typed, ...synonym.phrases]) for (const t of phrase) terms.exact.add(t);
      if (endsQuery) terms.prefixes.push(typed[typed.length - 1]!);
      i += synonym.length;
      continue;
    }
    const word = tokens[i]!;
    const last = i === tokens.length - 1;
    const prefix = last && typingLast && word.length >= MIN_PREFIX;
    const budget = allowedTypos(word);
    let variants: string[] = [];
    const isWord = vocabulary.has(word);
    const known = isWord || (prefix && vocabulary.hasPrefix(word));
    if (budget > 0 && !known) variants = vocabulary.near(word, budget).slice(0, MAX_VARIANTS);
    else if (budget > 0 && isWord && options.widenKnown) variants = vocabulary.near(word, budget).filter((v) => v !== word).slice(0, MAX_VARIANTS);
    if (variants.length) slots.push({ at: i, candidates: variants.slice(0, MAX_CANDIDATES), required: !known });
    nodes.push({ kind: 'term', word, prefix, variants });
    terms.exact.add(word);
    for (const v of variants) terms.exact.add(v);
    if (prefix) terms.prefixes.push(word);
    i++;
  }

  const phrases = (n: Node): string[] =>
    n.kind === 'term'
      ? [quote(n.word), ...(n.prefix ? [`${quote(n.word)}*`] : []), ...n.variants.map(quote)]
      : [...n.phrases.map((p) => quote(p.join(' '))), ...(n.prefixPhrase ? [`${quote(n.prefixPhrase.join(' '))}*`] : [])];
  const expression = (clauses: Clauses) => `(${clauses.map((c) => `(${c.join(' OR ')})`).join(' AND ')})`;

  // The accented words as typed; not the one still being typed ("cồng chiê"), which no record spells whole.
  const exactPhrases = parsed.words
    .filter((_, i) => !(typingLast && i === parsed.words.length - 1))
    .map((w) => exactForm(parsed.text.slice(w.start, w.end)))
    .filter((w) => fold(w) !== w)
    .map(quote);
  const clauses = nodes.map(phrases);
  const match = expression(clauses);
  const asTyped = (n: Node): Node => (n.kind === 'synonyms' ? { ...n, phrases: [n.typed] } : n);
  const typedClauses = nodes.some((n) => n.kind === 'synonyms') ? nodes.map(asTyped).map(phrases) : undefined;
  return {
    ...parsed,
    match,
    clauses,
    ...(typedClauses ? { typedMatch: expression(typedClauses), typedClauses } : {}),
    ...(exactPhrases.length ? { exactPhrases } : {}),
    terms,
    slots,
  };
}

/** Where the query's words are names from the synonym list: [start, end) word ranges. */
export function synonymRanges(tokens: string[], table: SynonymTable): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < tokens.length; ) {
    const found = matchSynonym(tokens, i, table);
    if (found) ranges.push([i, i + found.length]);
    i += found?.length ?? 1;
  }
  return ranges;
}

function matchSynonym(tokens: string[], at: number, table: SynonymTable): { length: number; phrases: string[][] } | undefined {
  let best: { length: number; phrases: string[][] } | undefined;
  for (const group of table.groups) {
    for (const phrase of group) {
      if (phrase.length > tokens.length - at || (best && phrase.length <= best.length)) continue;
      if (phrase.every((t, k) => tokens[at + k] === t)) {
        best = { length: phrase.length, phrases: withoutCovered(uniquePhrases([phrase, ...group.filter(distinctive)])) };
      }
    }
  }
  return best;
}

/**
 * Drops a phrase that contains another of the list ("cong chieng" when "chieng" is there): it can only match
 * records the shorter one matches, and a phrase costs FTS5 a position check on every candidate.
 */
function withoutCovered(phrases: string[][]): string[][] {
  const inside = (short: string[], long: string[]) =>
    short.length < long.length && long.some((_, i) => i + short.length <= long.length && short.every((t, k) => long[i + k] === t));
  return phrases.filter((p) => !phrases.some((q) => inside(q, p)));
}
