import { describe, expect, it } from 'vitest';
import { citeRecord, escapeBibtex } from '@/lib/interop/citation';
import { HeritageRecord, type HeritageRecordInput } from '@/lib/records/schema';

const consent = { given: true };
const base = {
  status: 'draft',
  languages: ['vie'],
  rights: { uri: 'https://creativecommons.org/publicdomain/mark/1.0/' },
  access: { level: 'public' },
} satisfies Partial<HeritageRecordInput>;

const decree = HeritageRecord.parse({
  ...base,
  id: 'a1b2c3d4',
  slug: 'nghi-dinh-05-2011-nd-cp',
  type: 'document',
  title: { vi: 'Nghị định số 05/2011/NĐ-CP về công tác dân tộc', en: 'Decree 05/2011/NĐ-CP on ethnic affairs' },
  description: { vi: 'Nghị định về công tác dân tộc.' },
  document: { number: '05/2011/NĐ-CP', kind: 'nghi-dinh', issuer: { vi: 'Chính phủ', en: 'Government of Viet Nam' }, issuedOn: '2011-01-14' },
} satisfies HeritageRecordInput);

const festival = HeritageRecord.parse({
  ...base,
  id: 'k7m8n9p0',
  slug: 'le-hoi-dam-trau-co-tu',
  type: 'festival',
  title: { vi: 'Lễ hội đâm trâu của người Cơ Tu', en: 'Co Tu buffalo sacrifice festival' },
  description: { vi: 'Lễ hội cộng đồng.' },
  recordedOn: '2019-03',
  people: [
    { name: 'Alăng Ngước', roles: ['recorder'], consent },
    // An elder is a source, not an author.
    { name: 'Bhriu Liếc', roles: ['elder', 'informant'], consent },
    { name: 'Trần Thị Hoa', roles: ['researcher'], consent },
  ],
} satisfies HeritageRecordInput);

// 18:30 UTC on 4 March is 01:30 on 5 March in Hà Nội: the archive's day counts.
const opts = { siteUrl: 'https://disan.example.org/', accessed: new Date('2026-03-04T18:30:00Z') };
const stored = (record: HeritageRecord) => ({ record, created: '2024-12-31T20:00:00Z', modified: '2026-03-01T02:00:00Z' });

describe('citeRecord: a document', () => {
  it('cites in Vietnamese with the issuer as author and the issue date', () => {
    expect(citeRecord(stored(decree), { ...opts, locale: 'vi' })).toEqual({
      apa: 'Chính phủ. (2011, ngày 14 tháng 1). Nghị định số 05/2011/NĐ-CP về công tác dân tộc. Di Sản. Truy xuất ngày 5 tháng 3 năm 2026, từ https://disan.example.org/vi/records/a1b2c3d4/nghi-dinh-05-2011-nd-cp',
      chicago:
        'Chính phủ. “Nghị định số 05/2011/NĐ-CP về công tác dân tộc.” Di Sản, ngày 14 tháng 1 năm 2011. Cập nhật lần cuối ngày 1 tháng 3 năm 2026. Truy cập ngày 5 tháng 3 năm 2026. https://disan.example.org/vi/records/a1b2c3d4/nghi-dinh-05-2011-nd-cp.',
      bibtex: [
        '@misc{disan-a1b2c3d4,',
        '  author = {{Chính phủ}},',
        '  title = {{Nghị định số 05/2011/NĐ-CP về công tác dân tộc}},',
        '  date = {2011-01-14},',
        '  howpublished = {Di Sản},',
        '  note = {Số hiệu 05/2011/NĐ-CP},',
        '  url = {https://disan.example.org/vi/records/a1b2c3d4/nghi-dinh-05-2011-nd-cp},',
        '  urldate = {2026-03-05},',
        '  langid = {vietnamese},',
        '}',
      ].join('\n'),
    });
  });

  it('cites in English', () => {
    expect(citeRecord(stored(decree), { ...opts, locale: 'en' })).toEqual({
      apa: 'Government of Viet Nam. (2011, January 14). Decree 05/2011/NĐ-CP on ethnic affairs. Di Sản. Retrieved March 5, 2026, from https://disan.example.org/en/records/a1b2c3d4/nghi-dinh-05-2011-nd-cp',
      chicago:
        'Government of Viet Nam. “Decree 05/2011/NĐ-CP on ethnic affairs.” Di Sản, January 14, 2011. Last modified March 1, 2026. Accessed March 5, 2026. https://disan.example.org/en/records/a1b2c3d4/nghi-dinh-05-2011-nd-cp.',
      bibtex: [
        '@misc{disan-a1b2c3d4,',
        '  author = {{Government of Viet Nam}},',
        '  title = {{Decree 05/2011/NĐ-CP on ethnic affairs}},',
        '  date = {2011-01-14},',
        '  howpublished = {Di Sản},',
        '  note = {No. 05/2011/NĐ-CP},',
        '  url = {https://disan.example.org/en/records/a1b2c3d4/nghi-dinh-05-2011-nd-cp},',
        '  urldate = {2026-03-05},',
        '  langid = {english},',
        '}',
      ].join('\n'),
    });
  });

  it('adds the number when the title does not carry it', () => {
    const plan = HeritageRecord.parse({
      ...decree,
      slug: 'ke-hoach-bao-ton',
      title: { vi: 'Kế hoạch bảo tồn văn hóa' },
      document: { ...decree.document!, number: '5538/KH-UBND', kind: 'ke-hoach', issuer: { vi: 'UBND tỉnh Quảng Nam' }, issuedOn: '2021-09' },
    });
    const { apa, chicago } = citeRecord(stored(plan), { ...opts, locale: 'en' });
    expect(apa).toBe(
      'UBND tỉnh Quảng Nam. (2021, September). Kế hoạch bảo tồn văn hóa (No. 5538/KH-UBND). Di Sản. Retrieved March 5, 2026, from https://disan.example.org/en/records/a1b2c3d4/ke-hoach-bao-ton',
    );
    expect(chicago).toBe(
      'UBND tỉnh Quảng Nam. “Kế hoạch bảo tồn văn hóa (No. 5538/KH-UBND).” Di Sản, September 2021. Last modified March 1, 2026. Accessed March 5, 2026. https://disan.example.org/en/records/a1b2c3d4/ke-hoach-bao-ton.',
    );
  });
});

describe('citeRecord: a heritage record', () => {
  it('credits authors, recorders and researchers, not elders, in Vietnamese', () => {
    expect(citeRecord(stored(festival), { ...opts, locale: 'vi' })).toEqual({
      apa: 'Alăng Ngước, & Trần Thị Hoa. (2019, tháng 3). Lễ hội đâm trâu của người Cơ Tu [Hồ sơ di sản]. Di Sản. Truy xuất ngày 5 tháng 3 năm 2026, từ https://disan.example.org/vi/records/k7m8n9p0/le-hoi-dam-trau-co-tu',
      chicago:
        'Alăng Ngước và Trần Thị Hoa. “Lễ hội đâm trâu của người Cơ Tu.” Di Sản, tháng 3 năm 2019. Cập nhật lần cuối ngày 1 tháng 3 năm 2026. Truy cập ngày 5 tháng 3 năm 2026. https://disan.example.org/vi/records/k7m8n9p0/le-hoi-dam-trau-co-tu.',
      bibtex: [
        '@misc{disan-k7m8n9p0,',
        '  author = {{Alăng Ngước} and {Trần Thị Hoa}},',
        '  title = {{Lễ hội đâm trâu của người Cơ Tu}},',
        '  date = {2019-03},',
        '  howpublished = {Di Sản},',
        '  type = {Hồ sơ di sản},',
        '  url = {https://disan.example.org/vi/records/k7m8n9p0/le-hoi-dam-trau-co-tu},',
        '  urldate = {2026-03-05},',
        '  langid = {vietnamese},',
        '}',
      ].join('\n'),
    });
  });

  it('cites in English', () => {
    expect(citeRecord(stored(festival), { ...opts, locale: 'en' })).toEqual({
      apa: 'Alăng Ngước, & Trần Thị Hoa. (2019, March). Co Tu buffalo sacrifice festival [Heritage record]. Di Sản. Retrieved March 5, 2026, from https://disan.example.org/en/records/k7m8n9p0/le-hoi-dam-trau-co-tu',
      chicago:
        'Alăng Ngước and Trần Thị Hoa. “Co Tu buffalo sacrifice festival.” Di Sản, March 2019. Last modified March 1, 2026. Accessed March 5, 2026. https://disan.example.org/en/records/k7m8n9p0/le-hoi-dam-trau-co-tu.',
      bibtex: [
        '@misc{disan-k7m8n9p0,',
        '  author = {{Alăng Ngước} and {Trần Thị Hoa}},',
        '  title = {{Co Tu buffalo sacrifice festival}},',
        '  date = {2019-03},',
        '  howpublished = {Di Sản},',
        '  type = {Heritage record},',
        '  url = {https://disan.example.org/en/records/k7m8n9p0/le-hoi-dam-trau-co-tu},',
        '  urldate = {2026-03-05},',
        '  langid = {english},',
        '}',
      ].join('\n'),
    });
  });

  it('falls back to the archive as author, the created year (Hà Nội time) and the Vietnamese title', () => {
    const anonymous = HeritageRecord.parse({
      ...festival,
      title: { vi: 'Nghề dệt thổ cẩm Cơ Tu' },
      recordedOn: undefined,
      people: [{ name: 'Bhriu Liếc', roles: ['elder'], consent }],
    });
    // Created 20:00 UTC on 31 December 2024 = 1 January 2025 in Hà Nội.
    const { apa, chicago, bibtex } = citeRecord(stored(anonymous), { ...opts, locale: 'en' });
    expect(apa).toBe(
      "Di Sản – Heritage Archive of Quảng Nam's Ethnic Minorities. (2025). Nghề dệt thổ cẩm Cơ Tu [Heritage record]. Retrieved March 5, 2026, from https://disan.example.org/en/records/k7m8n9p0/le-hoi-dam-trau-co-tu",
    );
    expect(chicago).toBe(
      "Di Sản – Heritage Archive of Quảng Nam's Ethnic Minorities. “Nghề dệt thổ cẩm Cơ Tu.” Di Sản, 2025. Last modified March 1, 2026. Accessed March 5, 2026. https://disan.example.org/en/records/k7m8n9p0/le-hoi-dam-trau-co-tu.",
    );
    expect(bibtex).toContain("  author = {{Di Sản – Heritage Archive of Quảng Nam's Ethnic Minorities}},\n");
    expect(bibtex).toContain('  date = {2025},\n');
    // The title is Vietnamese even on the English page.
    expect(bibtex).toContain('  langid = {vietnamese},\n');
    expect(citeRecord(stored(anonymous), { ...opts, locale: 'vi' }).apa).toMatch(/^Di Sản – Kho di sản văn hóa các dân tộc thiểu số Quảng Nam\. \(2025\)\. /);
  });

  it('does not double the full stop after a title ending in punctuation', () => {
    const question = HeritageRecord.parse({ ...festival, title: { vi: 'Ai giữ lửa nhà Gươl?' } });
    expect(citeRecord(stored(question), { ...opts, locale: 'vi' }).chicago).toContain('“Ai giữ lửa nhà Gươl?” Di Sản,');
  });
});

describe('BibTeX escaping', () => {
  it('escapes LaTeX specials once and keeps diacritics', () => {
    expect(escapeBibtex('50% {Cơ Tu} & Tà Riềng $5 #1 a_b ~x^2 C:\\dir')).toBe(
      '50\\% \\{Cơ Tu\\} \\& Tà Riềng \\$5 \\#1 a\\_b \\textasciitilde{}x\\textasciicircum{}2 C:\\textbackslash{}dir',
    );
  });

  it('escapes fields but not the URL, and braces each name', () => {
    const odd = HeritageRecord.parse({
      ...festival,
      title: { vi: 'Cồng & chiêng: 100% {mộc} #1_a' },
      people: [
        { name: 'Sở Văn hóa, Thể thao and Du lịch', roles: ['author'], consent },
        { name: 'Y_Nhi', roles: ['recorder'], consent },
      ],
    });
    const { bibtex } = citeRecord(stored(odd), { ...opts, locale: 'vi' });
    expect(bibtex).toContain('  author = {{Sở Văn hóa, Thể thao and Du lịch} and {Y\\_Nhi}},\n');
    expect(bibtex).toContain('  title = {{Cồng \\& chiêng: 100\\% \\{mộc\\} \\#1\\_a}},\n');
    expect(bibtex).toContain('  url = {https://disan.example.org/vi/records/k7m8n9p0/le-hoi-dam-trau-co-tu},\n');
    // Braces stay balanced, so the entry parses.
    const unescaped = bibtex.replace(/\\[{}]/g, '');
    expect(unescaped.split('{').length).toBe(unescaped.split('}').length);
  });
});
