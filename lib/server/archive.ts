/** The web server's archive: opened once per process, on first use. */
import 'server-only';
import { openArchive, type Archive } from '../archive';

let archive: Archive | undefined;

export function getArchive(): Archive {
  archive ??= openArchive();
  return archive;
}
