/** Opens the object store the configuration names. */
import type { Config } from '../config';
import { LocalObjectStore } from './local';
import { S3ObjectStore } from './s3';
import type { ObjectStore } from './store';

export * from './store';
export { assertValidKey } from './keys';

export function openStore(config: Pick<Config, 'storage'>): ObjectStore {
  const storage = config.storage;
  if (storage.driver === 's3') return new S3ObjectStore(storage);
  return new LocalObjectStore(storage);
}
