import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Đăng nhập', robots: { index: false } };

const ERRORS: Record<string, { vi: string; en: string }> = {
  invalid: { vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' },
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string }> }) {
  const { error, next } = await searchParams;
  const message = error ? ERRORS[error] : undefined;
  return (
    <div className="max-w-sm">
      <h1 className="text-2xl font-semibold">Đăng nhập</h1>
      <p className="text-sm text-ink/60" lang="en">
        Sign in to the studio
      </p>
      {message && (
        <p role="alert" className="mt-4 rounded border-l-4 border-madder bg-white p-3 text-sm">
          {message.vi} <span lang="en" className="text-ink/60">{message.en}</span>
        </p>
      )}
      <form method="post" action="/api/auth/login" className="mt-6 grid gap-4">
        <input type="hidden" name="next" value={next ?? '/studio'} />
        <label className="grid gap-1 text-sm">
          Tên đăng nhập
          <input name="username" autoComplete="username" required className="rounded border border-ink/30 bg-white px-3 py-2 text-base" />
        </label>
        <label className="grid gap-1 text-sm">
          Mật khẩu
          <input name="password" type="password" autoComplete="current-password" required className="rounded border border-ink/30 bg-white px-3 py-2 text-base" />
        </label>
        <button type="submit" className="rounded bg-ink px-4 py-2 text-bone font-semibold">
          Đăng nhập
        </button>
      </form>
    </div>
  );
}
