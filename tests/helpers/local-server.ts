import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// Handlers may return anything (e.g. `res.end()`); a returned promise is awaited and a rejection answers 500.
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface LocalServerOptions {
  /** Address to bind: 127.0.0.1 by default; 127.0.0.2 stands in for "the public internet" in fetch tests. */
  host?: string;
  routes?: Record<string, RouteHandler>;
}

export interface LocalServer {
  /** Origin, e.g. "http://127.0.0.2:41234". */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Requests seen so far, in order: path with query, and lower-case headers. */
  readonly requests: ReadonlyArray<{ path: string; headers: IncomingMessage['headers'] }>;
  /** Adds or replaces the handler for a path (without query string). */
  route(path: string, handler: RouteHandler): void;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  close(): Promise<void>;
}

/**
 * A node:http server on an ephemeral port for tests that must never touch the internet.
 * Unknown paths answer 404. close() also drops open sockets, so hanging handlers cannot
 * keep a test file alive.
 */
export async function startLocalServer(opts: LocalServerOptions = {}): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  const routes = new Map<string, RouteHandler>(Object.entries(opts.routes ?? {}));
  const requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const handler = routes.get(path.split('?')[0] ?? '/');
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    origin,
    host,
    port,
    get connections() {
      return connections;
    },
    requests,
    route(path, handler) {
      routes.set(path, handler);
    },
    url(path) {
      return new URL(path, origin).href;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
