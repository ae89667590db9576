import path from 'node:path';
import { convert } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import { parseRange } from '@/lib/http/range';
import { dublinCoreXml, toDublinCore } from '@/lib/interop/dublin-core';
import { HeritageRecord } from '@/lib/records/schema';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { sampleBody } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));

describe('Dublin Core mapping', () => {
  const record = HeritageRecord.parse({
    ...sampleBody({ status: 'published', languages: ['vie', 'ktv'], recordedOn: '2023-03', heldIn: { calendar: 'lunar', months: [2, 3] } }),
    id: 'abcdefgh',
    media: [{ path: 'files/a.mp4', kind: 'video', digest: 'a'.repeat(128), size: 10, type: 'video/mp4' }],
  });
  const dc = toDublinCore(record, { vocab, siteUrl: 'https://disan.example.org' });

  it('gives titles and descriptions in both languages and the record URL as identifier', () => {
    expect(dc).toEqual(
      expect.arrayContaining([
        { element: 'title', value: 'Lễ hội đâm trâu của người Cơ Tu', lang: 'vi' },
        { element: 'title', value: 'Buffalo sacrifice festival of the Cơ Tu', lang: 'en' },
        { element: 'identifier', value: 'https://disan.example.org/vi/records/abcdefgh/le-hoi-dam-trau' },
        { element: 'type', value: 'Event' },
        { element: 'type', value: 'MovingImage' },
        { element: 'format', value: 'video/mp4' },
        { element: 'language', value: 'vi' },
        { element: 'language', value: 'ktv' },
        { element: 'date', value: '2023-03' },
        { element: 'rights', value: 'http://rightsstatements.org/vocab/InC-EDU/1.0/' },
      ]),
    );
    expect(dc.filter((v) => v.element === 'subject').map((v) => v.value)).toContain('Cơ Tu');
    expect(dc.find((v) => v.element === 'coverage')?.value).toMatch(/Nam Giang/);
  });

  it('serialises to oai_dc XML that parses back with every value', () => {
    const xml = dublinCoreXml(dc);
    const parsed = convert(xml, { format: 'object' }) as Record<string, Record<string, unknown>>;
    const root = parsed['oai_dc:dc']!;
    expect(root['@xmlns:dc']).toBe('http://purl.org/dc/elements/1.1/');
    expect(JSON.stringify(root['dc:title'])).toContain('Lễ hội đâm trâu của người Cơ Tu');
    expect(xml).toContain('xml:lang="en"');
  });
});

describe('HTTP Range', () => {
  it.each([
    [null, 100, { kind: 'none' }],
    ['bytes=0-9', 100, { kind: 'range', range: { start: 0, end: 9 } }],
    ['bytes=90-', 100, { kind: 'range', range: { start: 90, end: 99 } }],
    ['bytes=-10', 100, { kind: 'range', range: { start: 90, end: 99 } }],
    ['bytes=50-500', 100, { kind: 'range', range: { start: 50, end: 99 } }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=9-2', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'none' }],
    ['items=0-1', 100, { kind: 'none' }],
  ])('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
