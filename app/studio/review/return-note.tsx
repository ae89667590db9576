/**
 * The reviewer's "Trả lại để sửa" comment, shown to the officer on the
 * record and in their list until they submit again (lib/workflow/review.ts
 * decides how long). The comment is staff text, rendered as text.
 */
import { formatDateTime } from '@/lib/studio/words';
import type { ReturnNote } from '@/lib/workflow/review';

export function ReturnBanner({ note, compact = false }: { note: ReturnNote; compact?: boolean }) {
  const who = [note.by, formatDateTime(note.at)].filter(Boolean).join(', ');
  if (compact) {
    return (
      <span className="mt-1 block border-l-4 border-turmeric bg-turmeric/15 px-2 py-1 text-xs text-ink break-words" data-testid="return-note">
        <strong>Cần sửa:</strong> {note.comment} <span className="text-ink/60">({who})</span>
      </span>
    );
  }
  return (
    <section className="mt-3 rounded border-l-4 border-turmeric bg-turmeric/15 p-3 text-sm break-words" role="note" aria-label="Nhận xét của người duyệt" data-testid="return-note">
      <p className="font-semibold">Người duyệt trả lại hồ sơ để sửa</p>
      <p className="mt-1 whitespace-pre-wrap">{note.comment}</p>
      <p className="mt-1 text-xs text-ink/70">
        {who} · phiên bản {note.version}. Sửa xong, bấm “Gửi duyệt” để gửi lại.
      </p>
    </section>
  );
}
