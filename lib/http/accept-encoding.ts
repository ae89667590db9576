/** Which compression a client takes, as its Accept-Encoding says (read with negotiator: q-values, refusals). */
import type http from 'node:http';
import Negotiator from 'negotiator';

/** The encoding to answer with, as the client's Accept-Encoding allows (q=0 refuses); brotli first. */
export function preferredEncoding(request: Pick<http.IncomingMessage, 'headers'>): 'br' | 'gzip' | undefined {
  return new Negotiator(request).encodings(['br', 'gzip'], { preferred: ['br', 'gzip'] })[0] as 'br' | 'gzip' | undefined;
}
