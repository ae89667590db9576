/**
 * CSRF defence: a state-changing request must prove it comes from our own
 * pages. Browsers send Origin on every POST, PATCH and DELETE (same-site or
 * not), and a Referer unless told not to; a request with neither, or with
 * another site's, is refused. This is checked once for every route in
 * proxy.ts, and again by the sign-in and upload endpoints themselves.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origins our pages are served from: the configured public address, and the address this request reached. */
export function ownOrigins(request: Pick<Request, 'url'>, siteUrl: string): Set<string> {
  return new Set([new URL(siteUrl).origin, new URL(request.url).origin]);
}

export function isSameOrigin(request: Pick<Request, 'method' | 'url' | 'headers'>, siteUrl: string): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const allowed = ownOrigins(request, siteUrl);
  const origin = request.headers.get('origin');
  // "null" is what sandboxed frames and some redirects send: never ours.
  if (origin) return allowed.has(origin);
  const referer = request.headers.get('referer');
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 403 for a refused request: a short page that says why and which address to use, in both languages. */
export function foreignOriginResponse(siteUrl: string): Response {
  const address = escapeHtml(siteUrl);
  const html = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Yêu cầu bị từ chối</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5">
<h1>Yêu cầu bị từ chối</h1>
<p>Thao tác này phải được gửi từ chính các trang của Di Sản. Hãy mở <a href="${address}/studio">${address}</a> rồi thử lại.</p>
<p lang="en">Request refused: changes must be sent from Di Sản's own pages. Open <a href="${address}/studio">${address}</a> and try again.</p>
</body></html>`;
  return new Response(html, { status: 403, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
}
