/** Any /api/v1 path no endpoint answers: a problem document (RFC 9457), as a client of a JSON API expects, not an HTML page. */
import { problem } from '@/lib/api/http';

export const dynamic = 'force-dynamic';

function notFound(): Response {
  return problem(404, 'Not Found', 'No such endpoint: see /api/v1/openapi.json for the ones there are.');
}

export { notFound as GET, notFound as HEAD, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
