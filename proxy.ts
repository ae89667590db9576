/**
 * Runs before every route:
 *
 * 1. Refuses a state-changing request (POST, PUT, PATCH, DELETE: forms,
 *    server actions, uploads, sign-in) that does not prove it comes from our
 *    own pages — same-origin Origin, or Referer — with a 403 page that says
 *    which address to use. Next.js checks server actions only when an Origin
 *    is present; a request with none used to pass.
 * 2. Gives every page a Content-Security-Policy with a fresh nonce, and every
 *    response the common security headers (lib/http/security-headers.ts).
 * 3. Sends visitors to a language: "/" and unprefixed public paths (old links
 *    such as /records/…) redirect to /vi/… or /en/… by cookie or
 *    Accept-Language (next-intl). Staff, API, media and protocol routes are
 *    not localised.
 */
import createMiddleware from 'next-intl/middleware';
import { NextRequest, NextResponse } from 'next/server';
import { foreignOriginResponse, isSameOrigin } from './lib/auth/origin';
import { getConfig } from './lib/config';
import { COMMON_HEADERS, DATA_POLICY, newNonce, pagePolicy } from './lib/http/security-headers';
import { routing } from './lib/i18n/routing';

const localize = createMiddleware(routing);

/** Paths that are not public pages in a language (the matcher of the language redirect, before this proxy covered everything). */
const NOT_LOCALIZED = /^\/(api|studio|oai|iiif|feeds|_next|_vercel|sitemap\.xml|robots\.txt)(\/|$)|\.[^/]*$/;
/** JSON and XML for machines: harvesting, the API, feeds, manifests. Media routes set their own policy by file type. */
const DATA_ROUTES = /^\/(api\/v1|oai|feeds|sitemaps|iiif\/(collection\/|[^/]+\/manifest\.json))|^\/(sitemap\.xml|robots\.txt)$/;
/** OAI-PMH allows harvesting by POST; it changes nothing, and harvesters send no Origin. */
const READ_ONLY_POSTS = /^\/oai\/?$/;

/** Next.js copies a body for the proxy only up to this size (experimental.proxyClientMaxBodySize): larger ones are not inspected here. */
const INSPECTED_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Whether a page POST (a server action or form action) has a body Next.js
 * could not even parse: such a body made the action handler throw, a 500.
 * Form bodies must parse as forms; a script-sent action's text body is JSON.
 */
async function unreadableBody(request: NextRequest): Promise<boolean> {
  if (request.method !== 'POST' || Number(request.headers.get('content-length') ?? INSPECTED_BODY_BYTES + 1) > INSPECTED_BODY_BYTES) return false;
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  try {
    if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) await request.clone().formData();
    else if (request.headers.has('next-action')) JSON.parse(await request.clone().text());
    return false;
  } catch {
    return true;
  }
}

/** Next.js decodes route parameters itself and answers a broken %-escape (/api/files/x/%E0%A4%A) with a 500. */
function decodablePath(pathname: string): boolean {
  try {
    for (const segment of pathname.split('/')) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

function plainText(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

function withCommonHeaders<T extends Response>(response: T): T {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) response.headers.set(name, value);
  return response;
}

export default async function proxy(request: NextRequest): Promise<NextResponse | Response> {
  const config = getConfig();
  const { pathname } = request.nextUrl;

  if (!READ_ONLY_POSTS.test(pathname) && !isSameOrigin(request, config.siteUrl)) return withCommonHeaders(foreignOriginResponse(config.siteUrl));
  if (!decodablePath(pathname)) return withCommonHeaders(plainText(400, 'Đường dẫn không hợp lệ (mã hóa %xx hỏng). / Malformed path: broken %-escapes.'));
  if (NOT_LOCALIZED.test(pathname) && !pathname.startsWith('/api/') && (await unreadableBody(request))) {
    return withCommonHeaders(plainText(400, 'Yêu cầu không đọc được (dữ liệu biểu mẫu hỏng). Hãy tải lại trang và gửi lại. / Unreadable request: the form data is malformed; reload the page and send it again.'));
  }

  const requestHeaders = new Headers(request.headers);
  let policy: string | undefined;
  if (DATA_ROUTES.test(pathname)) policy = DATA_POLICY;
  else if (!pathname.startsWith('/api/') && !/^\/iiif\//.test(pathname)) {
    const nonce = newNonce();
    policy = pagePolicy(nonce, config);
    // Next.js takes the nonce for its own scripts from the request's policy.
    requestHeaders.set('content-security-policy', policy);
    requestHeaders.set('x-nonce', nonce);
  }

  const response = NOT_LOCALIZED.test(pathname)
    ? NextResponse.next({ request: { headers: requestHeaders } })
    : localize(new NextRequest(request, { headers: requestHeaders }));
  if (policy) response.headers.set('content-security-policy', policy);
  return withCommonHeaders(response);
}

export const config = {
  matcher: [
    // Everything but the build's own immutable assets and the tus endpoint: Next.js buffers in memory the body of
    // every request its proxy sees, and an upload must stream (lib/uploads/tus.ts checks the origin itself).
    '/((?!_next/static|_next/image|api/uploads|studio/import).*)',
    // The bulk import posts a CSV and a zip (up to 500 MB): its page is covered, its multipart posts are not
    // (requireActor in lib/server/workflow.ts checks their origin).
    { source: '/studio/import/:path*', missing: [{ type: 'header', key: 'content-type', value: 'multipart/form-data.*' }] },
  ],
};
