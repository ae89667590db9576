import { describe, expect, it } from 'vitest';
import { correctedQueryText, correctedSearchText, correctionAttempts, correctionFromMatches, spellingsIn } from '@/lib/search/correct';
import { buildSynonymTable, parseQuery } from '@/lib/search/query';
import { SYNONYMS, synonymGroups } from '@/lib/search/synonyms';
import { fold } from '@/lib/search/text';
import { vocab } from '../contract/search.contract';

describe('did you mean (correct.ts)', () => {
  it('tries the likeliest reading of every unknown word first, then one word at a time', () => {
    const attempts = correctionAttempts([
      { at: 1, candidates: ['trau', 'tra', 'tru'], required: true },
      { at: 3, candidates: ['gong', 'song'], required: false },
    ], 4);
    expect(attempts.map((a) => Object.fromEntries(a))).toEqual([
      { 1: 'trau' }, // the unknown word at its likeliest, the known one as typed
      { 1: 'trau', 3: 'gong' }, // then the known word's first neighbour
      { 1: 'tra' }, // then second choices
      { 1: 'trau', 3: 'song' },
    ]);
    expect(correctionAttempts([], 4)).toEqual([]);
  });

  it('runs a correction as whole words, keeping the prefix only of an uncorrected last word', () => {
    const parsed = parseQuery('dam trua');
    expect(correctedSearchText(parsed, new Map([[1, 'trau']]))).toBe('dam trau ');
    expect(correctedSearchText(parseQuery('bufalo sac'), new Map([[0, 'buffalo']]))).toBe('buffalo sac');
  });

  it('writes the correction in the spelling of the query: diacritics from a record if the query has them, capitals kept', () => {
    const trau = new Map([[3, 'trau']]);
    const spellings = spellingsIn(['Lễ hội đâm trâu của người Cơ Tu'], ['trau']);
    expect(spellings.get('trau')).toBe('trâu');
    expect(correctedQueryText(parseQuery('le hoi dam trua'), trau, spellings)).toBe('le hoi dam trau');
    expect(correctedQueryText(parseQuery('Lễ hội đâm trua'), trau, spellings)).toBe('Lễ hội đâm trâu');
    expect(correctedQueryText(parseQuery('Lễ hội đâm Trua'), trau, spellings)).toBe('Lễ hội đâm Trâu');
    expect(correctedQueryText(parseQuery('  Lễ hội, đâm — trua  '), trau, spellings)).toBe('Lễ hội, đâm — trâu');
  });

  describe('from the words hits matched (Meilisearch)', () => {
    const synonyms = buildSynonymTable(synonymGroups(vocab));
    const hit = (...words: string[]) => words;

    it('corrects a word no hit matched as typed to the neighbour most hits matched', () => {
      const matched = [hit('Lễ', 'hội', 'đâm', 'trâu'), hit('lễ', 'hội', 'trâu', 'đâm')];
      expect(correctionFromMatches('le hoi dam trua', matched, synonyms)).toBe('le hoi dam trau');
      expect(correctionFromMatches('Lễ hội đâm trua', matched, synonyms)).toBe('Lễ hội đâm trâu');
      expect(correctionFromMatches('cong chieg', [hit('cồng', 'chiêng'), hit('Cồng', 'chiêng', 'chiếc')], synonyms)).toBe('cong chieng');
    });

    it('leaves a word most hits matched as typed, a prefix being typed, and names from the synonym list', () => {
      expect(correctionFromMatches('le hoi dam trau', [hit('trâu'), hit('trâu'), hit('trâu'), hit('trao')], synonyms)).toBeUndefined();
      expect(correctionFromMatches('buffal', [hit('buffalo')], synonyms)).toBeUndefined();
      // "nha rong" finds the gươl through the synonym list; "rung" (rừng) nearby is not what was meant.
      expect(correctionFromMatches('nha rong', [hit('nhà', 'gươl', 'rừng')], synonyms)).toBeUndefined();
      expect(correctionFromMatches('katu', [hit('Cơ', 'Tu')], synonyms)).toBeUndefined();
    });

    it('offers a commoner neighbour when few hits matched the word as typed', () => {
      const matched = [hit('Buffala'), hit('buffalo'), hit('buffalo'), hit('buffalo')];
      expect(correctionFromMatches('buffala', matched, synonyms)).toBe('buffalo');
      expect(correctionFromMatches('buffala', [hit('buffala')], synonyms)).toBeUndefined();
    });

    it('offers nothing without hits', () => {
      expect(correctionFromMatches('fueral', [], synonyms)).toBeUndefined();
    });
  });
});

describe('synonyms (synonyms.ts)', () => {
  const groups = synonymGroups(vocab);
  const groupOf = (name: string) => groups.find((g) => g.some((n) => fold(n) === fold(name)));

  it('adds the names visitors use to the communities of the vocabulary, in one group each', () => {
    expect(groupOf('Ca Tu')).toEqual(expect.arrayContaining(['Cơ Tu', 'Katu', 'Ka Tu', 'Ca Tu']));
    expect(groupOf('Ca Dong')).toEqual(expect.arrayContaining(['Xơ Đăng', 'Sedang', 'Ca Dong']));
    expect(groupOf("Bh'noong")).toEqual(expect.arrayContaining(['Giẻ Triêng', 'Gie Trieng', 'Ve', "Bh'noong"]));
    expect(groupOf('nhà rông')).toEqual(expect.arrayContaining(['gươl', 'nhà làng', 'communal house']));
    expect(groupOf('tho cam')).toEqual(expect.arrayContaining(['thổ cẩm', 'brocade']));
    expect(groupOf('gong')).toEqual(expect.arrayContaining(['cồng chiêng', 'chiêng', 'gongs']));
  });

  it('never puts a name in two groups', () => {
    const seen = new Map<string, number>();
    groups.forEach((g, i) => {
      for (const name of g) {
        expect(seen.get(fold(name)) ?? i, name).toBe(i);
        seen.set(fold(name), i);
      }
    });
    // Merging works across any order of mention.
    const merged = synonymGroups({ ethnicGroups: [] }, [['a x', 'b y'], ['c z'], ['c z', 'B Y']]);
    expect(merged).toEqual([['a x', 'b y', 'c z', 'B Y']]);
    expect(SYNONYMS.length).toBeGreaterThan(0);
  });
});
