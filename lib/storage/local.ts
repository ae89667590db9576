/**
 * Object store on a local folder. Every write goes to a temporary file in
 * tmpDir (same file system), is fsynced and then renamed (put) or hard-linked
 * (putIfAbsent) into place, so a reader sees the whole old object or the
 * whole new one. Content types live in a parallel metadata folder.
 *
 * Every file-system call is a round trip to libuv's thread pool, and a bulk
 * import or a whole-store scan makes hundreds of thousands of them. So the
 * code below skips calls that answer nothing new (asking whether a folder
 * exists before writing into it, re-reading a folder for every page of a
 * listing, looking up a content type when only the bytes are wanted), and
 * writers that arrive together share one fsync of their folder.
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
import { impliedContentType } from './content-type';
import * as calls from './fs-calls';

export interface LocalStoreOptions {
  /** Folder holding the objects, one file per key. */
  root: string;
  /** Folder for writes in progress; must be on the same file system as root. */
  tmpDir: string;
}

/** Files stat'ed at once while listing (a listing needs each one's size and mtime). */
const LIST_STAT_BATCH = 32;

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

function isMissing(error: unknown): boolean {
  return isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR');
}

/** UTF-8 byte order, the order S3 lists keys in. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A file met while walking the store, not yet stat'ed. */
interface WalkedFile {
  key: string;
  file: string;
}

export class LocalObjectStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;
  private readonly metaRoot: string;
  private readonly tmpDir: string;
  /** Set once tmpDir is known to exist, so writes do not ask again. */
  private tmpDirReady?: Promise<void>;
  private readonly folderSyncs = new calls.FolderSyncs();

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

  private ensureTmpDir(): Promise<void> {
    this.tmpDirReady ??= calls.mkdir(this.tmpDir, { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        this.tmpDirReady = undefined;
        throw error;
      },
    );
    return this.tmpDirReady;
  }

  /** Opens a new temporary file, making tmpDir again if someone removed it since. */
  private async openTemp(tmp: string): Promise<number> {
    await this.ensureTmpDir();
    try {
      return await calls.open(tmp, 'wx');
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      this.tmpDirReady = undefined;
      await this.ensureTmpDir();
      return calls.open(tmp, 'wx');
    }
  }

  /** Writes body to a new fsynced temporary file and returns its path. */
  private async writeTemp(body: Body): Promise<string> {
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    try {
      const fd = await this.openTemp(tmp);
      try {
        if (body instanceof Readable) {
          await pipeline(body, createWriteStream('', { fd, autoClose: false }));
        } else {
          await calls.writeAll(fd, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
        }
        await calls.fsync(fd);
      } finally {
        await calls.close(fd);
      }
      return tmp;
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
  }

  /** Moves a finished temporary file into place with rename (replace) or link (create only). */
  private async install(tmp: string, file: string, mode: 'replace' | 'create'): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (mode === 'replace') await calls.rename(tmp, file);
        else await calls.link(tmp, file);
        break;
      } catch (error) {
        // The parent folder is made only when missing (most writes go to a folder that exists);
        // a concurrent delete may also prune an empty parent between mkdir and rename.
        if (!isErrno(error, 'ENOENT') || attempt >= 3) throw error;
        await calls.mkdir(path.dirname(file), { recursive: true });
      }
    }
    await this.folderSyncs.sync(path.dirname(file));
  }

  /** Removes a file that may well not exist, in one call (fs.rm would stat it first). */
  private async unlinkIfPresent(file: string): Promise<void> {
    try {
      await calls.unlink(file);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  private async writeMeta(key: string, contentType: string | undefined): Promise<void> {
    const metaFile = this.metaFor(key);
    // Most types follow from the name: keep a metadata file only when they do not.
    if (!contentType || contentType === impliedContentType(key)) {
      await this.unlinkIfPresent(metaFile);
      return;
    }
    const tmp = await this.writeTemp(JSON.stringify({ contentType }));
    await calls.mkdir(path.dirname(metaFile), { recursive: true });
    await calls.rename(tmp, metaFile);
  }

  private async readContentType(key: string): Promise<string> {
    try {
      const meta = JSON.parse((await calls.readFile(this.metaFor(key))).toString('utf8')) as { contentType?: unknown };
      if (typeof meta.contentType === 'string') return meta.contentType;
    } catch (error) {
      if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
    }
    return impliedContentType(key);
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
      await this.unlinkIfPresent(tmp);
      throw error;
    }
    return this.installed(key, file, options.contentType);
  }

  async putIfAbsent(key: string, body: Body, options: PutOptions = {}): Promise<ObjectInfo> {
    const file = this.fileFor(key);
    // The link below is what decides; asking first only spares reading a stream for nothing.
    if (body instanceof Readable && (await this.exists(file))) {
      body.destroy();
      throw new AlreadyExistsError(`object already exists: ${key}`, key);
    }
    const tmp = await this.writeTemp(body);
    try {
      await this.install(tmp, file, 'create');
    } catch (error) {
      await this.unlinkIfPresent(tmp);
      if (isErrno(error, 'EEXIST')) throw new AlreadyExistsError(`object already exists: ${key}`, key);
      throw error;
    }
    const [info] = await Promise.all([this.installed(key, file, options.contentType), this.unlinkIfPresent(tmp)]);
    return info;
  }

  /** After an object is in place: its content type recorded (or a stale one cleared) and what it now is. */
  private async installed(key: string, file: string, contentType: string | undefined): Promise<ObjectInfo> {
    const [, stat] = await Promise.all([this.writeMeta(key, contentType), calls.stat(file)]);
    return this.info(key, stat, contentType ?? impliedContentType(key));
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

  /**
   * The whole object in one readFile (open, fstat, read, close): no
   * stream, no content-type lookup (get() makes about three times the calls).
   */
  async readBytes(key: string): Promise<Buffer> {
    const file = this.fileFor(key);
    try {
      return await calls.readFile(file);
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR') || isErrno(error, 'EISDIR')) throw new NotFoundError(`no such object: ${key}`, key);
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.fileFor(key);
    try {
      const stat = await calls.stat(file);
      if (!stat.isFile()) return undefined;
      return this.info(key, stat, await this.readContentType(key));
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  /**
   * One sorted walk per listing: each folder is read and sorted once, however
   * many keys it holds (re-walking for every page of 1,000 made a listing of
   * a large folder quadratic). Pages are an S3 notion: pageSize does not
   * change what a local listing reads.
   */
  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    let batch: WalkedFile[] = [];
    for await (const item of this.walk(dirKey, options.startAfter ?? '')) {
      if (!item.key.startsWith(prefix)) {
        // Keys come in order: once past every key with this prefix, stop.
        if (compareKeys(item.key, prefix) > 0) break;
        continue;
      }
      batch.push(item);
      if (batch.length >= LIST_STAT_BATCH) {
        yield* await this.statAll(batch);
        batch = [];
      }
    }
    yield* await this.statAll(batch);
  }

  /** Stats files together (the stats overlap in the thread pool), in the order given; files deleted meanwhile are left out. */
  private async statAll(files: WalkedFile[]): Promise<ListedObject[]> {
    const stats = await Promise.all(
      files.map(({ file }) =>
        calls.stat(file).catch((error: unknown) => {
          if (isErrno(error, 'ENOENT')) return undefined; // deleted while listing
          throw error;
        }),
      ),
    );
    const listed: ListedObject[] = [];
    stats.forEach((stat, i) => {
      if (!stat?.isFile()) return;
      const { key } = files[i]!;
      listed.push({ key, size: stat.size, lastModified: stat.mtime, etag: this.info(key, stat, '').etag });
    });
    return listed;
  }

  /** Keys after startAfter under dirKey, in UTF-8 byte order, skipping subtrees that lie wholly before startAfter. */
  private async *walk(dirKey: string, startAfter: string): AsyncGenerator<WalkedFile> {
    const dir = dirKey ? path.join(this.root, ...dirKey.split('/')) : this.root;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Sorting directories as "name/" yields keys in exact UTF-8 byte order. Each name is
    // encoded once (a comparator that encodes would do it on every comparison).
    const sorted = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => {
        const sortKey = (dirKey ? `${dirKey}/` : '') + e.name + (e.isDirectory() ? '/' : '');
        return { entry: e, sortKey, bytes: Buffer.from(sortKey, 'utf8') };
      })
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const after = startAfter ? Buffer.from(startAfter, 'utf8') : undefined;
    for (const { entry, sortKey, bytes } of sorted) {
      if (entry.isDirectory()) {
        // Every key below sortKey is before startAfter unless startAfter lies inside this folder.
        if (after && Buffer.compare(bytes, after) < 0 && !startAfter.startsWith(sortKey)) continue;
        yield* this.walk(sortKey.slice(0, -1), startAfter);
      } else {
        if (after && Buffer.compare(bytes, after) <= 0) continue;
        yield { key: sortKey, file: path.join(dir, entry.name) };
      }
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.fileFor(key);
    await this.unlinkIfPresent(file);
    await this.unlinkIfPresent(this.metaFor(key));
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
    await calls.mkdir(this.tmpDir, { recursive: true });
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
