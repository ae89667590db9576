/**
 * Says plainly who can see a record: in the editor before saving, and on the
 * record page. A server-renderable component of its own, so the record page
 * does not load the editor's client code to show it.
 */
import { ACCESS_CHOICES } from '@/lib/studio/editor-vocab';

export function AccessBanner({ level, testId, published = false }: { level: string; testId: string; published?: boolean }) {
  const choice = ACCESS_CHOICES.find((c) => c.id === level);
  if (!choice) return null;
  if (level === 'public') {
    return (
      <p data-testid={testId} className="rounded border-2 border-madder bg-madder/10 p-3 font-semibold">
        {published
          ? 'Công khai cho mọi người: ai trên Internet cũng xem được hồ sơ này.'
          : 'Công khai cho mọi người: khi được công bố, ai trên Internet cũng xem được hồ sơ này.'}
      </p>
    );
  }
  return (
    <p data-testid={testId} className="rounded border border-ink/20 bg-white p-3 text-sm">
      Không công khai – {choice.label.toLowerCase()} xem được.
    </p>
  );
}
