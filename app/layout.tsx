import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Di Sản – Kho di sản văn hóa các dân tộc thiểu số Quảng Nam', template: '%s · Di Sản' },
  description:
    'Lễ hội, nghi lễ, phong tục, nghề thủ công, âm nhạc và văn học truyền miệng của người Cơ Tu, Xơ Đăng, Giẻ Triêng, Co ở Quảng Nam, cùng thư viện văn bản công tác dân tộc.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1b1a2e' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="vi">
      <body className="min-h-screen font-sans antialiased flex flex-col">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2 focus:bg-bone">
          Bỏ qua, đến nội dung
        </a>
        <header className="bg-ink text-bone">
          <div className="mx-auto max-w-5xl px-4 py-3 flex items-baseline justify-between gap-4">
            <Link href="/" className="text-xl font-semibold tracking-wide">
              Di Sản
            </Link>
            <p className="text-sm text-bone/80 hidden md:block">Kho di sản văn hóa các dân tộc thiểu số Quảng Nam</p>
            <Link href="/search" className="text-sm underline">
              Tìm kiếm
            </Link>
          </div>
          <div className="brocade-band" aria-hidden="true" />
        </header>
        <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6 flex-1">
          {children}
        </main>
        <footer className="bg-ink text-bone/80 text-sm">
          <div className="brocade-band" aria-hidden="true" />
          <div className="mx-auto max-w-5xl px-4 py-4">
            Di Sản – lưu giữ và công bố di sản văn hóa của các cộng đồng Cơ Tu, Xơ Đăng, Giẻ Triêng, Co. Dữ liệu trình diễn.
            <span className="mt-2 flex flex-wrap gap-4">
              <a href="/studio" className="underline">Studio (cán bộ)</a>
              <a href="/api/v1/openapi.json" className="underline">API</a>
              <a href="/oai?verb=Identify" className="underline">OAI-PMH</a>
              <a href="/feeds/vi/atom.xml" className="underline">Atom</a>
            </span>
          </div>
        </footer>
      </body>
    </html>
  );
}
