/** The staff studio: Vietnamese, not indexed, plain chrome. */
import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';

export const metadata: Metadata = {
  title: { default: 'Studio · Di Sản', template: '%s · Studio Di Sản' },
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1b1a2e' };

export default async function StudioLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request: Next.js puts the Content-Security-Policy nonce (proxy.ts) only on scripts it renders now.
  await connection();
  return (
    <html lang="vi">
      <body className="min-h-screen font-sans antialiased flex flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2 focus:bg-bone">
          Bỏ qua, đến nội dung
        </a>
        <header className="bg-ink text-bone">
          <div className="mx-auto max-w-5xl px-4 py-3 flex items-baseline justify-between gap-4">
            <Link href="/studio" className="text-xl font-semibold tracking-wide">
              Di Sản · Studio
            </Link>
            <a href="/vi" className="text-sm underline">
              Trang công khai
            </a>
          </div>
          <div className="brocade-band" aria-hidden="true" />
        </header>
        <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6 flex-1">
          {children}
        </main>
      </body>
    </html>
  );
}
