/**
 * Resumable uploads (the tus protocol, via @tus/server) for field officers on
 * bad mountain connections: a dropped connection or a closed browser resumes
 * where it stopped. An upload names the record it belongs to; only someone
 * who may edit that record may upload, from the site's own pages, up to the
 * configured size. A finished upload is sniffed, checked against the SHA-512
 * the client may send, and becomes an original in a new version of the record.
 */
import { Server, type Upload } from '@tus/server';
import type { Viewer } from '../access/policy';
import { readVisible } from '../access/reader';
import type { Archive } from '../archive';
import { readCookie, userOf, type AuthServices } from '../auth/login';
import { isSameOrigin } from '../auth/origin';
import { SESSION_COOKIE } from '../auth/sessions';
import { viewerOf, type User } from '../auth/users';
import { nameContentMismatch } from '../media/sniff';
import { sha512OfStream } from '../records/digest';
import { RecordConflictError } from '../records/errors';
import { RECORD_ID_PATTERN } from '../records/schema';
import type { Workflow } from '../workflow/transitions';
import { uploadLocker } from './locker';
import { openStaging, type Staging } from './staging';

export const UPLOAD_PATH = '/api/uploads';

/**
 * The metadata key under which the server records who created an upload. Set
 * from the session at creation (a client-sent value is overwritten), and
 * checked on every later request of the upload.
 */
export const OWNER_KEY = 'owner';

/** Thrown inside tus hooks: @tus/server answers with this status and body. */
function refuse(status: number, vi: string, en: string): never {
  throw { status_code: status, body: `${vi} / ${en}` };
}

/** Someone else's upload reads exactly like one that does not exist, so its id is never confirmed. */
const NOT_FOUND = { vi: 'Không tìm thấy tệp đang tải lên', en: 'Upload not found' };

type Actor = { user: User; viewer: Viewer };

/**
 * A file name as people gave it, if it is only a name: not a path or a dot
 * name, no control characters (NUL included), no invisible formatting such
 * as bidi overrides (which make "gpj.exe" read as "exe.jpg"), no blank
 * around it, at most 200 characters.
 */
export function plainFileName(raw: string | null | undefined): string | undefined {
  const name = raw?.normalize('NFC');
  if (!name || name.length > 200 || name !== name.trim() || /^\.+$/.test(name)) return undefined;
  return /[/\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name) ? undefined : name;
}

/** `staging`: where uploads wait (lib/uploads/staging.ts); the web server passes its own to sweep it. */
export function createUploadServer(archive: Archive, auth: AuthServices, workflow: Workflow, staging: Staging = openStaging(archive.config, archive.store)): Server {
  const { config } = archive;
  const { datastore } = staging;

  async function actorOf(request: Request): Promise<Actor> {
    if (!isSameOrigin(request, config.siteUrl)) refuse(403, 'Yêu cầu không đến từ trang của Di Sản', 'Request from a foreign origin');
    const user = await userOf(auth, readCookie(request, SESSION_COOKIE));
    if (!user) refuse(401, 'Hãy đăng nhập để tải lên', 'Sign in to upload');
    return { user, viewer: viewerOf(user) };
  }

  /** At creation: the named record, if the actor may add files to it (a record they cannot see reads the same). */
  async function recordToUploadTo(viewer: Viewer, recordId: string | null | undefined): Promise<void> {
    if (!recordId || !RECORD_ID_PATTERN.test(recordId)) refuse(400, 'Thiếu mã hồ sơ của tệp', 'Upload-Metadata must name the record (recordId)');
    const read = await readVisible(archive.records, viewer, recordId, 'edit');
    if (!read.ok) refuse(403, 'Bạn không sửa được hồ sơ này', 'You may not add files to this record');
  }

  /**
   * After creation: the upload may be touched only by its creator, while they
   * may still edit its record. Anyone else gets 404, like a missing upload.
   */
  async function authorize({ user, viewer }: Actor, upload: Upload | undefined): Promise<Upload> {
    if (!upload || upload.metadata?.[OWNER_KEY] !== user.username) refuse(404, NOT_FOUND.vi, NOT_FOUND.en);
    const read = await readVisible(archive.records, viewer, upload.metadata?.recordId ?? '', 'edit');
    if (!read.ok && read.reason === 'not-found') refuse(404, NOT_FOUND.vi, NOT_FOUND.en);
    if (!read.ok) refuse(403, 'Bạn không còn sửa được hồ sơ này, nên không thể tải tệp lên tiếp', 'You may no longer add files to this record');
    return upload;
  }

  async function storedUpload(id: string): Promise<Upload | undefined> {
    try {
      return await datastore.getUpload(id);
    } catch (error) {
      if ((error as { status_code?: number }).status_code === 404) return undefined;
      throw error;
    }
  }

  return new Server({
    path: UPLOAD_PATH,
    datastore,
    ...staging.naming,
    maxSize: config.uploadMaxBytes,
    // With REDIS_URL, PATCHes of one upload on different web processes wait for each other (lib/uploads/locker.ts).
    locker: uploadLocker(config),
    relativeLocation: true,
    // Forwarding headers only shape absolute Location URLs, which relative locations never use; and tus
    // cannot tell a trusted proxy (config.trustProxy) from a client that sends the same headers.
    respectForwardedHeaders: false,
    // Every request of an upload must come from a signed-in user of our own pages; every request
    // naming an existing upload, from the user who created it.
    async onIncomingRequest(request, id) {
      const actor = await actorOf(request as unknown as Request);
      if (request.method === 'POST') return; // a new upload: checked in onUploadCreate, once its metadata is parsed
      // Uploads are never read back here: originals are served by /api/files once they belong to a record.
      if (request.method === 'GET') refuse(404, NOT_FOUND.vi, NOT_FOUND.en);
      await authorize(actor, await storedUpload(id));
    },
    async onUploadCreate(request, upload) {
      const { user, viewer } = await actorOf(request as unknown as Request);
      const metadata = upload.metadata ?? {};
      await recordToUploadTo(viewer, metadata.recordId);
      const filename = plainFileName(metadata.filename);
      if (!filename) refuse(400, 'Tên tệp không hợp lệ', 'Invalid file name');
      if (metadata.sha512 && !/^[0-9a-f]{128}$/.test(metadata.sha512)) refuse(400, 'Mã SHA-512 không hợp lệ', 'Invalid sha512 metadata');
      // The owner is the session's user, whatever the client put under that key.
      return { metadata: { ...metadata, filename, [OWNER_KEY]: user.username } };
    },
    async onUploadFinish(request, upload) {
      const actor = await actorOf(request as unknown as Request);
      try {
        await authorize(actor, upload);
        const version = await ingest(archive, workflow, { name: actor.user.username, viewer: actor.viewer }, upload, staging);
        return { headers: { 'X-Record-Version': version } };
      } finally {
        // The original now lives in the archive (or was refused): the staging copy goes either way.
        await staging.drop(upload.id);
      }
    },
    // Whatever went wrong, people get a sentence, never a stack or a server path.
    onResponseError(_request, error) {
      const status = (error as { status_code?: number }).status_code;
      if (status === 404) return { status_code: 404, body: `${NOT_FOUND.vi} / ${NOT_FOUND.en}` };
      if (status && status < 500) return undefined;
      console.error('upload failed:', error);
      return { status_code: 500, body: 'Máy chủ không lưu được tệp; hãy thử lại / The server could not store the upload; please try again' };
    },
  });
}

async function ingest(archive: Archive, workflow: Workflow, actor: { name: string; viewer: ReturnType<typeof viewerOf> }, upload: Upload, staging: Staging): Promise<number> {
  const meta = upload.metadata ?? {};
  const name = meta.filename!.normalize('NFC');
  const sniffed = await staging.sniff(upload.id);
  const notKept: () => never = () =>
    refuse(415, `${name}: không phải loại tệp kho lưu trữ nhận`, `${name}: not a kind of file the archive keeps (photo, audio, video, PDF, captions or text)`);
  if (!sniffed) notKept();
  // The mismatch first: "named .jpg but it is an SVG" says more than "not kept".
  const mismatch = nameContentMismatch(name, sniffed);
  if (mismatch) refuse(415, `${name}: tên và nội dung tệp không khớp`, `${name}: ${mismatch}`);
  // SVG, HTML, XML, playlists: sniff calls them 'other', never an original.
  if (sniffed.kind === 'other') notKept();
  if (meta.sha512) {
    const { digest } = await sha512OfStream(await staging.open(upload.id));
    if (digest !== meta.sha512) refuse(460, `${name}: tệp nhận được khác với tệp đã gửi (sai mã kiểm tra)`, `${name}: checksum mismatch`);
  }
  const textual = sniffed.kind === 'caption' || sniffed.kind === 'transcript';
  // Another editor may save meanwhile: retry on the new head rather than lose a finished upload.
  for (let attempt = 0; ; attempt++) {
    const stored = await archive.records.require(meta.recordId!);
    const body = await staging.open(upload.id);
    try {
      const updated = await workflow.edit(actor, stored.record.id, {
        expectedVersion: stored.head,
        addFiles: [
          {
            name,
            body,
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
    } finally {
      // A refused or conflicting write may not have read it all: let go of the file or the S3 connection.
      body.destroy();
    }
  }
}
