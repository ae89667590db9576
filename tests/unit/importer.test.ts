import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importItems, readCsv, readFolder } from '@/lib/records/importer';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { ROOT } from '../helpers/cli';
import { operator, tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
let archive: TempArchive;
let src: string;
beforeEach(async () => {
  archive = await tempArchive();
  src = path.join(archive.dir, 'import');
  await fs.mkdir(src, { recursive: true });
});
afterEach(async () => archive.cleanup());

const HEADER =
  'slug,type,title_vi,title_en,description_vi,description_en,ethnic_groups,district,lat,lon,calendar,months,subjects,languages,rights_uri,access,status,files';
const PNG_1PX = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

async function writeCsv(rows: string[]): Promise<string> {
  const file = path.join(src, 'records.csv');
  await fs.writeFile(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
}

const goodRow = (slug: string, title = 'Lễ hội đâm trâu') =>
  `${slug},festival,${title},Buffalo festival,"Lễ hội lớn, của làng.",The big one.,co-tu;gie-trieng,nam-giang,15.75,107.6,lunar,1;2,,vie;ktv,http://rightsstatements.org/vocab/InC-EDU/1.0/,public,published,anh.png;loi-ke.vtt`;

describe('import', () => {
  it('reports every problem of a CSV by row and column, and a dry run writes nothing', async () => {
    await fs.writeFile(path.join(src, 'anh.png'), PNG_1PX);
    await fs.writeFile(path.join(src, 'loi-ke.vtt'), 'WEBVTT\n\n00:00.000 --> 00:02.000\nLời kể\n');
    await fs.writeFile(path.join(src, 'fake.jpg'), 'not really a photo');
    await fs.writeFile(path.join(src, 'noise.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 7, 200, 13, 0]));
    const file = await writeCsv([
      goodRow('le-hoi-dam-trau'),
      'Bad Slug,festivalx,,Title,,,katu,atlantis,95,107,lunar,13,,vi,all rights reserved,secret,published,missing.mp4;fake.jpg;noise.bin',
    ]);
    const before = await archive.keys();
    const outcomes = await importItems(archive.records, readCsv(file), { vocab, user: operator, dryRun: true });
    expect(outcomes[0]).toMatchObject({ status: 'created', slug: 'le-hoi-dam-trau', problems: [] });
    expect(outcomes[1]!.status).toBe('invalid');
    const problems = outcomes[1]!.problems.map((p) => `${outcomes[1]!.source} ${p.field}`);
    for (const column of ['slug', 'type', 'title_vi', 'description_vi', 'rights_uri', 'access', 'months', 'lat', 'languages']) {
      expect(problems, column).toContain(`records.csv row 3 column ${column}`);
    }
    expect(outcomes[1]!.problems.map((p) => p.message).join('\n')).toMatch(/missing\.mp4: tệp không có trong tệp zip hoặc thư mục đã gửi/);
    expect(outcomes[1]!.problems.map((p) => p.message).join('\n')).toMatch(/fake\.jpg: named like image\/jpeg but its content is text\/plain/);
    expect(outcomes[1]!.problems.map((p) => p.message).join('\n')).toMatch(/noise\.bin: not a kind of file the archive keeps/);
    expect(await archive.keys()).toEqual(before);
  });

  it('reports unknown vocabulary and unknown columns', async () => {
    const file = path.join(src, 'vocab.csv');
    await fs.writeFile(
      file,
      'slug,type,title_vi,description_vi,ethnic_groups,district,rights_uri,colour\nx,craft,Đan gùi,Mô tả,katu,atlantis,http://rightsstatements.org/vocab/InC/1.0/,red\n',
    );
    const [outcome] = await importItems(archive.records, readCsv(file), { vocab, user: operator, dryRun: true });
    expect(outcome!.problems).toEqual(
      expect.arrayContaining([
        { field: 'column colour', message: 'unknown column' },
        { field: 'column ethnic_groups', message: 'unknown ethnic group "katu"' },
        { field: 'column district', message: 'unknown district "atlantis"' },
      ]),
    );
  });

  it('imports a CSV with its files, and importing it again changes nothing', async () => {
    await fs.writeFile(path.join(src, 'anh.png'), PNG_1PX);
    await fs.writeFile(path.join(src, 'loi-ke.vtt'), 'WEBVTT\n\n00:00.000 --> 00:02.000\nLời kể\n');
    const file = await writeCsv([goodRow('le-hoi-dam-trau'), goodRow('mua-tung-tung', 'Múa tung tung da dá')]);
    const first = await importItems(archive.records, readCsv(file), { vocab, user: operator });
    expect(first.map((o) => o.status)).toEqual(['created', 'created']);
    const stored = await archive.records.require(first[0]!.id!);
    expect(stored.record).toMatchObject({ ethnicGroups: ['co-tu', 'gie-trieng'], heldIn: { calendar: 'lunar', months: [1, 2] }, languages: ['vie', 'ktv'] });
    expect(stored.record.media.map((m) => [m.path, m.type, m.kind])).toEqual([
      ['files/anh.png', 'image/png', 'image'],
      ['files/loi-ke.vtt', 'text/vtt', 'caption'],
    ]);
    const keys = await archive.keys();
    const again = await importItems(archive.records, readCsv(file), { vocab, user: operator });
    expect(again.map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
    expect(await archive.keys()).toEqual(keys);

    await writeCsv([goodRow('le-hoi-dam-trau', 'Lễ hội đâm trâu (sửa)'), goodRow('mua-tung-tung', 'Múa tung tung da dá')]);
    const edited = await importItems(archive.records, readCsv(file), { vocab, user: operator });
    expect(edited.map((o) => o.status)).toEqual(['updated', 'unchanged']);
    expect(edited[0]!.version).toBe(2);
  });

  it('imports folders of record.json plus files', async () => {
    const folder = path.join(src, 'chieng');
    await fs.mkdir(path.join(folder, 'files'), { recursive: true });
    await fs.writeFile(
      path.join(folder, 'record.json'),
      JSON.stringify({
        slug: 'chieng-co-tu',
        type: 'music',
        title: { vi: 'Chiêng Cơ Tu', en: 'Cơ Tu gongs' },
        description: { vi: 'Bộ chiêng của làng.' },
        ethnicGroups: ['co-tu'],
        rights: { uri: 'https://creativecommons.org/licenses/by-nc/4.0/' },
        access: { level: 'public' },
      }),
    );
    await fs.writeFile(path.join(folder, 'files', 'anh.png'), PNG_1PX);
    const outcomes = await importItems(archive.records, readFolder(src), { vocab, user: operator });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'created', slug: 'chieng-co-tu' })]);
    expect((await archive.records.require(outcomes[0]!.id!)).record.media.map((m) => m.path)).toEqual(['files/anh.png']);
  });
});
