/**
 * Export of one record version as a BagIt 1.0 bag (RFC 8493): the payload is
 * the version's logical state (record.json and files/…), with SHA-512
 * manifests. Every file's digest is checked against the OCFL inventory while
 * it is copied, so a bag is never made from damaged data.
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DigestingStream, sha512 } from '../records/digest';
import type { RecordRepository } from '../records/repository';

export interface BagResult {
  dir: string;
  files: number;
  bytes: number;
}

/** BagIt paths escape %, CR and LF (RFC 8493 §2.1.3). */
function encodeBagPath(p: string): string {
  return p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export async function exportBag(
  repository: RecordRepository,
  id: string,
  targetDir: string,
  options: { version?: number; extraTagFiles?: Record<string, string>; now?: Date; onFile?: (logicalPath: string) => void } = {},
): Promise<BagResult> {
  const stored = await repository.require(id, options.version);
  const version = `v${stored.version}`;
  const files = await repository.versionState(id, stored.version);
  const target = path.resolve(targetDir);
  const existing = await fs.readdir(target).catch(() => undefined);
  if (existing && existing.length > 0) throw new Error(`${target} exists and is not empty: choose a new folder for the bag`);

  // Build beside the target and rename at the end: a cut-short export leaves no half bag.
  const work = `${target}.partial-${process.pid}`;
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(path.join(work, 'data'), { recursive: true });
  try {
    const manifest: string[] = [];
    let bytes = 0;
    const state = [...files].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [logical, digest] of state) {
      const out = path.join(work, 'data', ...logical.split('/'));
      if (!out.startsWith(path.join(work, 'data') + path.sep)) throw new Error(`unsafe path in inventory: ${logical}`);
      await fs.mkdir(path.dirname(out), { recursive: true });
      const content = await repository.openContent(id, digest);
      if (!content) throw new Error(`record ${id}: ${logical} has no stored content; run fsck`);
      const { body, contentPath } = content;
      const digesting = new DigestingStream();
      await pipeline(body, digesting, createWriteStream(out));
      const actual = digesting.result();
      if (actual.digest !== digest) throw new Error(`record ${id}: ${logical} (${contentPath}) does not match its recorded digest; run fsck`);
      bytes += actual.size;
      manifest.push(`${digest}  ${encodeBagPath(`data/${logical}`)}`);
      options.onFile?.(logical);
    }
    const now = options.now ?? new Date();
    const tagFiles: Record<string, string> = {
      'bagit.txt': 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n',
      'manifest-sha512.txt': manifest.join('\n') + '\n',
      'bag-info.txt':
        [
          'Source-Organization: Di Sản – Quảng Nam ethnic minority heritage archive',
          `Bagging-Date: ${isoDay(now)}`,
          `External-Identifier: ${id}`,
          `External-Description: ${stored.record.title.vi}${stored.record.title.en ? ` / ${stored.record.title.en}` : ''}`,
          `Bag-Group-Identifier: ${version}`,
          `Payload-Oxum: ${bytes}.${state.length}`,
          'Bag-Software-Agent: di-san archive export',
        ].join('\n') + '\n',
      ...options.extraTagFiles,
    };
    for (const [name, content] of Object.entries(tagFiles)) {
      await fs.mkdir(path.dirname(path.join(work, name)), { recursive: true });
      await fs.writeFile(path.join(work, name), content, 'utf8');
    }
    const tagManifest = Object.entries(tagFiles)
      .map(([name, content]) => `${sha512(Buffer.from(content, 'utf8'))}  ${encodeBagPath(name)}`)
      .join('\n');
    await fs.writeFile(path.join(work, 'tagmanifest-sha512.txt'), tagManifest + '\n', 'utf8');
    if (existing) await fs.rmdir(target);
    await fs.rename(work, target);
    return { dir: target, files: state.length, bytes };
  } catch (error) {
    await fs.rm(work, { recursive: true, force: true });
    throw error;
  }
}
