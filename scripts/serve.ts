/**
 * The production web server: Next.js behind a thin Node HTTP server that
 * decides who the client is. Next itself believes any X-Forwarded-For a
 * client sends, so rate limits, sign-in throttling and the audit log could be
 * walked past with a new header per request. Here forwarding headers survive
 * only when the socket's peer is a proxy named by TRUST_PROXY; the resolved
 * address reaches the app in a header whose name is chosen at random per
 * process (lib/http/client-address.ts).
 *
 *   npm start            (PORT, HOST, SITE_URL, TRUST_PROXY from the environment)
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { assignClientAddressHeader, getConfig } from '../lib/config';
import { isTrustedProxy, resolveClientAddress } from '../lib/http/client-address';

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

async function main(): Promise<void> {
  const addressHeader = assignClientAddressHeader(randomBytes(16).toString('hex'));
  const config = getConfig();
  const app = next({ dev: false, dir: path.resolve(import.meta.dirname, '..'), hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = http.createServer((request, response) => {
    const peer = request.socket.remoteAddress;
    request.headers[addressHeader] = resolveClientAddress(peer, request.headers['x-forwarded-for'], config.trustProxy);
    // From anyone but a trusted proxy, forwarding headers are the client's own words: drop them, so Next
    // (and tus) derive host and scheme from the connection itself.
    if (!isTrustedProxy(peer, config.trustProxy)) for (const name of FORWARDING_HEADERS) delete request.headers[name];
    void handle(request, response);
  });
  server.listen(config.port, config.host, () => {
    console.log(`Di Sản is serving ${config.siteUrl} (listening on ${config.host}:${config.port})`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close();
      // Open keep-alive connections and running derivative jobs must not hold the process forever.
      setTimeout(() => process.exit(0), 3_000).unref();
      void app.close().finally(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
