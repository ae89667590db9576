'use client';
/**
 * Uploads of this record left unfinished by a reload or a closed browser.
 * A browser cannot reopen a file by itself, so each is offered with a button
 * to pick the same file again (checked by its fingerprint before resuming)
 * and one to discard what the server holds of it.
 */
import { formatBytes } from './upload-format';
import type { Unfinished } from './upload-resume';

export type UnfinishedView = Unfinished & {
  /** Bytes the server holds; undefined when that could not be asked (offline). */
  offset?: number;
  /** Said when the file picked again is not this one. */
  problem?: string;
};

const WHEN = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

const BUTTON = 'inline-flex min-h-11 items-center justify-center rounded px-4 text-sm';

export function UnfinishedUploads({ entries, onPick, onDiscard }: { entries: UnfinishedView[]; onPick: (entry: UnfinishedView, file: File) => void; onDiscard: (entry: UnfinishedView) => void }) {
  if (entries.length === 0) return null;
  return (
    <section className="mt-3 rounded border-l-4 border-turmeric bg-bone p-3" aria-labelledby="unfinished-uploads-heading" data-testid="unfinished-uploads">
      <h3 id="unfinished-uploads-heading" className="font-semibold">
        Tệp tải dở ({entries.length})
      </h3>
      <ul className="mt-2 grid gap-3">
        {entries.map((entry) => {
          const sent = entry.offset === undefined ? 'chưa rõ đã gửi được bao nhiêu' : `đã gửi ${formatBytes(entry.offset)} (${entry.size ? Math.floor((100 * entry.offset) / entry.size) : 0}%)`;
          return (
            <li key={entry.key} className="min-w-0 text-sm">
              <p className="[overflow-wrap:anywhere]">
                <strong>{entry.name}</strong> · {formatBytes(entry.size)} · {sent}
                {Number.isFinite(entry.created.getTime()) && ` · bắt đầu ${WHEN.format(entry.created)}`}
              </p>
              <p className="text-ink/70 [overflow-wrap:anywhere]">
                Hãy chọn lại đúng tệp {entry.name} ({formatBytes(entry.size)}) để tải tiếp từ chỗ đã dừng.
              </p>
              {entry.problem && (
                <p className="text-madder [overflow-wrap:anywhere]" role="alert">
                  {entry.problem}
                </p>
              )}
              <div className="mt-2 flex flex-wrap gap-2">
                <label className={`${BUTTON} cursor-pointer bg-ink font-semibold text-bone focus-within:outline focus-within:outline-3 focus-within:outline-turmeric`}>
                  Chọn lại tệp
                  <input
                    type="file"
                    className="sr-only"
                    aria-label={`Chọn lại tệp ${entry.name}`}
                    onChange={(e) => {
                      const file = e.target.files?.[0];
                      e.target.value = '';
                      if (file) onPick(entry, file);
                    }}
                  />
                </label>
                <button type="button" className={`${BUTTON} border border-ink/30 bg-white text-madder`} onClick={() => onDiscard(entry)}>
                  Bỏ tệp này
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
