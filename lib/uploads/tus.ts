/**
 * Resumable uploads (the tus protocol, via @tus/server) for field officers on
 * bad mountain connections: a dropped connection or a closed browser resumes
 * where it stopped. An upload names the record it belongs to; only someone
 * who may edit that record may upload, from the site's own pages, up to the
 * configured size. A finished upload is sniffed, checked against the SHA-512
 * the client may send, and becomes an original in a new version of the record.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import { mayPerform } from '../access/policy';
import type { Archive } from '../archive';
import { readCookie, userOf, type AuthServices } from '../auth/login';
import { isSameOrigin } from '../auth/origin';
import { SESSION_COOKIE } from '../auth/sessions';
import { viewerOf } from '../auth/users';
import { nameContentMismatch, sniffFile } from '../media/sniff';
import { sha512OfStream } from '../records/digest';
import { RecordConflictError } from '../records/errors';
import { RECORD_ID_PATTERN } from '../records/schema';
import type { Workflow } from '../workflow/transitions';

export const UPLOAD_PATH = '/api/uploads';

/** Thrown inside tus hooks: @tus/server answers with this status and body. */
function refuse(status: number, vi: string, en: string): never {
  throw { status_code: status, body: `${vi} / ${en}` };
}

export function createUploadServer(archive: Archive, auth: AuthServices, workflow: Workflow): Server {
  const { config } = archive;

  async function actorOf(request: Request) {
    if (!isSameOrigin(request, config.siteUrl)) refuse(403, 'Yêu cầu không đến từ trang của Di Sản', 'Request from a foreign origin');
    const user = await userOf(auth, readCookie(request, SESSION_COOKIE));
    if (!user) refuse(401, 'Hãy đăng nhập để tải lên', 'Sign in to upload');
    return { user, viewer: viewerOf(user) };
  }

  async function editableRecord(viewer: ReturnType<typeof viewerOf>, recordId: string | null | undefined) {
    if (!recordId || !RECORD_ID_PATTERN.test(recordId)) refuse(400, 'Thiếu mã hồ sơ của tệp', 'Upload-Metadata must name the record (recordId)');
    const stored = await archive.records.get(recordId);
    if (!stored || !mayPerform(viewer, 'edit', stored.record)) refuse(403, 'Bạn không sửa được hồ sơ này', 'You may not add files to this record');
    return stored;
  }

  return new Server({
    path: UPLOAD_PATH,
    datastore: new FileStore({ directory: config.uploadDir, expirationPeriodInMilliseconds: 7 * 24 * 3600 * 1000 }),
    maxSize: config.uploadMaxBytes,
    relativeLocation: true,
    respectForwardedHeaders: true,
    // Every request of an upload (create, each PATCH, HEAD to resume) must come from a signed-in user of our own pages.
    async onIncomingRequest(request) {
      await actorOf(request as unknown as Request);
    },
    async onUploadCreate(request, upload) {
      const { viewer } = await actorOf(request as unknown as Request);
      await editableRecord(viewer, upload.metadata?.recordId);
      const name = upload.metadata?.filename?.normalize('NFC');
      if (!name || !/^[^/\\\0\u0001-\u001f]{1,200}$/.test(name)) refuse(400, 'Tên tệp không hợp lệ', 'Invalid file name');
      if (upload.metadata?.sha512 && !/^[0-9a-f]{128}$/.test(upload.metadata.sha512)) refuse(400, 'Mã SHA-512 không hợp lệ', 'Invalid sha512 metadata');
      return { metadata: upload.metadata };
    },
    async onUploadFinish(request, upload) {
      const { user, viewer } = await actorOf(request as unknown as Request);
      const file = path.join(config.uploadDir, upload.id);
      try {
        const version = await ingest(archive, workflow, { name: user.username, viewer }, upload, file);
        return { headers: { 'X-Record-Version': version } };
      } finally {
        // The original now lives in the archive (or was refused): the staging copy goes either way.
        await fs.rm(file, { force: true });
        await fs.rm(`${file}.json`, { force: true });
      }
    },
  });
}

async function ingest(archive: Archive, workflow: Workflow, actor: { name: string; viewer: ReturnType<typeof viewerOf> }, upload: Upload, file: string): Promise<number> {
  const meta = upload.metadata ?? {};
  const name = meta.filename!.normalize('NFC');
  const sniffed = await sniffFile(file);
  if (!sniffed || sniffed.kind === 'other') refuse(415, `${name}: không phải loại tệp kho lưu trữ nhận`, `${name}: not a kind of file the archive keeps`);
  const mismatch = nameContentMismatch(name, sniffed);
  if (mismatch) refuse(415, `${name}: tên và nội dung tệp không khớp`, `${name}: ${mismatch}`);
  if (meta.sha512) {
    const { digest } = await sha512OfStream(createReadStream(file));
    if (digest !== meta.sha512) refuse(460, `${name}: tệp nhận được khác với tệp đã gửi (sai mã kiểm tra)`, `${name}: checksum mismatch`);
  }
  const textual = sniffed.kind === 'caption' || sniffed.kind === 'transcript';
  // Another editor may save meanwhile: retry on the new head rather than lose a finished upload.
  for (let attempt = 0; ; attempt++) {
    const stored = await archive.records.require(meta.recordId!);
    try {
      const updated = await workflow.edit(actor, stored.record.id, {
        expectedVersion: stored.head,
        addFiles: [
          {
            name,
            body: createReadStream(file),
            contentType: sniffed.mime,
            kind: sniffed.kind,
            // Captions and transcripts: their language and the recording they belong to, when the uploader said.
            ...(textual && meta.language && /^[a-z]{3}$/.test(meta.language) ? { language: meta.language } : {}),
            ...(textual && meta.of && stored.record.media.some((m) => m.path === `files/${meta.of!.normalize('NFC')}`) ? { of: meta.of.normalize('NFC') } : {}),
          },
        ],
        message: `Tải lên ${name}`,
      });
      return updated.head;
    } catch (error) {
      if (!(error instanceof RecordConflictError) || attempt >= 3) throw error;
    }
  }
}
