/** Helpers shared by the server-rendered players and their client enhancers (kept tiny: client bundles import this module). */

export const HLS_MIME = 'application/vnd.apple.mpegurl';

/** 12.3 → "0:12", 3723 → "1:02:03". */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * The index of the cue playing at `time` in cues sorted by start, or −1.
 * Where cues overlap, the one that started last wins (it is the one being
 * said). Binary search: called on every animation frame while playing.
 */
export function cueIndexAt(cues: ReadonlyArray<{ start: number; end: number }>, time: number): number {
  let lo = 0;
  let hi = cues.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid]!.start <= time) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  // The last cue started by now; if it has ended, an earlier, longer one may still run.
  for (let i = found; i >= 0 && i > found - 8; i--) if (time < cues[i]!.end) return i;
  return -1;
}

/** Whether to bring in hls.js: the browser has no HLS of its own but has Media Source Extensions. */
export function shouldUseHlsJs(nativeHls: string, hasMediaSource: boolean): boolean {
  return nativeHls === '' && hasMediaSource;
}
