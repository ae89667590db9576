/** Studio bulk import: staging a CSV and a zip, a dry run by row and column, then an idempotent import. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { importTemplate, readReport, runImport, stageImport } from '@/lib/studio/bulk-import';
import { ROOT } from '../helpers/cli';
import { tempArchive, type TempArchive } from '../helpers/temp-archive';

let temp: TempArchive;
let archive: Archive;
const officer = { name: 'can-bo', viewer: { kind: 'user', id: 'can-bo', roles: ['officer'], communities: [] } as Viewer };
const reviewer = { name: 'duyet', viewer: { kind: 'user', id: 'duyet', roles: ['reviewer'], communities: [] } as Viewer };
let zipBytes: Buffer;

beforeAll(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir }), store: temp.store, records: temp.records, vocab: loadVocabularies(path.join(ROOT, 'content')) };
  const files = path.join(temp.dir, 'zip-src');
  await fs.mkdir(files, { recursive: true });
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a3272f' } }).jpeg().toFile(path.join(files, 'anh-1.jpg'));
  execFileSync('python3', ['-c', `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write(sys.argv[2],'anh-1.jpg'); z.close()`, path.join(temp.dir, 'media.zip'), path.join(files, 'anh-1.jpg')]);
  zipBytes = await fs.readFile(path.join(temp.dir, 'media.zip'));
});
afterAll(async () => temp?.cleanup());

const header = 'slug,type,title_vi,title_en,description_vi,ethnic_groups,district,rights_uri,access,status,files';
const csvFile = (rows: string[]) => new File([[header, ...rows].join('\n')], 'records.csv', { type: 'text/csv' });

describe('studio bulk import', () => {
  it('offers a template whose columns the importer reads', () => {
    const [columns] = importTemplate().slice(1).split('\n');
    expect(columns).toContain('slug,type,title_vi');
    expect(columns).toContain('files');
  });

  it('checks first, reporting every problem by row and column without writing, then imports, and a re-run changes nothing', async () => {
    const rows = [
      'dan-gui-co-tu,craft,Đan gùi,Basketry,Nghề đan gùi của người Cơ Tu.,co-tu,tay-giang,http://rightsstatements.org/vocab/InC-EDU/1.0/,public,draft,anh-1.jpg',
      'sai,craft,,Bad,,katu,tay-giang,khong-ro,public,published,khong-co.jpg',
    ];
    const before = await temp.keys('records/');
    const id = await stageImport(archive, officer, csvFile(rows), new File([new Uint8Array(zipBytes)], 'media.zip'));
    const check = await runImport(archive, officer, id, true);
    const problems = check.outcomes[1]!.problems.map((p) => `${check.outcomes[1]!.source} ${p.field}`);
    expect(problems).toEqual(
      expect.arrayContaining(['records.csv row 3 column title_vi', 'records.csv row 3 column description_vi', 'records.csv row 3 column rights_uri', 'records.csv row 3 column files']),
    );
    expect(check.outcomes[0]!.status).toBe('created');
    expect(await temp.keys('records/')).toEqual(before);
    expect((await readReport(archive, id, officer.viewer))?.dryRun).toBe(true);

    const good = await stageImport(archive, officer, csvFile([rows[0]!]), new File([new Uint8Array(zipBytes)], 'media.zip'));
    const done = await runImport(archive, officer, good, false);
    expect(done.outcomes.map((o) => o.status)).toEqual(['created']);
    const stored = await temp.records.require(done.outcomes[0]!.id!);
    expect(stored.record.media.map((m) => [m.path, m.type])).toEqual([['files/anh-1.jpg', 'image/jpeg']]);
    const again = await runImport(archive, officer, good, false);
    expect(again.outcomes.map((o) => o.status)).toEqual(['unchanged']);
  });

  it('lets only reviewers import published records', async () => {
    const row = 'cong-bo-ngay,craft,Đan gùi 2,Basketry 2,Mô tả.,co-tu,tay-giang,http://rightsstatements.org/vocab/InC-EDU/1.0/,public,published,';
    const id = await stageImport(archive, officer, csvFile([row]), undefined);
    const byOfficer = await runImport(archive, officer, id, true);
    expect(byOfficer.outcomes[0]!.problems).toEqual([{ field: 'column status', message: expect.stringMatching(/only reviewers may import records as published$/) }]);
    // A staging belongs to whoever made it: the reviewer stages the same CSV themselves.
    const byReviewer = await runImport(archive, reviewer, await stageImport(archive, reviewer, csvFile([row]), undefined), true);
    expect(byReviewer.outcomes[0]!.status).toBe('created');
  });

  it('refuses a zip whose entries would escape the staging folder', async () => {
    const evil = path.join(temp.dir, 'evil.zip');
    execFileSync('python3', ['-c', `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('../../escape.txt','x'); z.close()`, evil]);
    await expect(stageImport(archive, officer, csvFile([]), new File([new Uint8Array(await fs.readFile(evil))], 'evil.zip'))).rejects.toThrow(/tên tệp không an toàn/);
    await expect(fs.access(path.join(temp.dir, 'escape.txt'))).rejects.toThrow();
  });
});
