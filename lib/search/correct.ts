/**
 * "Did you mean": a corrected query, built from the index's own words,
 * offered when a query's words were typos (it found records only through
 * them) or when the words as typed found little.
 *
 * Never a leak: a correction is offered only when it finds a record the
 * viewer may see (the engine checks that with the viewer's access, as for
 * any result), so every word it puts in the box is a word of a record the
 * viewer may already read. Its spelling (with diacritics) is taken from such
 * a record too.
 *
 * Pure functions here; the engines decide which readings find records.
 */
import { parseQuery, synonymRanges, type CorrectionSlot, type ParsedQuery, type SynonymTable } from './query';
import { allowedTypos, boundedDistance, exactForm, fold, words } from './text';

/** The replacement (folded index word) for some of the query's words, by word index. */
export type Corrections = Map<number, string>;

/** "Little": fewer results than this, and a correction that finds more is offered. */
export const FEW_RESULTS = 3;
/** Readings tried per query (each costs the engine one match). */
export const MAX_ATTEMPTS = 3;

/**
 * Readings of a query's possible typos to try, likeliest first: every
 * unknown word as its likeliest index word; then one word at a time moved to
 * its next candidate (second choices before third choices). A known word
 * (not required) is changed only one at a time. At most `max`.
 */
export function correctionAttempts(slots: CorrectionSlot[], max = MAX_ATTEMPTS): Corrections[] {
  const base: Corrections = new Map(slots.filter((s) => s.required).map((s) => [s.at, s.candidates[0]!]));
  const attempts: Corrections[] = base.size ? [base] : [];
  const depth = Math.max(0, ...slots.map((s) => s.candidates.length));
  for (let k = 0; k < depth && attempts.length < max; k++) {
    for (const slot of slots) {
      // A required word's first choice is already in the base reading.
      if (k >= slot.candidates.length || (slot.required && k === 0)) continue;
      attempts.push(new Map(base).set(slot.at, slot.candidates[k]!));
      if (attempts.length >= max) break;
    }
  }
  return attempts;
}

/**
 * The corrected query in folded words, for the engine to run. The last word
 * stays a prefix only if it was one and was not corrected (a correction is a
 * whole word).
 */
export function correctedSearchText(parsed: ParsedQuery, corrections: Corrections): string {
  const last = parsed.words.length - 1;
  const text = parsed.words.map((w, i) => corrections.get(i) ?? w.folded).join(' ');
  return parsed.typingLast && !corrections.has(last) ? text : `${text} `;
}

/** Spellings of folded words as a record writes them ("trau" → "trâu"), first found wins. */
export function spellingsIn(texts: string[], wanted: Iterable<string>): Map<string, string> {
  const missing = new Set(wanted);
  const found = new Map<string, string>();
  for (const text of texts) {
    if (missing.size === 0) break;
    for (const word of words(text)) {
      const folded = fold(word);
      if (!missing.has(folded)) continue;
      found.set(folded, exactForm(word));
      missing.delete(folded);
    }
  }
  return found;
}

/**
 * The query as the visitor typed it, with the corrected words replaced in
 * place. A query typed with diacritics gets the record's spelling
 * ("Lễ hội đâm trâu"); one typed without keeps to folded words
 * ("le hoi dam trau"), as its writer evidently prefers. A capital stays.
 */
export function correctedQueryText(parsed: ParsedQuery, corrections: Corrections, spellings: Map<string, string> = new Map()): string {
  const withDiacritics = fold(parsed.text) !== exactForm(parsed.text);
  let text = parsed.text;
  for (const [at, folded] of [...corrections].sort((a, b) => b[0] - a[0])) {
    const word = parsed.words[at]!;
    const typed = text.slice(word.start, word.end);
    let replacement = withDiacritics ? (spellings.get(folded) ?? folded) : folded;
    if (typed[0] && typed[0] !== typed[0].toLowerCase()) replacement = replacement[0]!.toUpperCase() + replacement.slice(1);
    text = text.slice(0, word.start) + replacement + text.slice(word.end);
  }
  return text.trim();
}

/**
 * For an engine that reports the words each hit matched (Meilisearch's
 * highlights) but not why: a query word that no hit matched as typed, or
 * that fewer than FEW_RESULTS hits matched as typed while more matched one
 * typo-neighbour, is corrected to the neighbour most hits matched. Names from
 * the synonym list are left alone (their hits match other names, not typos).
 * `matched` holds, per hit, the words highlighted in it (original spelling);
 * the hits are the viewer's, so the words are too.
 */
export function correctionFromMatches(q: string, matched: string[][], synonyms: SynonymTable): string | undefined {
  const parsed = parseQuery(q);
  const tokens = parsed.words.map((w) => w.folded);
  const named = new Set(synonymRanges(tokens, synonyms).flatMap(([from, to]) => Array.from({ length: to - from }, (_, k) => from + k)));
  const corrections: Corrections = new Map();
  const spellings = new Map<string, string>();
  tokens.forEach((token, i) => {
    const budget = allowedTypos(token);
    if (budget === 0 || named.has(i)) return;
    const typing = parsed.typingLast && i === tokens.length - 1;
    let asTyped = 0;
    const neighbours = new Map<string, { hits: number; spelling: string }>();
    for (const hitWords of matched) {
      const seen = new Set<string>();
      let exact = false;
      for (const word of hitWords) {
        const folded = fold(word);
        if (folded === token || (typing && folded.startsWith(token))) exact = true;
        else if (!seen.has(folded) && near(token, folded, budget, typing)) {
          seen.add(folded);
          const entry = neighbours.get(folded) ?? { hits: 0, spelling: exactForm(word) };
          entry.hits++;
          neighbours.set(folded, entry);
        }
      }
      if (exact) asTyped++;
    }
    if (asTyped >= FEW_RESULTS) return;
    const best = [...neighbours].sort((a, b) => b[1].hits - a[1].hits || (a[0] < b[0] ? -1 : 1))[0];
    if (!best || best[1].hits <= asTyped) return;
    corrections.set(i, best[0]);
    spellings.set(best[0], best[1].spelling);
  });
  return corrections.size ? correctedQueryText(parsed, corrections, spellings) : undefined;
}

/** Within the typo budget, as a whole word or (for the word being typed) as the start of one. */
function near(token: string, word: string, budget: number, typing: boolean): boolean {
  if (boundedDistance(token, word, budget) <= budget) return true;
  return typing && word.length > token.length && boundedDistance(token, word.slice(0, token.length), budget) <= budget;
}
