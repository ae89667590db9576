import { describe, expect, it } from 'vitest';
import { allowedTypos, boundedDistance, fold, highlight, snippet } from '@/lib/search/text';
import { buildSynonymTable, compileQuery, type Vocabulary } from '@/lib/search/query';

describe('search text', () => {
  it('folds Vietnamese: no diacritics, đ = d, lower case', () => {
    expect(fold('Lễ Hội Đâm Trâu')).toBe('le hoi dam trau');
    expect(fold('Xơ Đăng, Giẻ Triêng')).toBe('xo dang, gie trieng');
  });

  it('allows typos by word length, like Meilisearch', () => {
    expect([4, 5, 8, 9].map((n) => allowedTypos('x'.repeat(n)))).toEqual([0, 1, 1, 2]);
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
    expect(compileQuery('trua ', vocabulary, synonyms).match).not.toContain('"trau"'); // 4 letters: no typos
  });

  it('expands community names to their distinctive other names, and adds an exact-spelling clause', () => {
    const katu = compileQuery('katu ', vocabulary, synonyms).match!;
    expect(katu).toContain('"co tu"');
    expect(katu).toContain('"ka tu"');
    // "Cor" must not expand to "co", which would match every "có" and "cô".
    expect(compileQuery('cor ', vocabulary, synonyms).match).toBe('(("cor"))');
    expect(compileQuery('đâm trâu', vocabulary, synonyms).rankMatch).toContain('{exact} : ("đâm" OR "trâu")');
  });

  it('drops a lone trailing letter and quotes what it passes to FTS5', () => {
    expect(compileQuery('le hoi d', vocabulary, synonyms).match).toBe('(("le") AND ("hoi" OR "hoi"*))');
    expect(compileQuery('"); DROP', vocabulary, synonyms).match).toBe('(("drop" OR "drop"*))');
    expect(compileQuery('  ', vocabulary, synonyms).match).toBeUndefined();
  });
});
