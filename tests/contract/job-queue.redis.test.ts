/**
 * The job queue contract on BullMQ, against a real redis-server this test
 * starts on a free loopback port (tests/helpers/redis-server.ts): handles on
 * one Redis, as workers on several machines.
 */
import { RedisJobQueue } from '@/lib/jobs';
import { startRedisServer } from '../helpers/redis-server';
import { jobQueueContract } from './job-queue.contract';

jobQueueContract('redis (BullMQ)', async () => {
  const server = await startRedisServer();
  return {
    open: ({ leaseMs }) => new RedisJobQueue(server.url, { leaseMs, maxStalls: 2 }),
    close: () => server.stop(),
  };
});
