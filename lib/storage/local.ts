/**
 * Object store on a local folder. Every write goes to a temporary file in
 * tmpDir (same file system), is fsynced and then renamed (put) or hard-linked
 * (putIfAbsent) into place, so a reader sees the whole old object or the
 * whole new one. Content types live in a parallel metadata folder.
 */
import { createWriteStream, type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, assertValidPrefix } from './keys';
import {
  AlreadyExistsError,
  NotFoundError,
  resolveRange,
  type Body,
  type ByteRange,
  type GetResult,
  type ListedObject,
  type ListOptions,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from './store';
import { contentTypeFromName } from './content-type';

export interface LocalStoreOptions {
  /** Folder holding the objects, one file per key. */
  root: string;
  /** Folder for writes in progress; must be on the same file system as root. */
  tmpDir: string;
}

const DEFAULT_PAGE_SIZE = 1000;

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/** UTF-8 byte order, the order S3 lists keys in. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export class LocalObjectStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;
  private readonly metaRoot: string;
  private readonly tmpDir: string;

  constructor(options: LocalStoreOptions) {
    this.root = path.resolve(options.root);
    this.metaRoot = `${this.root}.meta`;
    this.tmpDir = path.resolve(options.tmpDir);
    this.description = `local:${this.root}`;
  }

  private fileFor(key: string): string {
    assertValidKey(key);
    const file = path.join(this.root, ...key.split('/'));
    // Defence in depth: validation already forbids anything that could escape.
    if (!file.startsWith(this.root + path.sep)) throw new NotFoundError(`key escapes the store: ${key}`, key);
    return file;
  }

  private metaFor(key: string): string {
    return path.join(this.metaRoot, ...key.split('/')) + '.json';
  }

  /** Writes body to a new fsynced temporary file and returns its path. */
  private async writeTemp(body: Body): Promise<string> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    try {
      const handle = await fs.open(tmp, 'wx');
      try {
        if (body instanceof Readable) {
          await pipeline(body, createWriteStream('', { fd: handle.fd, autoClose: false }));
        } else {
          await handle.writeFile(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      return tmp;
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
  }

  private async syncDir(dir: string): Promise<void> {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Moves a finished temporary file into place with rename (replace) or link (create only). */
  private async install(tmp: string, file: string, mode: 'replace' | 'create'): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      try {
        if (mode === 'replace') await fs.rename(tmp, file);
        else await fs.link(tmp, file);
        break;
      } catch (error) {
        // A concurrent delete may have pruned the empty parent between mkdir and rename.
        if (isErrno(error, 'ENOENT') && attempt < 3) continue;
        throw error;
      }
    }
    await this.syncDir(path.dirname(file));
  }

  private async writeMeta(key: string, contentType: string | undefined): Promise<void> {
    const metaFile = this.metaFor(key);
    // Most types follow from the extension: keep a metadata file only when they do not.
    if (!contentType || contentType === contentTypeFromName(key)) {
      await fs.rm(metaFile, { force: true });
      return;
    }
    const tmp = await this.writeTemp(JSON.stringify({ contentType }));
    await fs.mkdir(path.dirname(metaFile), { recursive: true });
    await fs.rename(tmp, metaFile);
  }

  private async readContentType(key: string): Promise<string> {
    try {
      const meta = JSON.parse(await fs.readFile(this.metaFor(key), 'utf8')) as { contentType?: unknown };
      if (typeof meta.contentType === 'string') return meta.contentType;
    } catch (error) {
      if (!isErrno(error, 'ENOENT') && !(error instanceof SyntaxError)) throw error;
    }
    return contentTypeFromName(key);
  }

  private info(key: string, stat: { size: number; mtime: Date; mtimeMs: number; ino: number }, contentType: string): ObjectInfo {
    return { key, size: stat.size, lastModified: stat.mtime, etag: `${stat.ino.toString(16)}-${stat.size.toString(16)}-${Math.trunc(stat.mtimeMs * 1000).toString(16)}`, contentType };
  }

  async put(key: string, body: Body, options: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.fileFor(key);
    const tmp = await this.writeTemp(body);
    try {
      await this.install(tmp, file, 'replace');
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    await this.writeMeta(key, options.contentType);
    return this.info(key, await fs.stat(file), options.contentType ?? contentTypeFromName(key));
  }

  async putIfAbsent(key: string, body: Body, options: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.fileFor(key);
    if (await this.exists(file)) {
      if (body instanceof Readable) body.destroy();
      throw new AlreadyExistsError(`object already exists: ${key}`, key);
    }
    const tmp = await this.writeTemp(body);
    try {
      await this.install(tmp, file, 'create');
    } catch (error) {
      if (isErrno(error, 'EEXIST')) throw new AlreadyExistsError(`object already exists: ${key}`, key);
      throw error;
    } finally {
      await fs.rm(tmp, { force: true });
    }
    await this.writeMeta(key, options.contentType);
    return this.info(key, await fs.stat(file), options.contentType ?? contentTypeFromName(key));
  }

  private async exists(file: string): Promise<boolean> {
    try {
      await fs.access(file);
      return true;
    } catch {
      return false;
    }
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    const file = this.fileFor(key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR') || isErrno(error, 'EISDIR')) throw new NotFoundError(`no such object: ${key}`, key);
      throw error;
    }
    try {
      // Stat the open descriptor: a concurrent replace cannot change what we stream.
      const stat = await handle.stat();
      if (!stat.isFile()) throw new NotFoundError(`no such object: ${key}`, key);
      const served = resolveRange(key, stat.size, range);
      const body = handle.createReadStream({ start: served?.start ?? 0, end: served?.end, autoClose: true });
      return { ...this.info(key, stat, await this.readContentType(key)), body, range: served };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.fileFor(key);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return undefined;
      return this.info(key, stat, await this.readContentType(key));
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    let startAfter = options.startAfter ?? '';
    for (;;) {
      const page = await this.listPage(prefix, startAfter, pageSize);
      yield* page;
      if (page.length < pageSize) return;
      startAfter = page[page.length - 1]!.key;
    }
  }

  /** One page of keys after startAfter, read lazily from a sorted walk that skips subtrees already listed. */
  private async listPage(prefix: string, startAfter: string, limit: number): Promise<ListedObject[]> {
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    const page: ListedObject[] = [];
    for await (const item of this.walk(dirKey, startAfter)) {
      if (!item.key.startsWith(prefix)) {
        // Keys come in order: once past every key with this prefix, stop.
        if (compareKeys(item.key, prefix) > 0) break;
        continue;
      }
      page.push(item);
      if (page.length >= limit) break;
    }
    return page;
  }

  private async *walk(dirKey: string, startAfter: string): AsyncGenerator<ListedObject> {
    const dir = dirKey ? path.join(this.root, ...dirKey.split('/')) : this.root;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return;
      throw error;
    }
    // Sorting directories as "name/" yields keys in exact UTF-8 byte order.
    const sorted = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => ({ entry: e, sortKey: (dirKey ? `${dirKey}/` : '') + e.name + (e.isDirectory() ? '/' : '') }))
      .sort((a, b) => compareKeys(a.sortKey, b.sortKey));
    for (const { entry, sortKey } of sorted) {
      if (entry.isDirectory()) {
        // Every key below sortKey is before startAfter unless startAfter lies inside this folder.
        if (startAfter && compareKeys(sortKey, startAfter) < 0 && !startAfter.startsWith(sortKey)) continue;
        yield* this.walk(sortKey.slice(0, -1), startAfter);
      } else {
        if (startAfter && compareKeys(sortKey, startAfter) <= 0) continue;
        try {
          const stat = await fs.stat(path.join(dir, entry.name));
          yield { key: sortKey, size: stat.size, lastModified: stat.mtime, etag: this.info(sortKey, stat, '').etag };
        } catch (error) {
          if (!isErrno(error, 'ENOENT')) throw error; // deleted while listing
        }
      }
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.fileFor(key);
    await fs.rm(file, { force: true });
    await fs.rm(this.metaFor(key), { force: true });
    await this.pruneEmptyParents(path.dirname(file), this.root);
    await this.pruneEmptyParents(path.dirname(this.metaFor(key)), this.metaRoot);
  }

  private async pruneEmptyParents(dir: string, stopAt: string): Promise<void> {
    while (dir.startsWith(stopAt + path.sep)) {
      try {
        await fs.rmdir(dir);
      } catch {
        return; // not empty, or gone: either way stop
      }
      dir = path.dirname(dir);
    }
  }

  async copy(fromKey: string, toKey: string): Promise<ObjectInfo> {
    const source = this.fileFor(fromKey);
    const target = this.fileFor(toKey);
    const contentType = await this.readContentType(fromKey);
    await fs.mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    try {
      await fs.copyFile(source, tmp);
      const handle = await fs.open(tmp, 'r+');
      await handle.sync();
      await handle.close();
      await this.install(tmp, target, 'replace');
    } catch (error) {
      await fs.rm(tmp, { force: true });
      if (isErrno(error, 'ENOENT') && !(await this.exists(source))) throw new NotFoundError(`no such object: ${fromKey}`, fromKey);
      throw error;
    }
    await this.writeMeta(toKey, contentType);
    return this.info(toKey, await fs.stat(target), contentType);
  }
}
