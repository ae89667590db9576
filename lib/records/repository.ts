/**
 * The record repository: creates, versions and reads heritage records as
 * OCFL objects in the object store.
 *
 * Write order for version n (each step create-only unless noted):
 *   1. new content: vN/content/files/…, vN/content/record.json
 *   2. vN/inventory.json and its sidecar          (the version is prepared)
 *   3. inventory.json, replaced atomically        (the commit point)
 *   4. inventory.json.sha512, replaced
 * Readers only follow the root inventory, so until step 3 they see version
 * n-1 whole. Create-only writes make two writers racing for version n
 * collide: exactly one commits, the other gets RecordConflictError and
 * removes what it wrote. Anything a killed writer leaves behind is found and
 * cleaned by fsck.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  AlreadyExistsError,
  NotFoundError,
  getBuffer,
  type Body,
  type ByteRange,
  type GetResult,
  type ObjectStore,
} from '../storage';
import { DigestingStream, sha512 } from './digest';
import {
  CorruptRecordError,
  RecordConflictError,
  RecordExistsError,
  RecordNotFoundError,
  RecordValidationError,
  SlugTakenError,
} from './errors';
import { newRecordId } from './ids';
import {
  Inventory,
  OBJECT_DECLARATION_BODY,
  OBJECT_DECLARATION_NAME,
  RECORD_FILE,
  STORAGE_DECLARATION,
  STORAGE_LAYOUT,
  contentPath,
  headNumber,
  nextInventory,
  objectRoot,
  serializeInventory,
  sidecarBody,
  stateOf,
  versionName,
  type VersionUser,
} from './ocfl';
import {
  HeritageRecord,
  LanguageCode,
  LocalizedText,
  MEDIA_KINDS,
  RecordBody,
  type MediaEntry,
  type MediaKind,
  type RecordBodyInput,
} from './schema';

export interface FileInput {
  /** File name as the contributor gave it; stored as files/<name>. */
  name: string;
  body: Body;
  contentType: string;
  kind: MediaKind;
  label?: z.input<typeof LocalizedText>;
  language?: string;
  /** For captions and transcripts: the name of the media file they belong to. */
  of?: string;
}

export interface VersionSummary {
  number: number;
  created: string;
  message?: string;
  user?: VersionUser;
}

export interface StoredRecord {
  record: HeritageRecord;
  /** The version this record is read at. */
  version: number;
  head: number;
  versions: VersionSummary[];
  /** When the record was first created (version 1) and last changed (head). */
  created: string;
  modified: string;
}

export interface CreateInput {
  /** A chosen id (demo content, imports keyed by a stable seed); a new random id otherwise. */
  id?: string;
  body: RecordBodyInput;
  files?: FileInput[];
  user: VersionUser;
  message?: string;
}

export interface UpdateInput {
  /** The head version the change was made against; anything else is a conflict. */
  expectedVersion: number;
  /** New metadata (replaces the old); omitted keeps it. */
  body?: RecordBodyInput;
  addFiles?: FileInput[];
  /** Logical paths (files/<name>) to drop from the new version; earlier versions keep them. */
  removeFiles?: string[];
  /** New order of the media, as logical paths (all of them). */
  mediaOrder?: string[];
  /** The image that stands for the record; null clears it. */
  poster?: string | null;
  user: VersionUser;
  message?: string;
}

const FileName = z
  .string()
  .transform((s) => s.normalize('NFC'))
  .pipe(
    z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^/\\\0\u0001-\u001f\u007f]+$/, 'file name must not contain slashes or control characters')
      .refine((s) => s !== '.' && s !== '..', 'file name must not be . or ..'),
  );

const FileMeta = z.object({
  name: FileName,
  contentType: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/i, 'content type must be a MIME type'),
  kind: z.enum(MEDIA_KINDS),
  label: LocalizedText.optional(),
  language: LanguageCode.optional(),
  of: FileName.optional(),
});

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw RecordValidationError.fromZod(parsed.error, prefix);
  return parsed.data;
}

function toStream(body: Body): Readable {
  if (body instanceof Readable) return body;
  return Readable.from([typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body)]);
}

/** Told after a version is committed (search indexing, derivative jobs). A failing listener never undoes the commit. */
export interface CommitListener {
  (event: CommitEvent): void | Promise<void>;
}

/** A committed version. `modified`: when it was committed (the record's new datestamp); `previous`: the head before it. */
export interface CommitEvent {
  id: string;
  record: HeritageRecord;
  version: number;
  modified: string;
  previous?: HeritageRecord;
}

export interface RepositoryOptions {
  clock?: () => Date;
  listeners?: CommitListener[];
  /** Where listener failures are reported (they are derived work that can be redone). */
  onListenerError?: (error: unknown, id: string) => void;
}

export class RecordRepository {
  private readonly clock: () => Date;
  private readonly listeners: CommitListener[];
  private readonly onListenerError: (error: unknown, id: string) => void;
  /** The storage root declaration is written once and never removed: checked once per repository, not per create. */
  private storageRootReady?: Promise<void>;

  constructor(
    readonly store: ObjectStore,
    options: RepositoryOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.listeners = [...(options.listeners ?? [])];
    this.onListenerError = options.onListenerError ?? ((error, id) => console.error(`after-commit work for record ${id} failed:`, error));
  }

  /** Adds a listener told after every committed version. */
  addListener(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** `committed` is the version just written, when the caller has it: reading it back would only repeat two reads. */
  private async notify(id: string, version: number, previous: HeritageRecord | undefined, committed?: StoredRecord): Promise<StoredRecord> {
    const stored = committed ?? (await this.require(id));
    for (const listener of this.listeners) {
      try {
        await listener({ id, record: stored.record, version, modified: stored.modified, previous });
      } catch (error) {
        this.onListenerError(error, id);
      }
    }
    return stored;
  }

  /** Writes the OCFL storage root declaration and layout once. */
  ensureStorageRoot(): Promise<void> {
    this.storageRootReady ??= this.writeStorageRoot().catch((error: unknown) => {
      this.storageRootReady = undefined;
      throw error;
    });
    return this.storageRootReady;
  }

  private async writeStorageRoot(): Promise<void> {
    for (const { key, body } of [STORAGE_DECLARATION, STORAGE_LAYOUT]) {
      if (await this.store.head(key)) continue;
      try {
        await this.store.putIfAbsent(key, body, { contentType: key.endsWith('.json') ? 'application/json' : 'text/plain' });
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
      }
    }
  }

  async readInventory(id: string): Promise<Inventory | undefined> {
    let raw: Buffer;
    try {
      raw = await getBuffer(this.store, `${objectRoot(id)}/inventory.json`);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    try {
      return Inventory.parse(JSON.parse(raw.toString('utf8')));
    } catch (error) {
      throw new CorruptRecordError(id, `inventory.json does not parse (${(error as Error).message.slice(0, 200)})`);
    }
  }

  async get(id: string, version?: number): Promise<StoredRecord | undefined> {
    const inventory = await this.readInventory(id);
    if (!inventory) return undefined;
    return this.readAt(id, inventory, version ?? headNumber(inventory));
  }

  async require(id: string, version?: number): Promise<StoredRecord> {
    const found = await this.get(id, version);
    if (!found) throw new RecordNotFoundError(id);
    return found;
  }

  private async readAt(id: string, inventory: Inventory, version: number): Promise<StoredRecord | undefined> {
    const versionKey = versionName(version);
    if (!inventory.versions[versionKey]) return undefined;
    const digest = stateOf(inventory, versionKey).get(RECORD_FILE);
    const path = digest ? inventory.manifest[digest]?.[0] : undefined;
    if (!digest || !path) throw new CorruptRecordError(id, `version ${version} has no ${RECORD_FILE}`);
    let record: HeritageRecord;
    try {
      record = HeritageRecord.parse(JSON.parse((await getBuffer(this.store, `${objectRoot(id)}/${path}`)).toString('utf8')));
    } catch (error) {
      if (error instanceof NotFoundError) throw new CorruptRecordError(id, `${path} is missing`);
      throw new CorruptRecordError(id, `${path} does not parse (${(error as Error).message.slice(0, 200)})`);
    }
    return storedRecord(inventory, record, version);
  }

  /** Streams an original (or a byte range of it) as stored in a version, the head by default. */
  async openFile(id: string, logicalPath: string, options: { version?: number; range?: ByteRange } = {}): Promise<GetResult & { digest: string }> {
    const inventory = await this.readInventory(id);
    if (!inventory) throw new RecordNotFoundError(id);
    const versionKey = options.version ? versionName(options.version) : inventory.head;
    if (!inventory.versions[versionKey]) throw new RecordNotFoundError(`${id} version ${options.version}`);
    const digest = stateOf(inventory, versionKey).get(logicalPath);
    const path = digest ? inventory.manifest[digest]?.[0] : undefined;
    if (!digest || !path) throw new NotFoundError(`record ${id} has no file ${logicalPath}`, logicalPath);
    return { ...(await this.store.get(`${objectRoot(id)}/${path}`, options.range)), digest };
  }

  /**
   * The store key under which an original of the head version is kept, or
   * undefined: for handing out a presigned URL of it (lib/http/bucket-redirect.ts)
   * once access is decided, so no caller outside this folder builds OCFL paths.
   */
  async fileKey(id: string, logicalPath: string): Promise<string | undefined> {
    const inventory = await this.readInventory(id);
    const digest = inventory ? stateOf(inventory, inventory.head).get(logicalPath) : undefined;
    const path = digest ? inventory!.manifest[digest]?.[0] : undefined;
    return path ? `${objectRoot(id)}/${path}` : undefined;
  }

  /**
   * Streams the content stored under a SHA-512 digest in the record's head
   * inventory (an original as kept, whatever its logical path), or
   * undefined when the record holds no such content. Callers outside this
   * folder read originals through here, never by OCFL paths.
   */
  async openContent(id: string, digest: string): Promise<(GetResult & { contentPath: string }) | undefined> {
    const inventory = await this.readInventory(id);
    const contentPath = inventory?.manifest[digest]?.[0];
    if (!contentPath) return undefined;
    return { ...(await this.store.get(`${objectRoot(id)}/${contentPath}`)), contentPath };
  }

  /** A version's files (record.json and the originals) as logical path → SHA-512 digest; the head by default. */
  async versionState(id: string, version?: number): Promise<Map<string, string>> {
    const inventory = await this.readInventory(id);
    if (!inventory) throw new RecordNotFoundError(id);
    const versionKey = version ? versionName(version) : inventory.head;
    if (!inventory.versions[versionKey]) throw new RecordNotFoundError(`${id} version ${version}`);
    return stateOf(inventory, versionKey);
  }

  /** Every claimed record id, in order. Ids whose creation never completed have no inventory: get() returns undefined. */
  async *ids(): AsyncIterable<string> {
    for await (const item of this.store.list('system/ids/')) yield item.key.slice('system/ids/'.length);
  }

  async idForSlug(slug: string): Promise<string | undefined> {
    try {
      const owner = JSON.parse((await getBuffer(this.store, `system/slugs/${slug}`)).toString('utf8')) as { id?: unknown };
      return typeof owner.id === 'string' ? owner.id : undefined;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async create(input: CreateInput): Promise<StoredRecord> {
    const body = parseOrThrow(RecordBody, input.body);
    const files = (input.files ?? []).map((f, i) => ({ ...parseOrThrow(FileMeta, f, `files.${i}`), body: f.body }));
    await this.ensureStorageRoot();
    const id = await this.claimId(input.id);
    await this.claimSlug(body.slug, id);
    const committed = await this.commit({ id, previous: undefined, body, files, removeFiles: [], user: input.user, message: input.message ?? 'Created' });
    return this.notify(id, 1, undefined, committed);
  }

  async update(id: string, input: UpdateInput): Promise<StoredRecord> {
    const previous = await this.readInventory(id);
    if (!previous) throw new RecordNotFoundError(id);
    const head = headNumber(previous);
    if (head !== input.expectedVersion) {
      for (const f of input.addFiles ?? []) if (f.body instanceof Readable) f.body.destroy();
      throw new RecordConflictError(id, input.expectedVersion, head);
    }
    const current = await this.require(id);
    const body = input.body ? parseOrThrow(RecordBody, input.body) : RecordBody.parse(current.record);
    const files = (input.addFiles ?? []).map((f, i) => ({ ...parseOrThrow(FileMeta, f, `files.${i}`), body: f.body }));
    if (body.slug !== current.record.slug) await this.claimSlug(body.slug, id);
    const committed = await this.commit({
      id,
      previous,
      previousRecord: current.record,
      body,
      files,
      removeFiles: input.removeFiles ?? [],
      mediaOrder: input.mediaOrder,
      poster: input.poster === undefined ? current.record.poster : (input.poster ?? undefined),
      user: input.user,
      message: input.message ?? 'Updated',
    });
    if (!committed) return current; // nothing changed: no version, nobody to tell
    return this.notify(id, committed.head, current.record, committed);
  }

  private async claimId(requested: string | undefined): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = requested ?? newRecordId();
      try {
        // Claims are internal markers nothing serves: no content type, which would cost the local store a metadata file.
        await this.store.putIfAbsent(`system/ids/${id}`, JSON.stringify({ claimed: this.clock().toISOString() }));
        return id;
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
        if (requested) {
          // A claim without an object is what an interrupted create leaves: finish it.
          if (await this.store.head(`${objectRoot(id)}/inventory.json`)) throw new RecordExistsError(id);
          return id;
        }
      }
    }
    throw new Error('could not find a free record id after 5 attempts');
  }

  private async claimSlug(slug: string, id: string): Promise<void> {
    const key = `system/slugs/${slug}`;
    const record = JSON.stringify({ id });
    try {
      await this.store.putIfAbsent(key, record); // an internal marker, like the id claim
      return;
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
    const owner = await this.idForSlug(slug);
    if (owner === id) return;
    // The slug is taken only while its owner still uses it; renamed or never-created owners give it up.
    const ownerRecord = owner ? await this.get(owner).catch(() => undefined) : undefined;
    if (owner && ownerRecord?.record.slug === slug) throw new SlugTakenError(slug, owner);
    await this.store.put(key, record);
  }

  private async commit(args: {
    id: string;
    previous: Inventory | undefined;
    previousRecord?: HeritageRecord;
    body: RecordBody;
    files: (z.infer<typeof FileMeta> & { body: Body })[];
    removeFiles: string[];
    mediaOrder?: string[];
    poster?: string;
    user: VersionUser;
    message: string;
  }): Promise<StoredRecord | undefined> {
    const { id, previous } = args;
    const root = objectRoot(id);
    const n = previous ? headNumber(previous) + 1 : 1;
    const written: string[] = [];
    const putNew = async (key: string, body: Body, contentType: string) => {
      await this.store.putIfAbsent(key, body, { contentType });
      written.push(key);
    };

    try {
      if (!previous) await putNew(`${root}/${OBJECT_DECLARATION_NAME}`, OBJECT_DECLARATION_BODY, 'text/plain');

      const state = previous ? stateOf(previous) : new Map<string, string>();
      const knownDigests = new Set(Object.keys(previous?.manifest ?? {}));
      const newContent = new Map<string, string>();
      const media: MediaEntry[] = [...(args.previousRecord?.media ?? [])];

      for (const path of args.removeFiles) {
        const index = media.findIndex((m) => m.path === path);
        if (index < 0 || !state.has(path)) throw new RecordValidationError([{ path: 'removeFiles', message: `${path} is not a file of record ${id}` }]);
        media.splice(index, 1);
        state.delete(path);
      }
      const dangling = media.filter((m) => m.of && !media.some((other) => other.path === m.of));
      if (dangling.length) {
        throw new RecordValidationError(dangling.map((m) => ({ path: 'removeFiles', message: `${m.path} belongs to ${m.of}: remove it too` })));
      }

      const names = new Set<string>();
      for (const file of args.files) {
        const logical = `files/${file.name}`;
        if (names.has(logical)) throw new RecordValidationError([{ path: 'files', message: `${file.name} is given twice` }]);
        names.add(logical);
        const key = `${root}/${contentPath(n, logical)}`;
        const digesting = new DigestingStream();
        const source = toStream(file.body);
        source.on('error', (error) => digesting.destroy(error));
        await putNew(key, source.pipe(digesting), file.contentType);
        const { digest, size } = digesting.result();
        if (knownDigests.has(digest) || newContent.has(digest)) {
          // Identical bytes are already preserved: point at them rather than keep a second copy.
          await this.store.delete(key);
          written.pop();
        } else {
          newContent.set(digest, contentPath(n, logical));
        }
        state.set(logical, digest);
        const entry: MediaEntry = {
          path: logical,
          kind: file.kind,
          digest,
          size,
          type: file.contentType.toLowerCase(),
          ...(file.label ? { label: file.label } : {}),
          ...(file.language ? { language: file.language } : {}),
          ...(file.of ? { of: `files/${file.of}` } : {}),
        };
        const existing = media.findIndex((m) => m.path === logical);
        if (existing >= 0) media[existing] = entry;
        else media.push(entry);
      }

      if (args.mediaOrder) {
        const order = args.mediaOrder;
        if (order.length !== media.length || new Set(order).size !== order.length || !order.every((p) => media.some((m) => m.path === p))) {
          throw new RecordValidationError([{ path: 'mediaOrder', message: 'the new order must list every file of the record once' }]);
        }
        media.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
      }
      const poster = args.poster && media.some((m) => m.path === args.poster) ? args.poster : undefined;

      const previousRecord = args.previousRecord;
      const publishedAt =
        previousRecord?.publishedAt ?? (args.body.status === 'published' ? this.clock().toISOString() : undefined);
      const record = parseOrThrow(HeritageRecord, { ...args.body, id, media, ...(poster ? { poster } : {}), ...(publishedAt ? { publishedAt } : {}) });
      const recordBytes = Buffer.from(JSON.stringify(record, null, 2) + '\n', 'utf8');
      const recordDigest = sha512(recordBytes);
      if (!knownDigests.has(recordDigest) && !newContent.has(recordDigest)) {
        await putNew(`${root}/${contentPath(n, RECORD_FILE)}`, recordBytes, 'application/json');
        newContent.set(recordDigest, contentPath(n, RECORD_FILE));
      }
      state.set(RECORD_FILE, recordDigest);

      if (previous && sameState(state, stateOf(previous))) {
        await this.rollback(written);
        return undefined; // nothing changed: no new version (re-running an import is harmless)
      }

      const inventory = nextInventory({ previous, id, state, newContent, created: this.clock(), message: args.message, user: args.user });
      const bytes = serializeInventory(inventory);
      const sidecar = sidecarBody(sha512(bytes));
      await putNew(`${root}/${versionName(n)}/inventory.json`, bytes, 'application/json');
      await putNew(`${root}/${versionName(n)}/inventory.json.sha512`, sidecar, 'text/plain');
      await this.store.put(`${root}/inventory.json`, bytes, { contentType: 'application/json' });
      written.length = 0; // committed: from here on nothing is rolled back
      await this.store.put(`${root}/inventory.json.sha512`, sidecar, { contentType: 'text/plain' });
      // What a reader would now get, from the bytes just written (rather than reading them back).
      return storedRecord(JSON.parse(bytes.toString('utf8')) as Inventory, JSON.parse(recordBytes.toString('utf8')) as HeritageRecord, n);
    } catch (error) {
      await this.rollback(written);
      if (error instanceof AlreadyExistsError) {
        const now = await this.readInventory(id).catch(() => undefined);
        const actual = now ? headNumber(now) : undefined;
        throw new RecordConflictError(
          id,
          n - 1,
          actual,
          actual === n - 1 ? `version ${n} is being written by someone else, or was left half-written: \`npm run archive -- fsck --repair\` cleans that up` : undefined,
        );
      }
      throw error;
    }
  }

  private async rollback(keys: string[]): Promise<void> {
    for (const key of [...keys].reverse()) await this.store.delete(key).catch(() => undefined);
    keys.length = 0;
  }
}

/** A version as readers see it, from its (head) inventory and its record.json. */
function storedRecord(inventory: Inventory, record: HeritageRecord, version: number): StoredRecord {
  const versions = Object.entries(inventory.versions)
    .map(([name, v]) => ({ number: Number(name.slice(1)), created: v.created, message: v.message, user: v.user }))
    .sort((a, b) => a.number - b.number);
  return {
    record,
    version,
    head: headNumber(inventory),
    versions,
    created: versions[0]!.created,
    modified: versions[versions.length - 1]!.created,
  };
}

function sameState(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [path, digest] of a) if (b.get(path) !== digest) return false;
  return true;
}
