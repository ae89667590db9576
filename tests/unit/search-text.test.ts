import { describe, expect, it } from 'vitest';
import { allowedTypos, boundedDistance, fold, highlight, snippet } from '@/lib/search/text';
import { buildSynonymTable, compileQuery, type Vocabulary } from '@/lib/search/query';

describe('search text', () => {
  it('folds Vietnamese: no diacritics, đ = d, lower case', () => {
    expect(fold('Lễ Hội Đâm Trâu')).toBe('le hoi dam trau');
    expect(fold('Xơ Đăng, Giẻ Triêng')).toBe('xo dang, gie trieng');
  });

  it('allows typos by word length: one from 4 letters, two from 9', () => {
    expect([3, 4, 8, 9].map((n) => allowedTypos('x'.repeat(n)))).toEqual([0, 1, 1, 2]);
    expect(boundedDistance('brocade', 'brocde', 1)).toBe(1);
    expect(boundedDistance('sacrifice', 'sacrfiice', 2)).toBe(1); // a transposition is one typo
    expect(boundedDistance('festival', 'fstivl', 1)).toBe(2); // stops early past the bound
  });

  it('marks matches in the original text', () => {
    const segments = highlight('Lễ hội đâm trâu', { exact: new Set(['dam']), prefixes: ['tra'] });
    expect(segments).toEqual([
      { text: 'Lễ hội ', hit: false },
      { text: 'đâm', hit: true },
      { text: ' ', hit: false },
      { text: 'trâu', hit: true },
    ]);
    const cut = snippet(['một hai ba bốn năm sáu bảy tám chín mười mười một đâm'], { exact: new Set(['dam']), prefixes: [] }, 5);
    expect(cut[0]!.text.startsWith('…')).toBe(true);
    expect(cut.some((s) => s.hit && s.text === 'đâm')).toBe(true);
  });
});

describe('query compilation (embedded engine)', () => {
  const words = ['brocade', 'dam', 'trau', 'le', 'hoi', 'katu'];
  const vocabulary: Vocabulary = {
    has: (t) => words.includes(t),
    hasPrefix: (p) => words.some((w) => w.startsWith(p)),
    near: (w, k) => words.filter((t) => boundedDistance(w, t, k) <= k),
  };
  const synonyms = buildSynonymTable([['Cơ Tu', 'Katu', 'Ka Tu', "C'tu"], ['Co', 'Cor']]);

  it('ANDs folded words and makes the last a prefix while typing', () => {
    expect(compileQuery('Đâm tr', vocabulary, synonyms).match).toBe('(("dam") AND ("tr" OR "tr"*))');
    expect(compileQuery('dam trau ', vocabulary, synonyms).match).toBe('(("dam") AND ("trau"))');
  });

  it('widens an unknown word to index words within its typo budget', () => {
    expect(compileQuery('brocde ', vocabulary, synonyms).match).toContain('"brocade"');
    expect(compileQuery('trua ', vocabulary, synonyms).match).toBe('(("trua" OR "trau"))'); // 4 letters: one typo
    expect(compileQuery('tra ', vocabulary, synonyms).match).toBe('(("tra"))'); // 3 letters: none
    // Each unknown word is a slot for "did you mean": it must be corrected to find anything.
    expect(compileQuery('dam trua ', vocabulary, synonyms).slots).toEqual([{ at: 1, candidates: ['trau'], required: true }]);
  });

  it('takes a known word as meant, and widens it only when asked (a query that found nothing)', () => {
    const known: Vocabulary = { ...vocabulary, has: (t) => t === 'trao' || words.includes(t) };
    expect(compileQuery('dam trao ', known, synonyms).match).toBe('(("dam") AND ("trao"))');
    const wide = compileQuery('dam trao ', known, synonyms, { widenKnown: true });
    expect(wide.match).toBe('(("dam") AND ("trao" OR "trau"))');
    expect(wide.slots).toEqual([{ at: 1, candidates: ['trau'], required: false }]);
  });

  it('ranks a synonym as typed above its other names', () => {
    const katu = compileQuery('katu dam ', vocabulary, synonyms);
    expect(katu.match).toContain('"co tu"');
    expect(katu.typedMatch).toBe('(("katu") AND ("dam"))');
    expect(compileQuery('dam trau', vocabulary, synonyms).typedMatch).toBeUndefined();
  });

  it('keeps where each word stands in the text, for corrections in place', () => {
    const parsed = compileQuery('Lễ  hội, Đâm', vocabulary, synonyms);
    expect(parsed.words.map((w) => [w.folded, parsed.text.slice(w.start, w.end)])).toEqual([
      ['le', 'Lễ'],
      ['hoi', 'hội'],
      ['dam', 'Đâm'],
    ]);
    expect(parsed.typingLast).toBe(true);
  });

  it('expands community names to their distinctive other names, and adds an exact-spelling clause', () => {
    const katu = compileQuery('katu ', vocabulary, synonyms).match!;
    expect(katu).toContain('"co tu"');
    expect(katu).toContain('"ka tu"');
    // "Cor" must not expand to "co", which would match every "có" and "cô".
    expect(compileQuery('cor ', vocabulary, synonyms).match).toBe('(("cor"))');
    // Accented words as typed, all of them, in the original-spelling column: a tier the engine ranks first.
    expect(compileQuery('đâm trâu ', vocabulary, synonyms).exactPhrases).toEqual(['"đâm"', '"trâu"']);
    // Not the word still being typed: no record spells "trâ" whole.
    expect(compileQuery('đâm trâ', vocabulary, synonyms).exactPhrases).toEqual(['"đâm"']);
    expect(compileQuery('dam trau', vocabulary, synonyms).exactPhrases).toBeUndefined();
  });

  it('drops a lone trailing letter and quotes what it passes to FTS5', () => {
    expect(compileQuery('le hoi d', vocabulary, synonyms).match).toBe('(("le") AND ("hoi" OR "hoi"*))');
    expect(compileQuery('"); DROP', vocabulary, synonyms).match).toBe('(("drop" OR "drop"*))');
    expect(compileQuery('  ', vocabulary, synonyms).match).toBeUndefined();
  });
});
