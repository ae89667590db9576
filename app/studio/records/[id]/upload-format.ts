/**
 * Sizes, speeds and time left as an officer reads them: Vietnamese words,
 * a decimal comma ("1,2 MB/s"), and times rounded the way people say them
 * ("còn khoảng 3 phút"), since a 3G line's speed changes by the second.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** One decimal below 10 ("1,2 MB"), none above ("12 MB", "350 KB"). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** "còn khoảng 3 phút"; undefined when the time left is unknown (no speed yet, or a stalled line). */
export function formatTimeLeft(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  if (seconds < 10) return 'còn vài giây';
  if (seconds < 55) return `còn khoảng ${Math.ceil(seconds / 5) * 5} giây`;
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return `còn khoảng ${minutes} phút`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `còn khoảng ${hours} giờ${rest ? ` ${rest} phút` : ''}`;
}

/**
 * Upload speed over the last few seconds: recent enough to follow a line
 * that slows down, long enough not to jump with every chunk.
 */
export class SpeedMeter {
  private samples: { bytes: number; at: number }[] = [];

  constructor(private readonly windowMs = 8000) {}

  /** bytes: sent so far; at: a clock in ms (performance.now() in the browser). */
  sample(bytes: number, at: number): void {
    const last = this.samples.at(-1);
    // tus resumes from what the server has, which may be less than was sent: the old samples mean nothing now.
    if (last && bytes < last.bytes) this.samples = [];
    this.samples.push({ bytes, at });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    // Two samples far apart say nothing about now either.
    if (this.samples.length === 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  /** undefined until at least half a second of sending has been seen. */
  bytesPerSecond(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 500) return undefined;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  reset(): void {
    this.samples = [];
  }
}
