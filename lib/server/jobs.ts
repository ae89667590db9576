/** The web server's derivative jobs: the archive's queue, run by its in-process worker (the embedded default). */
import 'server-only';
import type { ArchiveJobs } from '../archive';
import { getArchive } from './archive';

export function getDerivativeJobs(): ArchiveJobs {
  return getArchive().jobs();
}
