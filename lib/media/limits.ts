/** The bounds every decoder runs under; built from Config.media (lib/config.ts) or set by tests. */
import type { MediaConfig } from '../config';

export type MediaLimits = Pick<MediaConfig, 'toolTimeoutMs' | 'maxDurationSeconds' | 'maxImagePixels' | 'maxImageBytes'>;

export const DEFAULT_LIMITS: MediaLimits = {
  toolTimeoutMs: 3_600_000,
  maxDurationSeconds: 14_400,
  maxImagePixels: 150_000_000,
  maxImageBytes: 300 * 1024 * 1024,
};
