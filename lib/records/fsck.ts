/**
 * Fixity and consistency check of the whole archive (`npm run archive -- fsck`).
 *
 * For every record it re-reads every preserved file and compares its SHA-512
 * with the inventory, checks the inventory against its sidecar and the
 * version copies, and finds what an interrupted writer left behind. With
 * `repair`, leftovers are cleaned up (or a fully written but uncommitted
 * version is committed); altered or missing originals are never "repaired":
 * they are reported with record and file so they can be restored from backup.
 */
import { createHash } from 'node:crypto';
import { AlreadyExistsError, NotFoundError, getBuffer, type ListedObject, type ObjectStore } from '../storage';
import { mapConcurrent } from './concurrency';
import { DIGEST_ALGORITHM, sha512 } from './digest';
import {
  Inventory,
  OBJECT_DECLARATION_BODY,
  OBJECT_DECLARATION_NAME,
  RECORD_FILE,
  STORAGE_ROOT,
  headNumber,
  objectRoot,
  parseSidecar,
  serializeInventory,
  sidecarBody,
  stateOf,
  versionName,
} from './ocfl';
import { HeritageRecord, RECORD_ID_PATTERN } from './schema';

export type FindingKind =
  | 'missing-file'
  | 'altered-file'
  | 'bad-inventory'
  | 'bad-sidecar'
  | 'missing-version-inventory'
  | 'bad-declaration'
  | 'bad-record'
  | 'half-written-version'
  | 'half-created-record'
  | 'stray-file'
  | 'unclaimed-id';

export interface Finding {
  id: string;
  kind: FindingKind;
  /** error: data is damaged and must be restored from a backup; leftover: harmless debris or an unfinished write that --repair settles. */
  severity: 'error' | 'leftover';
  message: string;
  /** The content path inside the object, when the finding is about one file. */
  file?: string;
  /** Logical paths (as users know them) that use that content. */
  logicalPaths?: string[];
  repaired?: boolean;
}

export interface FsckOptions {
  repair?: boolean;
  /** Called once the number of records is known, then after each record. */
  onProgress?: (done: number, total: number, id: string) => void;
  /**
   * Records checked at once (4 by default). Each record is its own object, so
   * checks (and repairs) of different records never touch the same keys;
   * findings still come in record order.
   */
  concurrency?: number;
}

const DEFAULT_FSCK_CONCURRENCY = 4;

export interface FsckSummary {
  records: number;
  files: number;
  bytes: number;
  findings: Finding[];
  /** Findings that remain (after repair, if asked). */
  unresolved: number;
}

/** Files up to this size are read whole to be hashed (one read, where a stream costs several round trips). */
const WHOLE_READ_BYTES = 1024 * 1024;

/** SHA-512 of an object; `size` is what the listing said, to choose a whole read or a stream. */
async function digestOf(store: ObjectStore, key: string, size: number): Promise<string> {
  if (size <= WHOLE_READ_BYTES) return sha512(await getBuffer(store, key));
  const { body } = await store.get(key);
  const hash = createHash(DIGEST_ALGORITHM);
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function tryBuffer(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  try {
    return await getBuffer(store, key);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Groups the keys under records/ by object id, streaming (keys arrive in order). */
async function* objectsInStore(store: ObjectStore): AsyncGenerator<{ id: string; keys: ListedObject[] }> {
  let current: { id: string; keys: ListedObject[] } | undefined;
  for await (const item of store.list(`${STORAGE_ROOT}/`)) {
    const rest = item.key.slice(STORAGE_ROOT.length + 1);
    const slash = rest.indexOf('/');
    if (slash < 0) continue; // storage root declaration and layout
    const id = rest.slice(0, slash);
    if (current && current.id !== id) {
      yield current;
      current = undefined;
    }
    current ??= { id, keys: [] };
    current.keys.push({ ...item, key: rest.slice(slash + 1) });
  }
  if (current) yield current;
}

export async function fsck(store: ObjectStore, options: FsckOptions = {}): Promise<FsckSummary> {
  const claimed = new Set<string>();
  for await (const item of store.list('system/ids/')) claimed.add(item.key.slice('system/ids/'.length));
  const summary: FsckSummary = { records: 0, files: 0, bytes: 0, findings: [], unresolved: 0 };
  const total = claimed.size;
  options.onProgress?.(0, total, '');
  let done = 0;
  const checked = mapConcurrent(objectsInStore(store), options.concurrency ?? DEFAULT_FSCK_CONCURRENCY, async ({ id, keys }) => {
    const checker = new ObjectChecker(store, id, keys, options.repair ?? false);
    await checker.check();
    return checker;
  });
  for await (const checker of checked) {
    const { id } = checker;
    summary.findings.push(...checker.findings);
    summary.files += checker.files;
    summary.bytes += checker.bytes;
    if (checker.hasObject) summary.records++;
    if (!claimed.has(id) && RECORD_ID_PATTERN.test(id)) {
      const finding: Finding = { id, kind: 'unclaimed-id', severity: 'leftover', message: `record ${id} exists but its id is not registered in system/ids` };
      if (options.repair) {
        await store.putIfAbsent(`system/ids/${id}`, JSON.stringify({ claimed: new Date().toISOString(), by: 'fsck' })).catch((e) => {
          if (!(e instanceof AlreadyExistsError)) throw e;
        });
        finding.repaired = true;
      }
      summary.findings.push(finding);
    }
    claimed.delete(id);
    options.onProgress?.(++done, Math.max(total, done), id);
  }
  // Ids claimed but never written need nothing: a create that failed validation, or was cut short before its first file.
  summary.unresolved = summary.findings.filter((f) => !f.repaired).length;
  return summary;
}

class ObjectChecker {
  readonly findings: Finding[] = [];
  files = 0;
  bytes = 0;
  hasObject = false;
  private readonly root: string;
  private readonly present: Map<string, ListedObject>;

  constructor(
    private readonly store: ObjectStore,
    readonly id: string,
    keys: ListedObject[],
    private readonly repair: boolean,
  ) {
    this.root = objectRoot(id);
    this.present = new Map(keys.map((k) => [k.key, k]));
  }

  private report(finding: Omit<Finding, 'id'>): Finding {
    const full = { id: this.id, ...finding };
    this.findings.push(full);
    return full;
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (const key of keys) await this.store.delete(`${this.root}/${key}`);
  }

  async check(): Promise<void> {
    const rootBytes = this.present.has('inventory.json') ? await tryBuffer(this.store, `${this.root}/inventory.json`) : undefined;
    if (!rootBytes) {
      await this.checkUncommittedObject();
      return;
    }
    this.hasObject = true;
    let inventory: Inventory;
    try {
      inventory = Inventory.parse(JSON.parse(rootBytes.toString('utf8')));
    } catch (error) {
      this.report({ kind: 'bad-inventory', severity: 'error', file: 'inventory.json', message: `record ${this.id}: inventory.json is damaged (${(error as Error).message.slice(0, 160)})` });
      return;
    }
    const head = headNumber(inventory);
    await this.checkDeclaration();
    await this.checkSidecarsAndVersionInventories(inventory, rootBytes);
    await this.checkContent(inventory);
    await this.checkRecordJson(inventory);
    await this.checkLeftovers(inventory, head);
  }

  private async checkDeclaration(): Promise<void> {
    const body = await tryBuffer(this.store, `${this.root}/${OBJECT_DECLARATION_NAME}`);
    if (body?.toString('utf8') === OBJECT_DECLARATION_BODY) return;
    const finding = this.report({ kind: 'bad-declaration', severity: 'leftover', file: OBJECT_DECLARATION_NAME, message: `record ${this.id}: object declaration ${OBJECT_DECLARATION_NAME} is ${body ? 'wrong' : 'missing'}` });
    if (this.repair) {
      await this.store.put(`${this.root}/${OBJECT_DECLARATION_NAME}`, OBJECT_DECLARATION_BODY);
      finding.repaired = true;
    }
  }

  private async checkSidecarsAndVersionInventories(inventory: Inventory, rootBytes: Buffer): Promise<void> {
    const rootDigest = sha512(rootBytes);
    const headCopy = await tryBuffer(this.store, `${this.root}/${inventory.head}/inventory.json`);
    const sidecar = await tryBuffer(this.store, `${this.root}/inventory.json.sha512`);
    if (parseSidecar(sidecar?.toString('utf8') ?? '') !== rootDigest) {
      // The commit writes inventory.json, then its sidecar: a crash between leaves exactly this.
      const provable = headCopy?.equals(rootBytes);
      const finding = this.report({
        kind: 'bad-sidecar',
        severity: provable ? 'leftover' : 'error',
        file: 'inventory.json.sha512',
        message: `record ${this.id}: inventory.json.sha512 ${sidecar ? 'does not match inventory.json' : 'is missing'}${provable ? ' (the inventory equals its version copy: an interrupted commit)' : ''}`,
      });
      if (this.repair && provable) {
        await this.store.put(`${this.root}/inventory.json.sha512`, sidecarBody(rootDigest));
        finding.repaired = true;
      }
    }
    if (!headCopy || !headCopy.equals(rootBytes)) {
      const finding = this.report({
        kind: 'missing-version-inventory',
        severity: 'leftover',
        file: `${inventory.head}/inventory.json`,
        message: `record ${this.id}: ${inventory.head}/inventory.json ${headCopy ? 'differs from' : 'is missing beside'} the head inventory`,
      });
      if (this.repair && !headCopy) {
        await this.store.put(`${this.root}/${inventory.head}/inventory.json`, rootBytes);
        await this.store.put(`${this.root}/${inventory.head}/inventory.json.sha512`, sidecarBody(rootDigest));
        finding.repaired = true;
      }
    }
  }

  private async checkContent(inventory: Inventory): Promise<void> {
    const logicalByDigest = new Map<string, Set<string>>();
    for (const version of Object.values(inventory.versions)) {
      for (const [digest, paths] of Object.entries(version.state)) {
        const set = logicalByDigest.get(digest) ?? new Set<string>();
        paths.forEach((p) => set.add(p));
        logicalByDigest.set(digest, set);
      }
    }
    for (const [expected, contentPaths] of Object.entries(inventory.manifest)) {
      for (const path of contentPaths) {
        const logicalPaths = [...(logicalByDigest.get(expected) ?? [])];
        const names = logicalPaths.join(', ') || path;
        this.files++;
        if (!this.present.has(path)) {
          this.report({ kind: 'missing-file', severity: 'error', file: path, logicalPaths, message: `record ${this.id}: file ${names} (${path}) is missing` });
          continue;
        }
        this.bytes += this.present.get(path)!.size;
        let actual: string;
        try {
          actual = await digestOf(this.store, `${this.root}/${path}`, this.present.get(path)!.size);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          this.report({ kind: 'missing-file', severity: 'error', file: path, logicalPaths, message: `record ${this.id}: file ${names} (${path}) is missing` });
          continue;
        }
        if (actual !== expected) {
          this.report({
            kind: 'altered-file',
            severity: 'error',
            file: path,
            logicalPaths,
            message: `record ${this.id}: file ${names} (${path}) is altered: sha512 ${actual.slice(0, 16)}… instead of ${expected.slice(0, 16)}…`,
          });
        }
      }
    }
  }

  private async checkRecordJson(inventory: Inventory): Promise<void> {
    const state = stateOf(inventory);
    const digest = state.get(RECORD_FILE);
    const path = digest ? inventory.manifest[digest]?.[0] : undefined;
    if (!path) {
      this.report({ kind: 'bad-record', severity: 'error', message: `record ${this.id}: head version has no ${RECORD_FILE}` });
      return;
    }
    const bytes = await tryBuffer(this.store, `${this.root}/${path}`);
    if (!bytes) return; // already reported as missing
    const parsed = (() => {
      try {
        return HeritageRecord.safeParse(JSON.parse(bytes.toString('utf8')));
      } catch {
        return undefined;
      }
    })();
    if (!parsed?.success) {
      this.report({ kind: 'bad-record', severity: 'error', file: path, message: `record ${this.id}: ${RECORD_FILE} does not match the record schema` });
      return;
    }
    for (const media of parsed.data.media) {
      if (state.get(media.path) !== media.digest) {
        this.report({ kind: 'bad-record', severity: 'error', file: path, message: `record ${this.id}: ${RECORD_FILE} lists ${media.path} with a digest the inventory does not have` });
      }
    }
  }

  /** Keys in the object that no committed version accounts for. */
  private async checkLeftovers(inventory: Inventory, head: number): Promise<void> {
    const expected = new Set<string>([OBJECT_DECLARATION_NAME, 'inventory.json', 'inventory.json.sha512']);
    for (let v = 1; v <= head; v++) {
      expected.add(`${versionName(v)}/inventory.json`);
      expected.add(`${versionName(v)}/inventory.json.sha512`);
    }
    for (const paths of Object.values(inventory.manifest)) paths.forEach((p) => expected.add(p));
    const later = new Map<number, string[]>();
    const stray: string[] = [];
    for (const key of this.present.keys()) {
      if (expected.has(key)) continue;
      const version = /^v([1-9]\d*)\//.exec(key);
      if (version && Number(version[1]) > head) {
        const n = Number(version[1]);
        later.set(n, [...(later.get(n) ?? []), key]);
      } else {
        stray.push(key);
      }
    }
    if (stray.length) {
      const finding = this.report({ kind: 'stray-file', severity: 'leftover', message: `record ${this.id}: files no version refers to (left by a writer that lost a race or was killed): ${stray.join(', ')}` });
      if (this.repair) {
        await this.deleteKeys(stray);
        finding.repaired = true;
      }
    }
    for (const [n, keys] of [...later].sort(([a], [b]) => a - b)) {
      const committed = n === head + 1 && (await this.tryCommitPrepared(inventory, n));
      const finding = this.report({
        kind: 'half-written-version',
        severity: 'leftover',
        message: `record ${this.id}: ${versionName(n)} was ${committed ? 'fully written but not committed' : 'left half-written'} (${keys.length} files)${this.repair ? (committed ? '; committed it' : '; removed it') : ''}`,
      });
      if (this.repair) {
        if (!committed) await this.deleteKeys(keys);
        finding.repaired = true;
      }
    }
  }

  /**
   * A version whose own inventory and every new file are in place lacks only
   * the root inventory: with repair, commit it (the writer did all the work).
   */
  private async tryCommitPrepared(previous: Inventory, n: number): Promise<boolean> {
    const bytes = await tryBuffer(this.store, `${this.root}/${versionName(n)}/inventory.json`);
    if (!bytes) return false;
    let prepared: Inventory;
    try {
      prepared = Inventory.parse(JSON.parse(bytes.toString('utf8')));
    } catch {
      return false;
    }
    if (headNumber(prepared) !== n || !serializeInventory(prepared).equals(bytes)) return false;
    for (const [name, version] of Object.entries(previous.versions)) {
      if (JSON.stringify(prepared.versions[name]) !== JSON.stringify(version)) return false;
    }
    for (const [digest, paths] of Object.entries(prepared.manifest)) {
      if (previous.manifest[digest]) continue;
      for (const path of paths) {
        if (!this.present.has(path)) return false;
        if ((await digestOf(this.store, `${this.root}/${path}`, this.present.get(path)!.size)) !== digest) return false;
      }
    }
    if (!this.repair) return true;
    const sidecar = sidecarBody(sha512(bytes));
    if (!this.present.has(`${versionName(n)}/inventory.json.sha512`)) await this.store.put(`${this.root}/${versionName(n)}/inventory.json.sha512`, sidecar);
    await this.store.put(`${this.root}/inventory.json`, bytes, { contentType: 'application/json' });
    await this.store.put(`${this.root}/inventory.json.sha512`, sidecar);
    return true;
  }

  /** An object folder without a root inventory: a create that never reached its commit. */
  private async checkUncommittedObject(): Promise<void> {
    const keys = [...this.present.keys()];
    if (keys.length === 0) return;
    const finding = this.report({
      kind: 'half-created-record',
      severity: 'leftover',
      message: `record ${this.id}: creation was interrupted before its first version was committed (${keys.length} files)${this.repair ? '; removed them' : ''}`,
    });
    if (this.repair) {
      await this.deleteKeys(keys);
      finding.repaired = true;
    }
  }
}
