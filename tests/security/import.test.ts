/**
 * Issue #11, classes 1–3: bulk import from the studio is confined to what the
 * importing person sent and may touch.
 *
 *  1. Only entries of the uploaded zip (or of the import folder) are read:
 *     absolute paths, `..`, links and other records' files in the store are
 *     refused by row and column, with the same words as a missing file and
 *     never a server path.
 *  2. A row whose slug names an existing record passes the editor's decision
 *     (`edit` on that record, and the level/status it would get); a slug the
 *     person may not see reads exactly like one they see but may not edit.
 *  3. Permission is checked before anything reaches the disk, and zips are
 *     bounded (entries, total size, ratio, links, unsafe names).
 *
 * These run in-process against a temporary archive (no server needed), so
 * they are quick; they sit in tests/security with the rest of the issue's
 * adversarial suite.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '@/lib/access/policy';
import type { Archive } from '@/lib/archive';
import { parseConfig } from '@/lib/config';
import { importItems, readFolder, type ImportOutcome } from '@/lib/records/importer';
import { loadVocabularies } from '@/lib/records/vocabularies';
import { readReport, runImport, stageImport } from '@/lib/studio/bulk-import';
import { ROOT } from '../helpers/cli';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

const vocab = loadVocabularies(path.join(ROOT, 'content'));
const user = (id: string, roles: ('officer' | 'reviewer' | 'researcher' | 'admin')[], communities: string[]) => ({
  name: id,
  viewer: { kind: 'user', id, roles, communities } as Viewer,
});
const officerXoDang = user('can-bo-xo-dang', ['officer'], ['xo-dang']);
const officerCoTu = user('can-bo-co-tu', ['officer'], ['co-tu']);
const researcher = user('nha-nghien-cuu', ['researcher'], []);

let temp: TempArchive;
let archive: Archive;
/** The Cơ Tu restricted, published record and the store path of its caption (what an attacker would aim at). */
let secret: { id: string; captionOnDisk: string };
/** A public published record every officer sees but none may edit (officers edit drafts only). */
let visibleId: string;
/** A Cơ Tu draft the Cơ Tu officer may edit. */
let draftId: string;

const SECRET_TEXT = 'WEBVTT\n\n00:00.000 --> 00:02.000\nLời kể chỉ người Cơ Tu được nghe\n';

beforeAll(async () => {
  temp = await tempArchive();
  archive = { config: parseConfig({ DATA_DIR: temp.dir }), store: temp.store, records: temp.records, vocab };
  const restricted = await temp.records.create({
    body: sampleBody({ slug: 'nghi-le-co-tu-rieng', access: { level: 'community', communities: ['co-tu'] }, status: 'published' }),
    files: [{ name: 'loi-ke.vtt', body: Buffer.from(SECRET_TEXT), contentType: 'text/vtt', kind: 'caption' }],
    user: operator,
  });
  const captionOnDisk = path.join(temp.dir, 'store', 'records', restricted.record.id, 'v1', 'content', 'files', 'loi-ke.vtt');
  await fs.access(captionOnDisk); // the attack below is only meaningful if the file is really there
  secret = { id: restricted.record.id, captionOnDisk };
  visibleId = (await temp.records.create({ body: sampleBody({ slug: 'dan-gui-cong-khai', status: 'published' }), user: operator })).record.id;
  draftId = (await temp.records.create({ body: sampleBody({ slug: 'ban-nhap-co-tu', access: { level: 'community', communities: ['co-tu'] } }), user: operator })).record.id;
});
afterAll(async () => temp?.cleanup());

const HEADER = 'slug,type,title_vi,title_en,description_vi,ethnic_groups,district,rights_uri,access,communities,status,files';
interface Row {
  slug: string;
  access?: string;
  communities?: string;
  status?: string;
  files?: string;
  group?: string;
}
const row = (r: Row) =>
  [r.slug, 'craft', 'Đan gùi', 'Basketry', 'Nghề đan gùi.', r.group ?? 'xo-dang', 'tay-giang', 'http://rightsstatements.org/vocab/InC-EDU/1.0/', r.access ?? 'public', r.communities ?? '', r.status ?? 'draft', r.files ?? ''].join(',');
const csvFile = (rows: Row[]) => new File([[HEADER, ...rows.map(row)].join('\n')], 'records.csv', { type: 'text/csv' });

interface ZipEntry {
  name: string;
  data: Buffer;
  mode?: number;
  /** Store without compressing (quicker to build thousands of tiny entries). */
  store?: boolean;
}
async function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { ...(e.mode === undefined ? {} : { mode: e.mode }), compress: !e.store });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
const zipFile = (bytes: Buffer) => new File([new Uint8Array(bytes)], 'media.zip', { type: 'application/zip' });

/** yazl refuses unsafe names, as it should; an attacker's tool does not. Same-length byte patching of the name fields. */
function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  let n = 0;
  while (at !== -1) {
    Buffer.from(to).copy(out, at);
    n++;
    at = out.indexOf(needle, at + 1);
  }
  expect(n).toBe(2); // local header and central directory
  return out;
}

const WEBVTT = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nXin chào\n');

async function importsDirEntries(a: Archive = archive): Promise<string[]> {
  return fs.readdir(path.join(a.config.dataDir, 'imports')).catch(() => []);
}

/** Every message of every outcome: none may show where the server keeps things, nor a stack. */
function expectNoServerPaths(outcomes: ImportOutcome[], typed: string[] = []) {
  for (const o of outcomes) {
    for (const p of o.problems) {
      let text = `${p.field} ${p.message}`;
      for (const t of typed) text = text.split(t).join('«typed»'); // what the person typed may be echoed back
      expect(text).not.toContain(temp.dir);
      expect(text).not.toContain('/imports/');
      expect(text).not.toMatch(/\n\s+at /);
    }
  }
}

describe('class 1: the files column reads only entries of the uploaded zip', () => {
  const attacks = () => [
    '/etc/os-release',
    '../../../../../../../../../../etc/os-release',
    secret.captionOnDisk,
    `../../../../../../../../../..${secret.captionOnDisk}`,
    'a/../../records.csv',
    'link.vtt',
  ];

  it('refuses absolute paths, .., other records’ files and links by row and column, with the same words as a missing file', async () => {
    const typed = [...attacks(), 'khong-co.vtt'];
    const csv = csvFile(typed.map((f, i) => ({ slug: `thu-tep-${i}`, files: f })));
    const id = await stageImport(archive, officerXoDang, csv, zipFile(await zipOf([{ name: 'loi-chao.vtt', data: WEBVTT }])));
    // An extractor that honoured links would have left one; the importer must not follow it either.
    const staged = (await fs.readdir(path.join(archive.config.dataDir, 'imports', id), { recursive: true })) as string[];
    const filesDir = staged.some((f) => f === path.join('files', 'loi-chao.vtt')) ? path.join(archive.config.dataDir, 'imports', id, 'files') : path.join(archive.config.dataDir, 'imports', id);
    await fs.symlink('/etc/os-release', path.join(filesDir, 'link.vtt'));

    const before = await temp.keys();
    for (const dryRun of [true, false]) {
      const report = await runImport(archive, officerXoDang, id, dryRun);
      expect(report.outcomes.map((o) => o.status)).toEqual(typed.map(() => 'invalid'));
      const words = report.outcomes.map((o, i) => {
        expect(o.problems, typed[i]).toHaveLength(1);
        expect(o.problems[0]!.field).toBe('column files');
        expect(o.problems[0]!.message).toContain(typed[i]!);
        return o.problems[0]!.message.replace(typed[i]!, '«tệp»');
      });
      // A refused path and a missing file read the same: nothing tells whether a server file exists.
      expect(new Set(words).size).toBe(1);
      expect(words[0]).toMatch(/không có trong/);
      expectNoServerPaths(report.outcomes, typed);
    }
    expect(await temp.keys()).toEqual(before);
  });

  it('still imports entries of the zip, in sub-folders too', async () => {
    const zip = await zipOf([
      { name: 'loi-chao.vtt', data: WEBVTT },
      { name: 'am-thanh/loi-ke.vtt', data: WEBVTT },
    ]);
    const id = await stageImport(archive, officerXoDang, csvFile([{ slug: 'tep-hop-le', files: 'loi-chao.vtt;am-thanh/loi-ke.vtt' }]), zipFile(zip));
    const report = await runImport(archive, officerXoDang, id, false);
    expect(report.outcomes).toMatchObject([{ status: 'created', problems: [] }]);
    const stored = await temp.records.require(report.outcomes[0]!.id!);
    expect(stored.record.media.map((m) => m.path)).toEqual(['files/loi-chao.vtt', 'files/loi-ke.vtt']);
  });

  it('confines a folder import (record.json files[].name, and files found beside it) the same way', async () => {
    const src = path.join(temp.dir, 'folder-src');
    const folder = path.join(src, 'ghi-am');
    await fs.mkdir(path.join(folder, 'files'), { recursive: true });
    await fs.writeFile(path.join(folder, 'ok.vtt'), WEBVTT);
    const names = ['/etc/os-release', '../../../../../../../../../../etc/os-release', `../../../../../../../../../..${secret.captionOnDisk}`, 'link.vtt', 'khong-co.vtt'];
    await fs.symlink(secret.captionOnDisk, path.join(folder, 'link.vtt'));
    await fs.writeFile(
      path.join(folder, 'record.json'),
      JSON.stringify({ ...sampleBody({ slug: 'thu-muc-tan-cong' }), files: [{ name: 'ok.vtt' }, ...names.map((name) => ({ name }))] }),
    );
    const outcomes = await importItems(temp.records, readFolder(src), { vocab, user: operator, dryRun: true });
    expect(outcomes).toHaveLength(1);
    const words = outcomes[0]!.problems.map((p, i) => {
      expect(p.field).toBe('files');
      expect(p.message).toContain(names[i]!);
      return p.message.replace(names[i]!, '«tệp»');
    });
    expect(words).toHaveLength(names.length);
    expect(new Set(words).size).toBe(1);
    expectNoServerPaths(outcomes, names);

    // Without a files list every regular file beside record.json is taken, but a link among them is not followed.
    await fs.writeFile(path.join(folder, 'record.json'), JSON.stringify(sampleBody({ slug: 'thu-muc-khong-danh-sach' })));
    await fs.symlink(secret.captionOnDisk, path.join(folder, 'files', 'cap.vtt'));
    const [listed] = await importItems(temp.records, readFolder(src), { vocab, user: operator, dryRun: true });
    const read = listed!.problems.map((p) => p.message);
    expect(listed!.status, JSON.stringify(listed)).toBe('invalid');
    expect(read.every((m) => /không có trong/.test(m))).toBe(true);
  });
});

describe('class 2: a row that names an existing record passes the editor’s decision', () => {
  /** The outcome without what differs by construction (which row, which slug). */
  const shape = ({ source: _s, slug: _slug, ...rest }: ImportOutcome) => rest;

  it('a Xơ Đăng officer cannot change a Cơ Tu restricted record, and its slug reads like any slug they may not use', async () => {
    const rows: Row[] = [
      { slug: 'nghi-le-co-tu-rieng', status: 'submitted' }, // hidden from them
      { slug: 'dan-gui-cong-khai', status: 'submitted' }, // visible, not editable by an officer
    ];
    const id = await stageImport(archive, officerXoDang, csvFile(rows), undefined);
    const before = await temp.records.require(secret.id);
    for (const dryRun of [true, false]) {
      const [hidden, visible] = (await runImport(archive, officerXoDang, id, dryRun)).outcomes;
      expect(hidden!.status).toBe('invalid');
      expect(hidden!.problems).toHaveLength(1);
      expect(hidden!.problems[0]!.field).toBe('column slug');
      // Exactly the same outcome: the dry run must not tell that a hidden slug exists (nor its id).
      expect(shape(hidden!)).toEqual(shape(visible!));
      expect(hidden!.id).toBeUndefined();
    }
    const after = await temp.records.require(secret.id);
    expect(after.head).toBe(before.head);
    expect(after.record.access).toEqual({ level: 'community', communities: ['co-tu'] });
    expect((await temp.records.require(visibleId)).head).toBe(1);
  });

  it('a Cơ Tu officer who sees the published record still may not overwrite it', async () => {
    const id = await stageImport(archive, officerCoTu, csvFile([{ slug: 'nghi-le-co-tu-rieng', group: 'co-tu', access: 'public', status: 'draft' }]), undefined);
    const [outcome] = (await runImport(archive, officerCoTu, id, false)).outcomes;
    expect(outcome).toMatchObject({ status: 'invalid', problems: [{ field: 'column slug' }] });
    expect((await temp.records.require(secret.id)).head).toBe(1);
  });

  it('an officer who may edit a draft may update it, but not restrict it away from themselves nor publish it', async () => {
    const away = await stageImport(archive, officerCoTu, csvFile([{ slug: 'ban-nhap-co-tu', group: 'co-tu', access: 'community', communities: 'xo-dang' }]), undefined);
    expect((await runImport(archive, officerCoTu, away, false)).outcomes[0]).toMatchObject({ status: 'invalid', problems: [{ field: 'column communities' }] });
    const publish = await stageImport(archive, officerCoTu, csvFile([{ slug: 'ban-nhap-co-tu', group: 'co-tu', access: 'community', communities: 'co-tu', status: 'published' }]), undefined);
    expect((await runImport(archive, officerCoTu, publish, false)).outcomes[0]).toMatchObject({ status: 'invalid', problems: [{ field: 'column status' }] });
    expect((await temp.records.require(draftId)).head).toBe(1);

    const fine = await stageImport(archive, officerCoTu, csvFile([{ slug: 'ban-nhap-co-tu', group: 'co-tu', access: 'community', communities: 'co-tu', status: 'submitted' }]), undefined);
    expect((await runImport(archive, officerCoTu, fine, false)).outcomes[0]).toMatchObject({ status: 'updated', id: draftId, problems: [] });
  });
});

describe('class 3: permission first, bounded zips', () => {
  it('a researcher’s import is refused before anything is written to disk', async () => {
    const fresh = await tempArchive();
    try {
      const a: Archive = { config: parseConfig({ DATA_DIR: fresh.dir }), store: fresh.store, records: fresh.records, vocab };
      const before = await fs.readdir(fresh.dir, { recursive: true });
      await expect(stageImport(a, researcher, csvFile([{ slug: 'khong-duoc' }]), zipFile(await zipOf([{ name: 'a.vtt', data: WEBVTT }])))).rejects.toThrow(/không nhập được/i);
      expect(await fs.readdir(fresh.dir, { recursive: true })).toEqual(before);
    } finally {
      await fresh.cleanup();
    }
  });

  it('a staged import belongs to whoever staged it', async () => {
    const id = await stageImport(archive, officerXoDang, csvFile([{ slug: 'cua-toi' }]), undefined);
    await runImport(archive, officerXoDang, id, true);
    await expect(runImport(archive, officerCoTu, id, false)).rejects.toThrow();
    expect(await readReport(archive, id, officerCoTu.viewer)).toBeUndefined();
    expect(await readReport(archive, id, officerXoDang.viewer)).toBeDefined();
    expect(await temp.records.idForSlug('cua-toi')).toBeUndefined();
  });

  /** Refused with a Vietnamese message, no server path, and nothing left in the staging folder. */
  async function expectRefused(zip: Buffer, pattern: RegExp, a: Archive = archive) {
    const before = await importsDirEntries(a);
    const error = await stageImport(a, officerXoDang, csvFile([{ slug: 'zip-xau' }]), zipFile(zip)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error, 'stageImport should refuse').toBeInstanceOf(Error);
    expect(error!.message).toMatch(pattern);
    expect(error!.message).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i); // Vietnamese first
    expect(error!.message).not.toContain(a.config.dataDir);
    expect(await importsDirEntries(a)).toEqual(before);
  }

  it('refuses a zip bomb (50 MB of zeros) without expanding it', async () => {
    const bomb = await zipOf([{ name: 'zeros.vtt', data: Buffer.alloc(50 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expectRefused(bomb, /nén hơn 100 lần/);
  });

  it('refuses an entry whose header lies about its size', async () => {
    const zeros = await zipOf([{ name: 'zeros.vtt', data: Buffer.alloc(8 * 1024 * 1024) }]);
    // Patch the central directory's uncompressed size (offset 24) down to 1000 bytes.
    const cd = zeros.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const lying = Buffer.from(zeros);
    lying.writeUInt32LE(1000, cd + 24);
    await expectRefused(lying, /tệp zip bị hỏng/i);
  });

  it('refuses more than 5,000 entries', async () => {
    const many = await zipOf(Array.from({ length: 5_001 }, (_, i) => ({ name: `t/${i}.txt`, data: Buffer.from('a'), store: true })));
    await expectRefused(many, /hơn 5000 mục/);
  });

  it('refuses a total uncompressed size over the upload limit, even when each entry is small', async () => {
    const small: Archive = { ...archive, config: parseConfig({ DATA_DIR: temp.dir, UPLOAD_MAX_MB: '1' }) };
    const zip = await zipOf([0, 1, 2].map((i) => ({ name: `phan-${i}.txt`, data: Buffer.alloc(900 * 1024, 'a') })));
    await expectRefused(zip, /giải nén ra lớn hơn 1 MB/, small);
  });

  it('refuses a zip larger than the upload limit while streaming it', async () => {
    const small: Archive = { ...archive, config: parseConfig({ DATA_DIR: temp.dir, UPLOAD_MAX_MB: '1' }) };
    await expectRefused(await zipOf([{ name: 'ngau-nhien.bin', data: randomBytes(2 * 1024 * 1024) }]), /tệp zip lớn quá 1 MB/i, small);
  });

  it('refuses links in the zip', async () => {
    await expectRefused(await zipOf([{ name: 'link.vtt', data: Buffer.from('/etc/os-release'), mode: 0o120777 }]), /liên kết/);
  });

  it('refuses absolute and .. entry names', async () => {
    await expectRefused(renameEntry(await zipOf([{ name: 'xetc/os-release', data: WEBVTT }]), 'xetc/os-release', '/etc/os-release'), /không an toàn/);
    await expectRefused(renameEntry(await zipOf([{ name: 'xx/escape.txt', data: WEBVTT }]), 'xx/escape.txt', '../escape.txt'), /không an toàn/);
  });
});
