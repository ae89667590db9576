/**
 * The few file-system calls the local store makes per object, as promises
 * over Node's callback API on plain file descriptors. fs/promises wraps each
 * open file in a FileHandle (an object to create, track and collect) and
 * costs about twice the CPU per call; a record's commit makes around a
 * hundred of these calls, a whole-store scan tens of thousands.
 */
import fs from 'node:fs';
import { promisify } from 'node:util';

export const open = promisify(fs.open);
export const close = promisify(fs.close);
export const fsync = promisify(fs.fsync);
export const link = promisify(fs.link);
export const rename = promisify(fs.rename);
export const unlink = promisify(fs.unlink);
export const mkdir = promisify(fs.mkdir);
export const stat = promisify(fs.stat);
export const readFile = promisify(fs.readFile);
const write = promisify(fs.write);

/** Writes all of data at the descriptor's position (fs.write may write less than asked). */
export async function writeAll(fd: number, data: Uint8Array): Promise<void> {
  for (let offset = 0; offset < data.length; ) {
    const { bytesWritten } = await write(fd, data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

/** fsyncs a folder, so that entries just linked, renamed or removed in it survive a crash. */
export async function fsyncFolder(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fsync(fd);
  } finally {
    await close(fd);
  }
}

/**
 * Folder fsyncs shared by the writers that arrive together (group commit).
 * A writer needs an fsync of the folder that starts after its own change:
 * while one runs, every writer that arrives waits for the next one, and that
 * single fsync serves them all. With many records written at once, a folder
 * every record writes into (system/ids, system/slugs) then costs one fsync
 * per burst rather than one per record; a lone writer waits no longer than
 * before.
 */
export class FolderSyncs {
  private readonly queues = new Map<string, { tail: Promise<void>; next?: Promise<void> }>();

  constructor(private readonly fsyncOne: (dir: string) => Promise<void> = fsyncFolder) {}

  sync(dir: string): Promise<void> {
    const existing = this.queues.get(dir);
    // Not started yet, so it will see this writer's change.
    if (existing?.next) return existing.next;
    const queue = existing ?? { tail: Promise.resolve() };
    this.queues.set(dir, queue);
    const run: Promise<void> = queue.tail.then(() => {
      queue.next = undefined; // started: writers from now on need the fsync after this one
      return this.fsyncOne(dir);
    });
    queue.next = run;
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    queue.tail = tail;
    void tail.then(() => {
      if (queue.tail === tail) this.queues.delete(dir); // idle: forget the folder
    });
    return run;
  }
}
