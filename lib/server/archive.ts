/**
 * The web server's archive: opened once per process, on first use, with the embedded derivative worker
 * (unless MEDIA_WEB_WORKER is off: the default with REDIS_URL, where `npm run worker` processes run the jobs).
 */
import 'server-only';
import { openArchive, type OpenArchive } from '../archive';
import { getConfig } from '../config';

let archive: OpenArchive | undefined;

export function getArchive(): OpenArchive {
  if (!archive) {
    const config = getConfig();
    archive = openArchive(config, { worker: config.media.webWorker });
  }
  return archive;
}
