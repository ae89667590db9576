/**
 * CSRF defence: a state-changing request must come from our own pages, as
 * told by the Origin header (or, failing that, Referer). Browsers always send
 * Origin on cross-site POSTs, so a foreign form or script is refused.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSameOrigin(request: Request, siteUrl: string): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const allowed = new Set([new URL(siteUrl).origin, new URL(request.url).origin]);
  const origin = request.headers.get('origin');
  if (origin) return allowed.has(origin);
  const referer = request.headers.get('referer');
  if (referer) {
    try {
      return allowed.has(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return false;
}
