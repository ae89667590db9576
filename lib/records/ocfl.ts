/**
 * The OCFL 1.1 object format (https://ocfl.io/1.1/spec/), written over the
 * ObjectStore so it works the same on a folder and on S3. One record is one
 * OCFL object at records/<id>/ (storage layout extension
 * 0002-flat-direct-storage-layout):
 *
 *   0=ocfl_object_1.1          object declaration
 *   inventory.json (+.sha512)  the head inventory: manifest + every version
 *   v1/inventory.json (+.sha512)
 *   v1/content/record.json     metadata of version 1
 *   v1/content/files/<name>    originals added in version 1
 *   v2/…                       only what changed
 *
 * This module is pure: it builds and checks inventories; the repository
 * decides the order of writes.
 */
import { z } from 'zod';
import { DIGEST_ALGORITHM } from './digest';

export const OCFL_VERSION = '1.1';
export const STORAGE_ROOT = 'records';
export const STORAGE_DECLARATION = { key: `${STORAGE_ROOT}/0=ocfl_1.1`, body: 'ocfl_1.1\n' };
export const STORAGE_LAYOUT = {
  key: `${STORAGE_ROOT}/ocfl_layout.json`,
  body: JSON.stringify(
    {
      extension: '0002-flat-direct-storage-layout',
      description: 'Each record is an OCFL object directly under the storage root, named by its 8-character record id.',
    },
    null,
    2,
  ),
};
export const OBJECT_DECLARATION_NAME = '0=ocfl_object_1.1';
export const OBJECT_DECLARATION_BODY = 'ocfl_object_1.1\n';
export const INVENTORY_TYPE = 'https://ocfl.io/1.1/spec/#inventory';
export const RECORD_FILE = 'record.json';

const Digest = z.string().regex(/^[0-9a-f]{128}$/);
const PathList = z.array(z.string().min(1)).min(1);

export const VersionUser = z.object({ name: z.string().min(1), address: z.string().min(1).optional() });
export type VersionUser = z.infer<typeof VersionUser>;

export const OcflVersion = z.object({
  created: z.string().min(1),
  state: z.record(Digest, PathList),
  message: z.string().optional(),
  user: VersionUser.optional(),
});
export type OcflVersion = z.infer<typeof OcflVersion>;

export const Inventory = z.object({
  id: z.string().min(1),
  type: z.literal(INVENTORY_TYPE),
  digestAlgorithm: z.literal(DIGEST_ALGORITHM),
  head: z.string().regex(/^v[1-9]\d*$/),
  contentDirectory: z.literal('content').optional(),
  manifest: z.record(Digest, PathList),
  versions: z.record(z.string().regex(/^v[1-9]\d*$/), OcflVersion),
});
export type Inventory = z.infer<typeof Inventory>;

export function objectRoot(id: string): string {
  return `${STORAGE_ROOT}/${id}`;
}

export function objectUri(id: string): string {
  return `urn:x-di-san:record:${id}`;
}

export function versionName(n: number): string {
  return `v${n}`;
}

export function versionNumber(name: string): number {
  const match = /^v([1-9]\d*)$/.exec(name);
  if (!match) throw new Error(`not an OCFL version name: ${name}`);
  return Number(match[1]);
}

export function headNumber(inventory: Inventory): number {
  return versionNumber(inventory.head);
}

/** Content path of a file first stored in version n: v3/content/files/x.wav. */
export function contentPath(n: number, logicalPath: string): string {
  return `${versionName(n)}/content/${logicalPath}`;
}

/** Logical path → digest for one version. */
export function stateOf(inventory: Inventory, version = inventory.head): Map<string, string> {
  const state = inventory.versions[version]?.state;
  if (!state) throw new Error(`${inventory.id} has no version ${version}`);
  const byPath = new Map<string, string>();
  for (const [digest, paths] of Object.entries(state)) for (const p of paths) byPath.set(p, digest);
  return byPath;
}

/** Stable serialisation: the same inventory always gives the same bytes and sidecar digest. */
export function serializeInventory(inventory: Inventory): Buffer {
  return Buffer.from(JSON.stringify(inventory, null, 2) + '\n', 'utf8');
}

export function sidecarBody(inventoryDigest: string): string {
  return `${inventoryDigest} inventory.json\n`;
}

export function parseSidecar(body: string): string | undefined {
  return /^([0-9a-f]{128})[ \t]+inventory\.json\s*$/.exec(body.trim())?.[1];
}

export interface NextVersionInput {
  previous?: Inventory;
  id: string;
  /** Logical path → digest, the complete state of the new version. */
  state: Map<string, string>;
  /** Digest → content path, for content first stored in this version. */
  newContent: Map<string, string>;
  created: Date;
  message?: string;
  user?: VersionUser;
}

/** The inventory after adding one version. */
export function nextInventory(input: NextVersionInput): Inventory {
  const n = input.previous ? headNumber(input.previous) + 1 : 1;
  const manifest: Record<string, string[]> = structuredClone(input.previous?.manifest ?? {});
  for (const [digest, path] of input.newContent) {
    if (manifest[digest]) throw new Error(`content ${digest.slice(0, 12)}… is already in the manifest`);
    manifest[digest] = [path];
  }
  const state: Record<string, string[]> = {};
  for (const [logical, digest] of [...input.state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!manifest[digest]) throw new Error(`state of ${logical} refers to content that is not in the manifest`);
    (state[digest] ??= []).push(logical);
  }
  const version: OcflVersion = { created: input.created.toISOString(), state };
  if (input.message) version.message = input.message;
  if (input.user) version.user = input.user;
  return {
    id: objectUri(input.id),
    type: INVENTORY_TYPE,
    digestAlgorithm: DIGEST_ALGORITHM,
    head: versionName(n),
    contentDirectory: 'content',
    manifest,
    versions: { ...(input.previous?.versions ?? {}), [versionName(n)]: version },
  };
}
