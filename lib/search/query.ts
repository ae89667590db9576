/**
 * Turns what a visitor typed into an SQLite FTS5 match expression for the
 * embedded engine:
 *
 *   - every word must match (AND), in folded form (no diacritics, đ = d);
 *   - the last word also matches as a prefix (search as you type);
 *   - a word the index has never seen is widened to the index words within
 *     1 typo (5+ letters) or 2 typos (9+ letters). A word the index knows is
 *     taken as meant, so typo variants never outrank exact matches;
 *   - a community name (Katu, Cơ Tu, Sedang…) matches all its other names;
 *   - when the query carries diacritics, an extra clause on the `exact`
 *     column (original spelling) adds score to records spelled exactly so.
 *     It is ANDed in as `(exact OR last-word)`, which keeps the match set
 *     unchanged while still contributing to bm25.
 */
import { allowedTypos, exactForm, fold, words, type MatchTerms } from './text';

export interface Vocabulary {
  has(term: string): boolean;
  hasPrefix(prefix: string): boolean;
  /** Index terms within `maxTypos` of the word. */
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

type Node = { kind: 'term'; word: string; prefix: boolean; variants: string[] } | { kind: 'synonyms'; phrases: string[][]; prefixPhrase?: string[] };

export interface CompiledQuery {
  /** FTS5 MATCH expression over all columns (undefined: nothing to match, list everything). */
  match?: string;
  /** The match with the exact-spelling clause, for scoring. */
  rankMatch?: string;
  /** The same match restricted to some text columns (the exact-spelling clause included): for ranking in tiers. */
  matchIn?: (columns?: readonly string[]) => string;
  /** What to mark in snippets. */
  terms: MatchTerms;
}

const quote = (token: string) => `"${token.replace(/"/g, '""')}"`;

export function compileQuery(q: string, vocabulary: Vocabulary, synonyms: SynonymTable): CompiledQuery {
  let tokens = words(fold(q)).slice(0, MAX_QUERY_WORDS);
  const terms: MatchTerms = { exact: new Set(), prefixes: [] };
  // A query that ends in a space has its last word complete: no prefix.
  const typingLast = !/\s$/.test(q);
  // One letter typed after other words ("le hoi d") would expand to a tenth of the vocabulary: answer for the words before it.
  if (typingLast && tokens.length > 1 && tokens[tokens.length - 1]!.length < MIN_PREFIX) tokens = tokens.slice(0, -1);
  if (tokens.length === 0) return { terms };

  const nodes: Node[] = [];
  for (let i = 0; i < tokens.length; ) {
    const synonym = matchSynonym(tokens, i, synonyms);
    if (synonym) {
      // Still typing the name's last word ("le hoi co" may become "le hoi cong"): keep the prefix too.
      const endsQuery = i + synonym.length === tokens.length && typingLast;
      const typed = tokens.slice(i, i + synonym.length);
      nodes.push({ kind: 'synonyms', phrases: synonym.phrases, ...(endsQuery ? { prefixPhrase: typed } : {}) });
      for (const phrase of synonym.phrases) for (const t of phrase) terms.exact.add(t);
      if (endsQuery) terms.prefixes.push(typed[typed.length - 1]!);
      i += synonym.length;
      continue;
    }
    const word = tokens[i]!;
    const last = i === tokens.length - 1;
    const prefix = last && typingLast && word.length >= MIN_PREFIX;
    let variants: string[] = [];
    const known = vocabulary.has(word) || (prefix && vocabulary.hasPrefix(word));
    if (!known && allowedTypos(word) > 0) variants = vocabulary.near(word, allowedTypos(word)).slice(0, 20);
    nodes.push({ kind: 'term', word, prefix, variants });
    terms.exact.add(word);
    for (const v of variants) terms.exact.add(v);
    if (prefix) terms.prefixes.push(word);
    i++;
  }

  const node = (n: Node): string =>
    n.kind === 'term'
      ? `(${[quote(n.word), ...(n.prefix ? [`${quote(n.word)}*`] : []), ...n.variants.map(quote)].join(' OR ')})`
      : `(${[...n.phrases.map((p) => quote(p.join(' '))), ...(n.prefixPhrase ? [`${quote(n.prefixPhrase.join(' '))}*`] : [])].join(' OR ')})`;

  const folded = nodes.map(node).join(' AND ');
  const exactWords = words(exactForm(q))
    .slice(0, MAX_QUERY_WORDS)
    .filter((w) => fold(w) !== w);
  // No column filter means all columns: the exact column only repeats the strong fields' words, so the match set is the
  // same, and FTS5 skips position checks (measured 5x faster on common words).
  const matchIn = (columns?: readonly string[]) => {
    const filter = columns ? `{${columns.join(' ')}} : ` : '';
    const inColumns = `${filter}(${folded})`;
    return exactWords.length
      ? `${inColumns} AND ({exact} : (${exactWords.map(quote).join(' OR ')}) OR ${filter}${node(nodes[nodes.length - 1]!)})`
      : inColumns;
  };
  // Which records match does not depend on the exact-spelling clause, only their score: finding them skips it.
  return { match: `(${folded})`, rankMatch: matchIn(), matchIn, terms };
}

function matchSynonym(tokens: string[], at: number, table: SynonymTable): { length: number; phrases: string[][] } | undefined {
  let best: { length: number; phrases: string[][] } | undefined;
  for (const group of table.groups) {
    for (const phrase of group) {
      if (phrase.length > tokens.length - at || (best && phrase.length <= best.length)) continue;
      if (phrase.every((t, k) => tokens[at + k] === t)) {
        best = { length: phrase.length, phrases: uniquePhrases([phrase, ...group.filter(distinctive)]) };
      }
    }
  }
  return best;
}
