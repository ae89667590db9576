/** A page under load for `npm run bench:pages`: autocannon 8, N keep-alive connections for a fixed time. */
import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  durationS: number;
  /** Successful (2xx) responses per second over the run. */
  rps: number;
  ok: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  failed: number;
  timeouts: number;
  /** Latency percentiles of the responses that came back, ms (NaN when none did). */
  p50Ms: number;
  p99Ms: number;
}

export function loadTest(url: string, options: { connections: number; durationS: number; timeoutS?: number; onStart?: (stop: () => void) => void }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: options.connections, duration: options.durationS, timeout: options.timeoutS ?? 30, headers: { 'accept-encoding': 'gzip, deflate, br', accept: 'text/html' } },
      (error, result) => {
        if (error) return reject(error);
        const ok = result['2xx'];
        const answered = ok + result.non2xx;
        resolve({
          connections: options.connections,
          durationS: result.duration,
          rps: ok / (result.duration || options.durationS),
          ok,
          failed: result.non2xx + result.errors,
          timeouts: result.timeouts,
          p50Ms: answered ? result.latency.p50 : NaN,
          p99Ms: answered ? result.latency.p99 : NaN,
        });
      },
    );
    options.onStart?.(() => instance.stop());
  });
}
