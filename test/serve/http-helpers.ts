/** Raw HTTP for the server tests: exact bytes in, status and body out. */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { BIN } from '../helpers/cli.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `request` as is on a fresh connection; resolves with the first response (or status 0 when the server closed without one). */
export function raw(port: number, request: string | Buffer, opts: { timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no response'));
    }, opts.timeoutMs ?? 5000);
    const finish = () => {
      clearTimeout(timer);
      resolve(parseResponse(data.toString('utf8')));
    };
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      const parsed = parseResponse(data.toString('utf8'));
      const length = Number(parsed.headers['content-length'] ?? -1);
      if (parsed.status !== 0 && (length === Buffer.byteLength(parsed.body) || parsed.status === 304)) {
        socket.destroy();
        finish();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.write(request);
  });
}

export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, headers: {}, body: '' };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(end + 4) };
}

/** A POST with a JSON (or any) body. */
export function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const h = Object.entries({ host: 'x', 'content-type': 'application/json', 'content-length': String(b.length), connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${h}\r\n`), b]);
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the real `flags serve` binary and waits for its listening line. */
export function startServe(args: string[], cwd: string): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let out = '';
    let err = '';
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /OFREP on (http:\/\/127\.0\.0\.1:(\d+))\//.exec(out);
      if (m) resolve({ child, url: m[1]!, port: Number(m[2]), stdout: () => out, stderr: () => err, exit });
    });
    child.stderr.on('data', (d) => (err += d));
    void exit.then((code) => reject(new Error(`flags serve exited ${code}: ${err}`)));
  });
}
