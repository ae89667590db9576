'use client';
/**
 * When a page fails (storage unreachable, a bug): say so in both languages
 * (this boundary has no server translations) and offer to retry.
 */
import { useEffect } from 'react';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="mx-auto max-w-xl py-10 text-center" role="alert">
      <h1 className="font-serif text-2xl font-semibold">Đã có lỗi khi tải trang</h1>
      <p className="mt-1 text-ink/85" lang="en">Something went wrong loading this page.</p>
      <p className="mt-4 text-sm text-ink/80">
        Xin thử lại sau ít phút. <span lang="en">Please try again in a moment.</span>
        {error.digest && <span className="block">Mã lỗi / Error id: {error.digest}</span>}
      </p>
      <button type="button" onClick={reset} className="mt-6 rounded bg-ink px-4 py-2 font-semibold text-bone">
        Thử lại <span lang="en">/ Retry</span>
      </button>
    </div>
  );
}
