'use client';
/**
 * Uploads originals with tus-js-client: progress, pause and resume, automatic
 * retries when the connection drops, and resumption after the browser was
 * closed (tus-js-client remembers unfinished uploads in localStorage).
 */
import { useRef, useState } from 'react';
import type { Upload } from 'tus-js-client';

type Status = { kind: 'idle' } | { kind: 'uploading' | 'paused'; percent: number; name: string } | { kind: 'retrying'; percent: number; name: string } | { kind: 'done'; name: string } | { kind: 'error'; message: string };

export function Uploader({ recordId, maxBytes, timedMedia }: { recordId: string; maxBytes: number; timedMedia: string[] }) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const upload = useRef<Upload | null>(null);
  const [captionLanguage, setCaptionLanguage] = useState('vie');
  const [captionOf, setCaptionOf] = useState(timedMedia[0] ?? '');

  async function start(file: File) {
    if (file.size > maxBytes) {
      setStatus({ kind: 'error', message: `Tệp quá lớn (tối đa ${Math.round(maxBytes / 1024 / 1024)} MB) / File too large` });
      return;
    }
    // Loaded on demand: the studio page itself ships no upload code until a file is chosen.
    const tus = await import('tus-js-client');
    const current = new tus.Upload(file, {
      endpoint: '/api/uploads',
      chunkSize: 2 * 1024 * 1024,
      // Mountain connections drop for minutes: keep trying, slower each time.
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000],
      // Captions and transcripts say which language they are in and which recording they belong to.
      metadata: { filename: file.name, filetype: file.type, recordId, ...(/\.(vtt|srt|txt)$/i.test(file.name) ? { language: captionLanguage, ...(captionOf ? { of: captionOf } : {}) } : {}) },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => setStatus({ kind: 'uploading', percent: Math.floor((100 * sent) / total), name: file.name }),
      onShouldRetry: () => {
        setStatus((s) => ({ kind: 'retrying', percent: 'percent' in s ? s.percent : 0, name: file.name }));
        return true;
      },
      onSuccess: () => {
        setStatus({ kind: 'done', name: file.name });
        window.location.assign(`/studio/records/${recordId}?saved=1`);
      },
      onError: (error) => {
        const text = 'originalResponse' in error && error.originalResponse ? error.originalResponse.getBody() : error.message;
        setStatus({ kind: 'error', message: text || 'Tải lên thất bại / Upload failed' });
      },
    });
    upload.current = current;
    const previous = await current.findPreviousUploads();
    if (previous[0]) current.resumeFromPreviousUpload(previous[0]);
    setStatus({ kind: 'uploading', percent: 0, name: file.name });
    current.start();
  }

  const percent = 'percent' in status ? status.percent : 0;
  return (
    <section className="mt-6 rounded border border-ink/15 bg-white p-4" aria-label="Tải tệp lên">
      <h2 className="text-lg font-semibold">Thêm tệp gốc</h2>
      <p className="text-sm text-ink/60">Ảnh, ghi âm, video, PDF, phụ đề. Mạng chập chờn vẫn tải tiếp được; đóng trình duyệt rồi chọn lại tệp để tải tiếp.</p>
      <div className="mt-3 flex flex-wrap gap-4 text-sm">
        <label>
          Phụ đề, bản ghi lời bằng{' '}
          <select value={captionLanguage} onChange={(e) => setCaptionLanguage(e.target.value)} className="rounded border border-ink/30 bg-white">
            <option value="vie">tiếng Việt</option>
            <option value="eng">tiếng Anh</option>
            <option value="ktv">tiếng Cơ Tu</option>
            <option value="sed">tiếng Xơ Đăng</option>
            <option value="cua">tiếng Co</option>
          </select>
        </label>
        {timedMedia.length > 0 && (
          <label>
            cho{' '}
            <select value={captionOf} onChange={(e) => setCaptionOf(e.target.value)} className="rounded border border-ink/30 bg-white">
              {timedMedia.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <label className="mt-3 block text-sm">
        Chọn tệp
        <input type="file" name="file" className="mt-1 block" onChange={(e) => e.target.files?.[0] && void start(e.target.files[0])} disabled={status.kind === 'uploading' || status.kind === 'retrying'} />
      </label>
      {'percent' in status && (
        <div className="mt-3">
          <progress max={100} value={percent} className="w-full" aria-label="Tiến độ tải lên" />
          <p className="text-sm" data-testid="upload-status" role="status">
            {status.name}: {percent}% {status.kind === 'paused' ? '· tạm dừng' : status.kind === 'retrying' ? '· mất kết nối, đang thử lại…' : ''}
          </p>
          <div className="mt-2 flex gap-2">
            {status.kind === 'uploading' && (
              <button type="button" className="rounded border px-3 py-1 text-sm" onClick={() => void upload.current?.abort().then(() => setStatus({ ...status, kind: 'paused' }))}>
                Tạm dừng
              </button>
            )}
            {status.kind === 'paused' && (
              <button type="button" className="rounded border px-3 py-1 text-sm" onClick={() => { upload.current?.start(); setStatus({ ...status, kind: 'uploading' }); }}>
                Tiếp tục
              </button>
            )}
          </div>
        </div>
      )}
      {status.kind === 'done' && <p className="mt-2 text-sm" role="status">Đã tải lên {status.name}.</p>}
      {status.kind === 'error' && (
        <p className="mt-2 text-sm text-madder" role="alert">
          {status.message}
        </p>
      )}
    </section>
  );
}
