/**
 * A version's changes as a reviewer reads them (lib/studio/record-diff.ts):
 * label, then what went and what came. Insertions and deletions are <ins>
 * and <del> with a spoken "thêm"/"bỏ", because screen readers do not
 * announce the elements themselves. Server-rendered, no client JS.
 */
import type { FieldChange, WordPart } from '@/lib/studio/record-diff';

/** A version rarely changes more; past this a "N more" line keeps the history readable on a phone. */
const SHOWN = 30;

export function Changes({ changes }: { changes: FieldChange[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="mt-2 grid gap-2 text-sm" data-testid="version-changes">
      {changes.slice(0, SHOWN).map((c) => (
        <li key={c.field} className="min-w-0 break-words">
          <span className="font-semibold">{c.label}</span>: <Change change={c} />
        </li>
      ))}
      {changes.length > SHOWN && <li className="text-ink/60">… và {changes.length - SHOWN} thay đổi khác</li>}
    </ul>
  );
}

function Change({ change }: { change: FieldChange }) {
  switch (change.kind) {
    case 'value':
      return (
        <>
          {change.before === undefined ? <span className="text-ink/60">(trống)</span> : <Removed>{change.before}</Removed>} →{' '}
          {change.after === undefined ? <span className="text-ink/60">(trống)</span> : <Added>{change.after}</Added>}
        </>
      );
    case 'text':
      return <TextDiff parts={change.parts} />;
    case 'list':
      return <Items added={change.added} removed={change.removed} order={change.order} />;
    case 'media':
      return (
        <span className="break-all">
          <Items added={change.added} removed={change.removed} order={change.order} />
          {change.replaced.length > 0 && <Phrase words="thay tệp khác cùng tên" items={change.replaced} />}
          {change.relabelled.length > 0 && <Phrase words="sửa mô tả tệp" items={change.relabelled} />}
        </span>
      );
  }
}

function TextDiff({ parts }: { parts: WordPart[] }) {
  return (
    <span className="mt-1 block whitespace-pre-wrap rounded bg-bone/60 p-2 leading-relaxed">
      {parts.map((p, i) => (p.change === 'added' ? <Added key={i}>{p.text}</Added> : p.change === 'removed' ? <Removed key={i}>{p.text}</Removed> : <span key={i}>{p.text}</span>))}
    </span>
  );
}

function Items({ added, removed, order }: { added: string[]; removed: string[]; order?: string[] }) {
  const phrases = [
    added.length > 0 && (
      <span key="added">
        thêm {added.map((a, i) => <Added key={i} silent>{a}{i < added.length - 1 ? ', ' : ''}</Added>)}
      </span>
    ),
    removed.length > 0 && (
      <span key="removed">
        bỏ {removed.map((r, i) => <Removed key={i} silent>{r}{i < removed.length - 1 ? ', ' : ''}</Removed>)}
      </span>
    ),
    order && <span key="order">sắp xếp lại theo thứ tự: {order.join(', ')}</span>,
  ].filter(Boolean);
  return <>{phrases.flatMap((p, i) => (i === 0 ? [p] : ['; ', p]))}</>;
}

function Phrase({ words, items }: { words: string; items: string[] }) {
  return (
    <>
      ; {words} {items.join(', ')}
    </>
  );
}

/** `silent`: the surrounding words already say "thêm"/"bỏ". */
function Added({ children, silent }: { children: React.ReactNode; silent?: boolean }) {
  return (
    <ins className="rounded-sm bg-moss/15 px-0.5 text-moss underline decoration-moss">
      {!silent && <span className="sr-only">[thêm: </span>}
      {children}
      {!silent && <span className="sr-only">]</span>}
    </ins>
  );
}

function Removed({ children, silent }: { children: React.ReactNode; silent?: boolean }) {
  return (
    <del className="rounded-sm bg-madder/10 px-0.5 text-madder line-through">
      {!silent && <span className="sr-only">[bỏ: </span>}
      {children}
      {!silent && <span className="sr-only">]</span>}
    </del>
  );
}
