'use client';
/**
 * Uploads originals with tus-js-client, for officers on slow and broken
 * mountain lines: several files at once in a queue, each with its progress,
 * speed and time left; pause and resume; automatic retries while the line is
 * down; and, after a reload or a closed browser, the unfinished uploads of
 * this record offered for resuming.
 *
 * Every file is checked in the browser first (size, and its first bytes
 * judged exactly as the server judges them), and a refusal from the server
 * is final: shown at once in its own words, never sent again.
 *
 * The decisions live in plain modules beside this one (upload-queue,
 * upload-policy, upload-check, upload-resume, tus-options); this component
 * only holds the running uploads and draws them.
 */
import { useEffect, useReducer, useRef, useState } from 'react';
import type { Upload, UrlStorage } from 'tus-js-client';
import { tusOptions, type UploadEvents } from './tus-options';
import { UnfinishedUploads, type UnfinishedView } from './unfinished-uploads';
import { formatBytes, SpeedMeter } from './upload-format';
import { isFinal, percentOf, queueOutcome, queueReducer, statusText, toStart, type QueueItem } from './upload-queue';
import { fingerprintOf, forget, forgetUrl, serverOffset, unfinishedOf } from './upload-resume';

/**
 * Two files at a time: a second one keeps the line busy while the first
 * waits for the server's answer at each chunk, and more would only split a
 * thin line into slower parts, finishing none of them sooner.
 */
const CONCURRENCY = 2;

/** A file's progress is redrawn when its percentage changes, or at least this often for its speed. */
const REDRAW_MS = 500;

/** Loaded on first use: the studio page ships no upload code until it is needed. */
const loadTus = () => import('tus-js-client');
const urlStorage = async (): Promise<UrlStorage> => (await loadTus()).defaultOptions.urlStorage;

/** What the component keeps per file, beside the queue's plain data. */
interface Running {
  file: File;
  fingerprint: string;
  metadata: Record<string, string>;
  meter: SpeedMeter;
  upload?: Upload;
  /** Set by "Tạm dừng" and cleared by "Tiếp tục": read after the awaits in begin, where React state may lag. */
  paused: boolean;
  lastDraw: number;
  lastPercent: number;
}

const BUTTON = 'inline-flex min-h-11 min-w-11 items-center justify-center rounded border border-ink/30 bg-white px-4 text-sm';
const SELECT = 'min-h-11 max-w-full rounded border border-ink/30 bg-white px-2';

export function Uploader({ recordId, maxBytes, timedMedia }: { recordId: string; maxBytes: number; timedMedia: string[] }) {
  const [items, dispatch] = useReducer(queueReducer, []);
  const [unfinished, setUnfinished] = useState<UnfinishedView[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [captionLanguage, setCaptionLanguage] = useState('vie');
  const [captionOf, setCaptionOf] = useState(timedMedia[0] ?? '');
  const runs = useRef(new Map<string, Running>());
  const itemsRef = useRef(items);
  const counter = useRef(0);
  const outcome = queueOutcome(items);

  useEffect(() => {
    itemsRef.current = items;
  }, [items]);

  function eventsFor(id: string, run: Running): UploadEvents {
    return {
      onProgress(sent, total) {
        const now = performance.now();
        run.meter.sample(sent, now);
        const percent = Math.floor((100 * sent) / total);
        if (percent === run.lastPercent && now - run.lastDraw < REDRAW_MS) return;
        run.lastPercent = percent;
        run.lastDraw = now;
        dispatch({ type: 'progress', id, sent, total, bytesPerSecond: run.meter.bytesPerSecond() });
      },
      onRetry({ fresh }) {
        run.meter.reset();
        run.lastDraw = 0; // the first bytes after a retry are drawn at once
        dispatch({ type: 'retrying', id, fresh });
      },
      onRefused({ message }) {
        dispatch({ type: 'refused', id, message });
        setAnnouncement(`${run.file.name}: ${message}`);
        // The server drops a refused upload: it must not come back as "unfinished" after a reload.
        void urlStorage().then((storage) => forgetUrl(storage, run.fingerprint, run.upload?.url ?? null));
      },
      onStalled(message) {
        dispatch({ type: 'stalled', id, message });
        setAnnouncement(`${run.file.name}: ${message}`);
      },
      onSuccess() {
        dispatch({ type: 'done', id });
        setAnnouncement(`${run.file.name}: đã lưu vào hồ sơ`);
      },
    };
  }

  /** Starts (or, after a pause or a stall, resumes) one file's upload. */
  async function begin(id: string) {
    const run = runs.current.get(id);
    if (!run) return;
    if (run.upload) {
      run.upload.start();
      return;
    }
    const tus = await loadTus();
    const upload = new tus.Upload(run.file, tusOptions({ recordId, file: run.file, metadata: run.metadata }, eventsFor(id, run)));
    run.upload = upload;
    // Picked again after a reload: go on from what the server holds (the newest entry, if the file was started twice).
    const previous = (await upload.findPreviousUploads()).filter((p) => p.uploadUrl).sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime));
    if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
    // Paused or removed while loading: start() will come with "Tiếp tục", or never.
    if (!run.paused && runs.current.has(id)) upload.start();
  }

  useEffect(() => {
    for (const id of toStart(items, CONCURRENCY)) {
      dispatch({ type: 'started', id });
      void begin(id);
    }
    // begin reads the latest state through refs; only the queue decides when to run.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items]);

  // Everything saved: show the record as saved, with its new files and their processing.
  // If some file was refused, stay, so its message can be read.
  useEffect(() => {
    if (outcome === 'all-done') window.location.assign(`/studio/records/${recordId}?saved=1`);
  }, [outcome, recordId]);

  // Leaving mid-upload is possible (it resumes later) but never by accident.
  useEffect(() => {
    if (outcome !== 'busy') return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = 'Tệp đang tải lên'; // browsers that predate preventDefault() here
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [outcome]);

  // The line is back: go on now rather than at the end of a backoff of up to a minute.
  useEffect(() => {
    const back = () => {
      for (const item of itemsRef.current) {
        const upload = runs.current.get(item.id)?.upload;
        if (item.phase === 'retrying' && upload) void upload.abort().then(() => upload.start());
        if (item.phase === 'stalled') dispatch({ type: 'resume', id: item.id });
      }
    };
    window.addEventListener('online', back);
    return () => window.removeEventListener('online', back);
  }, []);

  // Leaving the page inside the studio: stop sending, so the upload can be resumed from here later.
  useEffect(() => {
    const running = runs.current;
    return () => {
      for (const run of running.values()) void run.upload?.abort();
    };
  }, []);

  // Uploads of this record left unfinished in this browser, and how much of each the server holds.
  useEffect(() => {
    let live = true;
    void (async () => {
      const storage = await urlStorage();
      const found = unfinishedOf(recordId, await storage.findAllUploads());
      const probed = await Promise.all(found.map(async (u) => ({ u, offset: await serverOffset(u.uploadUrl) })));
      // Gone from the server (finished, refused, or expired after a week): nothing is left to resume.
      await forget(
        storage,
        probed.filter((p) => p.offset === 'gone').flatMap((p) => [p.u.key, ...p.u.staleKeys]),
      );
      if (!live) return;
      const picked = new Set([...runs.current.values()].map((r) => r.fingerprint));
      setUnfinished(probed.flatMap(({ u, offset }) => (offset === 'gone' || picked.has(u.fingerprint) ? [] : [{ ...u, offset }])));
    })();
    return () => {
      live = false;
    };
  }, [recordId]);

  /** Captions and transcripts say which language they are in and which recording they belong to. */
  function metadataFor(file: File): Record<string, string> {
    if (!/\.(vtt|srt|txt)$/i.test(file.name)) return {};
    return { language: captionLanguage, ...(captionOf ? { of: captionOf } : {}) };
  }

  /** offset: what the server holds of a file picked again from the unfinished list, shown until tus reports. */
  async function add(files: File[], offset?: number) {
    const sending = new Set(itemsRef.current.filter((i) => !isFinal(i)).map((i) => runs.current.get(i.id)?.fingerprint));
    const added: { id: string; run: Running }[] = [];
    for (const file of files) {
      const fingerprint = fingerprintOf(recordId, file);
      // The same file twice would be two uploads fighting over one address on the server.
      if (sending.has(fingerprint)) continue;
      sending.add(fingerprint);
      const id = `tep-${++counter.current}`;
      const run: Running = { file, fingerprint, metadata: metadataFor(file), meter: new SpeedMeter(), paused: false, lastDraw: 0, lastPercent: -1 };
      runs.current.set(id, run);
      added.push({ id, run });
    }
    if (added.length === 0) return;
    dispatch({ type: 'add', items: added.map(({ id, run }) => ({ id, name: run.file.name.normalize('NFC'), size: run.file.size, sent: offset })) });
    // A file left unfinished and picked again is resuming now: no longer waiting to be picked.
    const picked = new Set(added.map(({ run }) => run.fingerprint));
    setUnfinished((list) => list.filter((u) => !picked.has(u.fingerprint)));
    // file-type is loaded only now, and only once.
    const { checkBeforeUpload } = await import('./upload-check');
    for (const { id, run } of added) {
      const check = await checkBeforeUpload(run.file, maxBytes).catch((error: Error) => ({ ok: false as const, message: `không đọc được tệp trên máy (${error.message})` }));
      if (check.ok) {
        dispatch({ type: 'checked', id });
      } else {
        dispatch({ type: 'refused', id, message: check.message });
        setAnnouncement(check.message);
      }
    }
  }

  function pause(id: string) {
    const run = runs.current.get(id);
    if (run) run.paused = true;
    dispatch({ type: 'paused', id });
    void run?.upload?.abort();
  }

  /** Back in the queue: it starts again when a slot is free. */
  function resume(id: string) {
    const run = runs.current.get(id);
    if (run) run.paused = false;
    dispatch({ type: 'resume', id });
  }

  /** Cancels a file (deleting what the server holds of it), or dismisses a finished or refused one. */
  async function remove(item: QueueItem) {
    const run = runs.current.get(item.id);
    if (!isFinal(item) && item.sent > 0 && !window.confirm(`Bỏ ${item.name}? Phần đã gửi (${formatBytes(item.sent)}) sẽ bị xoá; muốn tải lại phải gửi từ đầu.`)) return;
    if (run) run.paused = true; // a begin() still loading must not start it
    runs.current.delete(item.id);
    dispatch({ type: 'remove', id: item.id });
    if (!run?.upload || isFinal(item)) return;
    const { upload } = run;
    // abort(true) deletes the upload on the server and forgets it here; if the server cannot be reached, forget it here anyway.
    await upload.abort(true).catch(async () => forgetUrl(await urlStorage(), run.fingerprint, upload.url));
  }

  function pickFor(entry: UnfinishedView, file: File) {
    if (fingerprintOf(recordId, file) === entry.fingerprint) {
      void add([file], entry.offset);
      return;
    }
    const why = file.name.normalize('NFC') === entry.name ? 'cùng tên nhưng khác dung lượng hoặc ngày sửa' : `tệp vừa chọn là ${file.name}`;
    const problem = `Đây không phải tệp đã tải dở (${why}). Hãy chọn lại đúng tệp ${entry.name} (${formatBytes(entry.size)}).`;
    setUnfinished((list) => list.map((u) => (u.key === entry.key ? { ...u, problem } : u)));
  }

  async function discardUnfinished(entry: UnfinishedView) {
    if (!window.confirm(`Bỏ ${entry.name}? Phần đã gửi sẽ bị xoá; muốn tải lại phải gửi từ đầu.`)) return;
    setUnfinished((list) => list.filter((u) => u.key !== entry.key));
    const tus = await loadTus();
    // Offline, the server's copy expires by itself after a week; here it is forgotten at once.
    await tus.Upload.terminate(entry.uploadUrl, { retryDelays: [0, 1000] }).catch(() => undefined);
    await forget(tus.defaultOptions.urlStorage, [entry.key, ...entry.staleKeys]);
  }

  const saved = items.filter((i) => i.phase === 'done').length;
  return (
    <section className="mt-6 min-w-0 rounded border border-ink/15 bg-white p-4" aria-label="Tải tệp lên">
      <h2 className="text-lg font-semibold">Thêm tệp gốc</h2>
      <p className="text-sm text-ink/60">
        Ảnh, ghi âm, video, PDF, phụ đề; tối đa {formatBytes(maxBytes)} mỗi tệp. Chọn được nhiều tệp một lúc. Mạng chập chờn vẫn tải tiếp được; đóng trình duyệt rồi chọn lại đúng tệp để tải tiếp.
      </p>
      <UnfinishedUploads entries={unfinished} onPick={pickFor} onDiscard={(entry) => void discardUnfinished(entry)} />
      <div className="mt-3 flex flex-wrap gap-x-4 gap-y-2 text-sm">
        <label className="flex min-w-0 flex-wrap items-center gap-2">
          Phụ đề, bản ghi lời bằng
          <select value={captionLanguage} onChange={(e) => setCaptionLanguage(e.target.value)} className={SELECT}>
            <option value="vie">tiếng Việt</option>
            <option value="eng">tiếng Anh</option>
            <option value="ktv">tiếng Cơ Tu</option>
            <option value="sed">tiếng Xơ Đăng</option>
            <option value="cua">tiếng Co</option>
          </select>
        </label>
        {timedMedia.length > 0 && (
          <label className="flex min-w-0 max-w-full flex-wrap items-center gap-2">
            cho
            <select value={captionOf} onChange={(e) => setCaptionOf(e.target.value)} className={`${SELECT} min-w-0`}>
              {timedMedia.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {/* A button in our words rather than the browser's own (English on many phones); the input stays reachable by keyboard. */}
      <label className="mt-3 inline-flex min-h-11 cursor-pointer items-center justify-center rounded bg-ink px-5 text-sm font-semibold text-bone focus-within:outline focus-within:outline-3 focus-within:outline-turmeric">
        Chọn tệp
        <input
          type="file"
          name="file"
          multiple
          className="sr-only"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            // Cleared, so the same file can be picked again (say, after a refusal is fixed).
            e.target.value = '';
            if (files.length) void add(files);
          }}
        />
      </label>
      {items.length > 0 && (
        <ul className="mt-3 grid gap-2" aria-label="Hàng đợi tải lên">
          {items.map((item) => (
            <li key={item.id} className="min-w-0 rounded border border-ink/10 p-3">
              <p data-testid="upload-status" className={`text-sm [overflow-wrap:anywhere] ${item.phase === 'refused' ? 'text-madder' : item.phase === 'done' ? 'text-moss' : ''}`}>
                {statusText(item)}
              </p>
              {!isFinal(item) && item.phase !== 'checking' && <progress max={100} value={percentOf(item)} className="mt-2 block h-2 w-full accent-moss" aria-label={`Tiến độ tải lên ${item.name}`} />}
              <div className="mt-2 flex flex-wrap gap-2">
                {(item.phase === 'uploading' || item.phase === 'retrying' || item.phase === 'queued') && (
                  <button type="button" className={BUTTON} onClick={() => pause(item.id)}>
                    Tạm dừng
                  </button>
                )}
                {(item.phase === 'paused' || item.phase === 'stalled') && (
                  <button type="button" className={`${BUTTON} font-semibold`} onClick={() => resume(item.id)}>
                    Tiếp tục
                  </button>
                )}
                {item.phase !== 'checking' && (
                  <button type="button" className={BUTTON} onClick={() => void remove(item)} aria-label={`${isFinal(item) ? 'Ẩn' : 'Bỏ'} ${item.name}`}>
                    {isFinal(item) ? 'Ẩn' : 'Bỏ'}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {outcome === 'needs-attention' && saved > 0 && (
        <p className="mt-3 text-sm">
          Đã lưu {saved} tệp.{' '}
          <a href={`/studio/records/${recordId}?saved=1`} className="inline-flex min-h-11 items-center underline">
            Xem các tệp đã lưu
          </a>
        </p>
      )}
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}
