/**
 * The job queue contract on BullMQ, against a real redis-server this test
 * starts on a free loopback port (tests/helpers/redis-server.ts): handles on
 * one Redis, as workers on several machines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';
import { RedisJobQueue, SqliteJobQueue, openJobQueue } from '@/lib/jobs';
import { redisAddress } from '@/lib/jobs/redis-queue';
import { startRedisServer } from '../helpers/redis-server';
import { jobQueueContract } from './job-queue.contract';

jobQueueContract('redis (BullMQ)', async () => {
  const server = await startRedisServer();
  return {
    open: ({ leaseMs }) => new RedisJobQueue(server.url, { leaseMs, maxStalls: 2 }),
    close: () => server.stop(),
  };
});

describe('choosing the queue', () => {
  it('opens BullMQ on Redis when REDIS_URL is set, the SQLite file under DATA_DIR otherwise', async () => {
    const server = await startRedisServer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'disan-jobs-'));
    try {
      const onRedis = openJobQueue(parseConfig({ DATA_DIR: dir, REDIS_URL: server.url }));
      expect(onRedis).toBeInstanceOf(RedisJobQueue);
      expect(await onRedis.counts()).toEqual({ queued: 0, running: 0, done: 0, failed: 0 });
      await onRedis.close();
      const embedded = openJobQueue(parseConfig({ DATA_DIR: dir }));
      expect(embedded).toBeInstanceOf(SqliteJobQueue);
      expect(embedded.where).toBe(path.join(dir, 'jobs', 'jobs.sqlite'));
      await embedded.close();
      expect(redisAddress('redis://disan:s3cret@10.0.0.5:6379/2')).toBe('redis://10.0.0.5:6379/2'); // logs never show the password
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
