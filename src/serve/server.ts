/**
 * The HTTP side of `flags serve` (SPEC 7): node:http, no framework. The only
 * code that listens on the network. Routing and protocol live in ofrep.ts;
 * this file owns what a hostile or broken client can do: oversized or slow
 * bodies, huge headers, idle connections, invalid UTF-8, missing credentials.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlagEvaluator } from '../evaluation/index.js';
import { handleOfrep, OFREP_PREFIX, type OfrepResponse } from './ofrep.js';

/** Request bodies above this get 413 (SPEC 7). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface OfrepServerOptions {
  evaluator: FlagEvaluator;
  host?: string;
  port?: number;
  /** Bearer token required on /ofrep/ endpoints (health checks stay open for probes). */
  token?: string;
  maxBodyBytes?: number;
  /** A request must arrive whole (headers and body) within this time (default 10000 ms). */
  requestTimeoutMs?: number;
  /** Advertised in the configuration endpoint. */
  minPollingIntervalMs?: number;
  /** One access-log line per request, when given. */
  log?: (line: string) => void;
  /** For the access log: the wall clock (ISO timestamps) and a monotonic one (durations). */
  clock?: { now(): Date; monotonic(): number };
}

export interface OfrepServer {
  server: Server;
  url: string;
  port: number;
  /** False once draining: /readyz answers 503 so load balancers stop sending. */
  ready: boolean;
  /**
   * Answers /readyz with 503 at once, keeps accepting for `unreadyMs` (so a
   * load balancer polling readiness stops sending first), then stops
   * accepting, lets in-flight requests finish (up to `graceMs`) and closes
   * every connection.
   */
  drain(options?: { graceMs?: number; unreadyMs?: number }): Promise<void>;
}

/** Body bytes per response, for the access log (writeHead's headers are not readable back). */
const sentBytes = new WeakMap<ServerResponse, number>();
const decoder = new TextDecoder('utf-8', { fatal: true });
const JSON_TYPE = 'application/json; charset=utf-8';

export async function startOfrepServer(options: OfrepServerOptions): Promise<OfrepServer> {
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeout = options.requestTimeoutMs ?? 10_000;
  const info = { minPollingIntervalMs: options.minPollingIntervalMs ?? 1000 };
  const expected = options.token === undefined ? undefined : digest(options.token);
  const clock = options.clock ?? { now: () => new Date(), monotonic: () => performance.now() };
  let draining = false;

  const server = createServer(
    {
      // Slowloris: a request's headers and body must arrive within the timeout;
      // Node checks every second (its default of 30 s lets slow clients linger).
      requestTimeout: timeout,
      headersTimeout: timeout,
      connectionsCheckingInterval: 1000,
      // Headers over 16 KiB are refused by Node with 431 before we see them.
      maxHeaderSize: 16 * 1024,
      keepAlive: true,
    },
    (req, res) => {
      const started = options.log ? clock.monotonic() : 0;
      if (options.log) {
        res.once('finish', () => {
          const ms = (clock.monotonic() - started).toFixed(1);
          options.log!(`${clock.now().toISOString()} ${req.socket.remoteAddress ?? '-'} ${req.method} ${sanitize(req.url ?? '')} ${res.statusCode} ${ms}ms ${sentBytes.get(res) ?? 0}B`);
        });
      }
      try {
        route(req, res);
      } catch (e) {
        send(res, { status: 500, body: JSON.stringify({ errorDetails: `internal error: ${(e as Error).message}` }) });
      }
    },
  );
  server.keepAliveTimeout = 5000;
  // A socket error (reset, garbage) is the client's problem, never the server's.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path === '/healthz') return send(res, { status: 200, body: '{"status":"ok"}' });
    if (path === '/readyz') return send(res, draining ? { status: 503, body: '{"status":"draining"}' } : { status: 200, body: '{"status":"ready"}' });
    if (!path.startsWith(OFREP_PREFIX)) return send(res, { status: 404, body: JSON.stringify({ errorDetails: 'not found' }) });
    if (expected !== undefined && !authorized(req.headers.authorization, expected)) {
      req.resume();
      return send(res, { status: 401, body: '{"errorDetails":"a valid bearer token is required"}', headers: { 'www-authenticate': 'Bearer' } });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) return tooLarge(req, res, maxBody);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBody) {
        refused = true;
        tooLarge(req, res, maxBody);
      } else chunks.push(chunk);
    });
    req.on('error', () => req.socket.destroy());
    req.on('end', () => {
      if (refused) return;
      let body: string;
      try {
        body = chunks.length === 0 ? '' : decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      } catch {
        return send(res, { status: 400, body: JSON.stringify({ errorCode: 'INVALID_CONTEXT', errorDetails: 'request body is not valid UTF-8' }) });
      }
      const ifNoneMatch = req.headers['if-none-match'];
      let response: OfrepResponse | null;
      try {
        response = handleOfrep(options.evaluator, { method: req.method ?? 'GET', path, body, ifNoneMatch }, info);
      } catch (e) {
        response = { status: 500, body: JSON.stringify({ errorCode: 'GENERAL', errorDetails: `evaluation failed: ${(e as Error).message}` }) };
      }
      send(res, response ?? { status: 404, body: '{"errorDetails":"not found"}' }, req.method === 'HEAD');
    });
  }

  function send(res: ServerResponse, r: OfrepResponse, headOnly = false): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.status !== 304) {
      headers['content-type'] = JSON_TYPE;
      headers['content-length'] = Buffer.byteLength(r.body);
    }
    headers['cache-control'] = 'no-store';
    // While draining, every answer closes its connection: keep-alive clients reconnect elsewhere.
    if (draining) headers.connection = 'close';
    if (options.log) sentBytes.set(res, headOnly || r.status === 304 ? 0 : Buffer.byteLength(r.body));
    res.writeHead(r.status, headers);
    res.end(headOnly || r.status === 304 ? undefined : r.body);
  }

  function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
    // Answer at once and close: reading the rest of a huge body would be the attack.
    res.once('finish', () => req.socket.destroySoon?.() ?? req.socket.end());
    send(res, { status: 413, body: JSON.stringify({ errorCode: 'GENERAL', errorDetails: `request body larger than ${limit} bytes` }), headers: { connection: 'close' } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8016, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const handle: OfrepServer = {
    server,
    url: `http://${host}:${address.port}`,
    port: address.port,
    get ready() {
      return !draining;
    },
    async drain({ graceMs = 10_000, unreadyMs = 0 } = {}) {
      draining = true;
      if (unreadyMs > 0) await new Promise((r) => setTimeout(r, unreadyMs));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
  return handle;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time comparison of the bearer token (hashes first: equal lengths). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m !== null && timingSafeEqual(digest(m[1]!), expected);
}

/** Access-log paths are client text: no control characters reach the log. */
function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.length > 200 ? s.slice(0, 200).replace(/[\u0000-\u001f\u007f]/g, '?') + '…' : s.replace(/[\u0000-\u001f\u007f]/g, '?');
}
