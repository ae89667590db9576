/**
 * 404 for paths outside the localised site (e.g. /api/… or /studio/…
 * unknowns). Localised pages use app/[locale]/not-found.tsx.
 */
export default function NotFound() {
  return (
    <html lang="vi">
      <body className="min-h-screen font-sans antialiased bg-bone text-ink">
        <main className="mx-auto max-w-xl px-4 py-16 text-center">
          <h1 className="text-2xl font-semibold">Không tìm thấy trang</h1>
          <p className="mt-2 text-ink/80" lang="en">
            Page not found
          </p>
          <p className="mt-6 flex justify-center gap-6">
            <a href="/vi" className="underline text-madder">
              Về trang chủ
            </a>
            <a href="/en" className="underline text-madder" lang="en">
              Home (English)
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}
