/** The web server's tus upload endpoint, made once per process. */
import 'server-only';
import type { Server } from '@tus/server';
import { createUploadServer } from '../uploads/tus';
import { getArchive } from './archive';
import { getAuth } from './auth';
import { getWorkflow } from './workflow';

let server: Server | undefined;

export function getUploadServer(): Server {
  // Uploads commit new versions; the archive's after-commit work (index, derivative jobs) is wired in openArchive.
  server ??= createUploadServer(getArchive(), getAuth(), getWorkflow());
  return server;
}
