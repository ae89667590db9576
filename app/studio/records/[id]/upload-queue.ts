/**
 * The upload queue as plain data: which files are waiting, sending, paused
 * or finished, which to start next, and how each reads in Vietnamese. The
 * tus uploads themselves live in the component; events from them land here
 * through queueReducer, which ignores those that come too late (a progress
 * event after a refusal must not make a refused file look alive again).
 */
import { formatSpeed, formatTimeLeft } from './upload-format';

export type Phase =
  | 'checking' // reading the first bytes in the browser
  | 'queued' // waiting for a free slot
  | 'uploading'
  | 'retrying' // the line dropped or the server faltered: tus tries again by itself
  | 'paused' // by the person
  | 'stalled' // retries ran out: waits for the line to come back, or a tap
  | 'refused' // final: the browser or the server said no
  | 'done';

export interface QueueItem {
  id: string;
  /** As the server will name it (NFC). */
  name: string;
  size: number;
  /** Bytes sent (or, once resumed, known to the server). */
  sent: number;
  phase: Phase;
  bytesPerSecond?: number;
  /** Why it was refused or stalled. */
  message?: string;
  /** Retrying as a brand-new upload, after the server received a different file than was sent. */
  fresh?: boolean;
}

export type QueueAction =
  | { type: 'add'; items: (Pick<QueueItem, 'id' | 'name' | 'size'> & { sent?: number })[] }
  | { type: 'checked'; id: string }
  | { type: 'started'; id: string }
  | { type: 'progress'; id: string; sent: number; total: number; bytesPerSecond?: number }
  | { type: 'retrying'; id: string; fresh: boolean }
  | { type: 'paused'; id: string }
  | { type: 'resume'; id: string }
  | { type: 'stalled'; id: string; message: string }
  | { type: 'refused'; id: string; message: string }
  | { type: 'done'; id: string }
  | { type: 'remove'; id: string };

const SENDING: ReadonlySet<Phase> = new Set(['uploading', 'retrying']);
const FINAL: ReadonlySet<Phase> = new Set(['refused', 'done']);

/** The phases each event may move an item out of; any other is a late event, ignored. */
const FROM: Record<Exclude<QueueAction['type'], 'add' | 'remove'>, ReadonlySet<Phase>> = {
  checked: new Set(['checking']),
  started: new Set(['queued']),
  progress: SENDING,
  retrying: SENDING,
  paused: new Set(['queued', 'uploading', 'retrying', 'stalled']),
  resume: new Set(['paused', 'stalled']),
  stalled: SENDING,
  refused: new Set(['checking', 'queued', 'uploading', 'retrying', 'paused', 'stalled']),
  done: SENDING,
};

function next(item: QueueItem, action: Exclude<QueueAction, { type: 'add' | 'remove' }>): QueueItem {
  switch (action.type) {
    case 'checked':
      return { ...item, phase: 'queued' };
    case 'started':
      return { ...item, phase: 'uploading', bytesPerSecond: undefined };
    case 'progress':
      return { ...item, phase: 'uploading', sent: action.sent, size: action.total, bytesPerSecond: action.bytesPerSecond, fresh: undefined };
    case 'retrying':
      return { ...item, phase: 'retrying', fresh: action.fresh, bytesPerSecond: undefined };
    case 'paused':
      return { ...item, phase: 'paused', bytesPerSecond: undefined };
    case 'resume':
      return { ...item, phase: 'queued', message: undefined };
    case 'stalled':
      return { ...item, phase: 'stalled', message: action.message, bytesPerSecond: undefined };
    case 'refused':
      return { ...item, phase: 'refused', message: action.message, bytesPerSecond: undefined };
    case 'done':
      return { ...item, phase: 'done', sent: item.size, bytesPerSecond: undefined };
  }
}

export function queueReducer(items: QueueItem[], action: QueueAction): QueueItem[] {
  // sent: what the server already holds of a file picked again to resume it.
  if (action.type === 'add') return [...items, ...action.items.map((i) => ({ ...i, sent: i.sent ?? 0, phase: 'checking' as const }))];
  if (action.type === 'remove') return items.filter((i) => i.id !== action.id);
  return items.map((item) => (item.id === action.id && FROM[action.type].has(item.phase) ? next(item, action) : item));
}

/**
 * Queued files to start now, in the order they were picked, while fewer than
 * `concurrency` are sending. A retrying upload keeps its slot (it will send
 * again); a paused or stalled one gives it up.
 */
export function toStart(items: readonly QueueItem[], concurrency: number): string[] {
  const free = concurrency - items.filter((i) => SENDING.has(i.phase)).length;
  return free > 0 ? items.filter((i) => i.phase === 'queued').slice(0, free).map((i) => i.id) : [];
}

/** 'needs-attention': nothing is moving, and some file was refused, paused or stalled. */
export type QueueOutcome = 'empty' | 'busy' | 'all-done' | 'needs-attention';

export function queueOutcome(items: readonly QueueItem[]): QueueOutcome {
  if (items.length === 0) return 'empty';
  if (items.some((i) => i.phase === 'checking' || i.phase === 'queued' || SENDING.has(i.phase))) return 'busy';
  return items.every((i) => i.phase === 'done') ? 'all-done' : 'needs-attention';
}

export function isFinal(item: QueueItem): boolean {
  return FINAL.has(item.phase);
}

export function percentOf(item: Pick<QueueItem, 'sent' | 'size'>): number {
  return item.size > 0 ? Math.min(100, Math.floor((100 * item.sent) / item.size)) : 0;
}

/**
 * One line per file. Progress always reads "name: N%" first, the phrase
 * people (and the end-to-end test) look for.
 */
export function statusText(item: QueueItem): string {
  const { name } = item;
  const progress = `${name}: ${percentOf(item)}%`;
  switch (item.phase) {
    // A file picked again to resume says at once how much the server already holds.
    case 'checking':
      return `${item.sent > 0 ? `${progress} · ` : `${name}: `}đang kiểm tra tệp…`;
    case 'queued':
      return `${item.sent > 0 ? `${progress} · ` : `${name}: `}đang chờ`;
    case 'uploading': {
      const speed = item.bytesPerSecond;
      if (!speed || speed <= 0) return progress;
      const left = formatTimeLeft((item.size - item.sent) / speed);
      return [progress, formatSpeed(speed), left].filter(Boolean).join(' · ');
    }
    case 'retrying':
      return item.fresh ? `${progress} · tệp đến nơi bị sai, đang gửi lại từ đầu (thử lại một lần)…` : `${progress} · mất kết nối, đang thử lại…`;
    case 'paused':
      return `${progress} · tạm dừng`;
    case 'stalled':
      return `${progress} · ${item.message ?? 'mất kết nối'}`;
    case 'refused': {
      const message = item.message ?? 'Máy chủ từ chối tệp';
      return message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
    }
    case 'done':
      return `${name}: đã lưu vào hồ sơ`;
  }
}
