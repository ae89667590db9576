import type { Metadata } from 'next';
import { waitInWords } from '@/lib/auth/throttle';

export const metadata: Metadata = { title: 'Đăng nhập', robots: { index: false } };

function errorMessage(error: string | undefined, waitSeconds: number): { vi: string; en: string } | undefined {
  switch (error) {
    case 'origin':
      return {
        vi: 'Thao tác vừa rồi không được gửi từ chính trang của Di Sản nên đã bị từ chối. Hãy mở Studio từ địa chỉ chính thức rồi làm lại.',
        en: 'That change was not sent from Di Sản’s own pages and was refused: open the studio from its official address and try again.',
      };
    case 'invalid':
      return { vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' };
    case 'throttled': {
      const ms = waitSeconds * 1000;
      return {
        vi: `Tài khoản này đã nhập sai mật khẩu nhiều lần từ máy này. Hãy thử lại sau ${waitInWords(ms, 'vi')}, hoặc nhờ quản trị viên đặt lại mật khẩu.`,
        en: `Too many wrong passwords for this account from this device: try again in ${waitInWords(ms, 'en')}, or ask an administrator to reset the password.`,
      };
    }
  }
  return undefined;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string; next?: string; wait?: string }> }) {
  const { error, next, wait } = await searchParams;
  const message = errorMessage(error, Math.min(24 * 3600, Math.max(1, Number.parseInt(wait ?? '', 10) || 60)));
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
      {/* Fields and button 44 px tall, as everywhere in the studio: officers sign in on phones, in the field. */}
      <form method="post" action="/api/auth/login" className="mt-6 grid gap-4">
        <input type="hidden" name="next" value={next ?? '/studio'} />
        <label className="grid gap-1 text-sm">
          Tên đăng nhập
          <input name="username" autoComplete="username" required className="min-h-11 rounded border border-ink/30 bg-white px-3 py-2 text-base" />
        </label>
        <label className="grid gap-1 text-sm">
          Mật khẩu
          <input name="password" type="password" autoComplete="current-password" required className="min-h-11 rounded border border-ink/30 bg-white px-3 py-2 text-base" />
        </label>
        <button type="submit" className="min-h-11 rounded bg-ink px-4 py-2 text-bone font-semibold">
          Đăng nhập
        </button>
      </form>
    </div>
  );
}
