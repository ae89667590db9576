import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="py-12 text-center">
      <h1 className="text-2xl font-semibold">Không tìm thấy trang</h1>
      <p className="mt-2 text-ink/70" lang="en">
        Page not found
      </p>
      <p className="mt-6">
        <Link href="/" className="underline text-madder">
          Về trang chủ / Home
        </Link>
      </p>
    </div>
  );
}
