/** The web server's archive: opened once per process, on first use, with the embedded derivative worker. */
import 'server-only';
import { openArchive, type OpenArchive } from '../archive';
import { getConfig } from '../config';

let archive: OpenArchive | undefined;

export function getArchive(): OpenArchive {
  archive ??= openArchive(getConfig(), { worker: true });
  return archive;
}
