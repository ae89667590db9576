/**
 * The load balancer of the cluster test: a node:http proxy that sends each
 * request to the next web server in turn (no affinity at all, the harshest
 * balancer there is), and remembers which server answered what.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  method: string;
  path: string;
  /** Index of the web server that answered. */
  server: number;
  status: number;
}

export interface RoundRobinProxy {
  url: string;
  served: Served[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(targets: () => string[]): Promise<RoundRobinProxy> {
  const served: Served[] = [];
  let next = 0;
  const server = http.createServer((request, response) => {
    const all = targets();
    const chosen = next++ % all.length;
    const target = new URL(request.url ?? '/', all[chosen]);
    // The Host header stays the proxy's: the web servers build their links (and check origins) against SITE_URL, the proxy.
    const upstream = http.request(target, { method: request.method, headers: request.headers }, (answer) => {
      served.push({ method: request.method ?? '', path: request.url ?? '', server: chosen, status: answer.statusCode ?? 0 });
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', (error) => {
      response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
