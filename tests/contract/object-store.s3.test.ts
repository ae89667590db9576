import { S3ObjectStore } from '@/lib/storage/s3';
import { startS3Server } from '../helpers/s3-server';
import { objectStoreContract } from './object-store.contract';

objectStoreContract('s3 (s3rver on 127.0.0.1)', async () => {
  const server = await startS3Server();
  const store = new S3ObjectStore({
    bucket: server.bucket,
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    partSizeBytes: 5 * 1024 * 1024,
  });
  return {
    store,
    atomicCreateUnsupported:
      's3rver ignores If-None-Match, so only the HEAD-before-PUT check runs; AWS S3, MinIO and Ceph enforce the condition atomically',
    atomicReplaceUnsupported: 's3rver overwrites the object file in place while it is being read; S3 replaces objects atomically',
    byteOrderUnsupported: "s3rver pages through its folder tree and drops or misorders keys like 'a-b' next to folder 'a/'",
    close: () => server.stop(),
  };
});
