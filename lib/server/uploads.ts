/** The web server's tus upload endpoint, made once per process, and the sweep of its staging. */
import 'server-only';
import type { Server } from '@tus/server';
import { openStaging } from '../uploads/staging';
import { createUploadServer } from '../uploads/tus';
import { getArchive } from './archive';
import { getAuth } from './auth';
import { getWorkflow } from './workflow';

/** How often unfinished uploads past their expiry (a week) are looked for. */
const SWEEP_EVERY_MS = 3600 * 1000;

let server: Server | undefined;

export function getUploadServer(): Server {
  if (server) return server;
  const archive = getArchive();
  const staging = openStaging(archive.config, archive.store);
  // Uploads commit new versions; the archive's after-commit work (index, derivative jobs) is wired in openArchive.
  server = createUploadServer(archive, getAuth(), getWorkflow(), staging);
  // Every web process sweeps: on a shared S3 staging they may meet on the same upload, and the one that
  // comes second fails harmlessly (the next sweep finds nothing), so a failure is only logged.
  const sweep = () => void staging.sweep().catch((error: unknown) => console.error('upload staging sweep failed:', error));
  // The first a minute after start: the file store makes its folder asynchronously.
  setTimeout(sweep, 60_000).unref();
  setInterval(sweep, SWEEP_EVERY_MS).unref();
  return server;
}
