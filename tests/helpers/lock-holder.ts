/**
 * A web process holding one upload's lock on Redis (lib/uploads/locker.ts)
 * until it is killed: prints `locked` once it holds it, and `asked` each time
 * another process asks it to let go (it never does).
 * Usage: node --import tsx lock-holder.ts <redisUrl> <uploadId> <lockTimeoutMs>
 */
import { RedisLocker } from '../../lib/uploads/locker';

const [url, id, lockTimeoutMs] = process.argv.slice(2) as [string, string, string];
const locker = new RedisLocker(url, { lockTimeoutMs: Number(lockTimeoutMs), refreshEveryMs: Math.round(Number(lockTimeoutMs) / 4) });
await locker.newLock(id).lock(new AbortController().signal, () => void process.stdout.write('asked\n'));
process.stdout.write('locked\n');
// Refresh timers are unref'd: something must keep the process alive until the kill.
setInterval(() => undefined, 60_000);
