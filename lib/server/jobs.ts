/** The web server's derivative jobs: queued on every commit it makes, run by an in-process worker (the embedded default). */
import 'server-only';
import { registerDerivativeJobs, type DerivativeJobs } from '../jobs';
import { getArchive } from './archive';

let jobs: DerivativeJobs | undefined;

export function getDerivativeJobs(): DerivativeJobs {
  jobs ??= registerDerivativeJobs(getArchive(), { worker: true });
  return jobs;
}
