/**
 * Nothing a client sends can crash or hang `flags serve`: slow bodies and
 * headers (slowloris), huge headers, thousands of idle connections, garbage
 * bytes, invalid UTF-8, deep JSON, prototype keys. Throughout, a well-behaved
 * client keeps getting answers.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlagEvaluator } from '../../src/evaluation/index.js';
import { startOfrepServer, type OfrepServer } from '../../src/serve/server.js';
import { PREDEFINED } from '../evaluation/helpers.js';
import { post, raw } from './http-helpers.js';

let server: OfrepServer;
let port: number;
beforeAll(async () => {
  server = await startOfrepServer({ evaluator: createFlagEvaluator(PREDEFINED), port: 0, requestTimeoutMs: 500 });
  port = server.port;
});
afterAll(async () => {
  await server.drain({ graceMs: 100 });
});

const good = () => raw(port, post('/ofrep/v1/evaluate/flags/parallel-agents-limit', '{"context":{"tenant":{"type":"enterprise"}}}'));
const expectServing = async () => expect(JSON.parse((await good()).body)).toMatchObject({ value: 15 });

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // resume(): read what the server sends, so its closing the connection is seen.
    const s = connect(port, '127.0.0.1', () => resolve(s)).resume();
    s.on('error', reject);
  });
}
const closedWithin = (s: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.on('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });

describe('hostile clients', () => {
  it('slow bodies and slow headers are cut off; others are served meanwhile', async () => {
    const slow: Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < 30; i++) {
      const s = await open();
      s.on('error', () => undefined);
      if (i % 2 === 0) s.write('POST /ofrep/v1/evaluate/flags/x HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{');
      else s.write('POST /ofrep/v1/evaluate/flags/x HTTP/1.1\r\nhost: x\r\n');
      timers.push(setInterval(() => s.writable && s.write(i % 2 === 0 ? ' ' : 'x-a: b\r\n'), 100));
      slow.push(s);
    }
    await expectServing();
    const closed = await Promise.all(slow.map((s) => closedWithin(s, 4000)));
    for (const t of timers) clearInterval(t);
    expect(closed.every(Boolean)).toBe(true);
    await expectServing();
  });

  it('thousands of idle connections neither block others nor stay open', async () => {
    // Its own server with a 3 s request timeout: long enough that the count of held
    // connections below is read before the server lets them go, even on a loaded machine.
    const own = await startOfrepServer({ evaluator: createFlagEvaluator(PREDEFINED), port: 0, requestTimeoutMs: 3000 });
    const port = own.port;
    const good = () => raw(port, post('/ofrep/v1/evaluate/flags/parallel-agents-limit', '{"context":{"tenant":{"type":"enterprise"}}}'));
    const expectServing = async () => expect(JSON.parse((await good()).body)).toMatchObject({ value: 15 });
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s)).resume();
        s.on('error', reject);
      });
    const sockets = await Promise.all(Array.from({ length: 2000 }, () => open().catch(() => null)));
    const opened = sockets.filter((s): s is Socket => s !== null);
    for (const s of opened) s.on('error', () => undefined);
    expect(opened.length).toBeGreaterThan(1900);
    await expectServing();
    // The server's side is what matters: it lets go of every idle connection.
    // (The client's count can lag: connections beyond the listen backlog look
    // open to the client but were never accepted.)
    const held = () => new Promise<number>((r) => own.server.getConnections((_, n) => r(n)));
    expect(await held()).toBeGreaterThan(500);
    await expect.poll(held, { timeout: 15_000, interval: 200 }).toBe(0);
    for (const s of opened) s.destroy();
    await expectServing();
    await own.drain({ graceMs: 100 });
  }, 30_000);

  it('huge headers get 431, garbage gets 400 or a closed socket, never a crash', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => raw(port, `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`)),
      ...Array.from({ length: 20 }, () => raw(port, Buffer.concat([randomBytes(2000), Buffer.from('\r\n\r\n')]))),
      raw(port, Buffer.from('POST /ofrep/v1/evaluate/flags/\xff\xfe HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n', 'latin1')),
      raw(port, Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\nx-bin: \xff\xfe\x00\r\n\r\n', 'latin1')),
    ]);
    expect(results.slice(0, 20).every((r) => r.status === 431)).toBe(true);
    for (const r of results.slice(20)) expect([0, 200, 400, 404]).toContain(r.status);
    await expectServing();
  });

  it('deep JSON, invalid UTF-8 and prototype keys are answered, not obeyed', async () => {
    const deep = '{"context":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    expect((await raw(port, post('/ofrep/v1/evaluate/flags/parallel-agents-limit', deep))).status).toBe(400);
    expect((await raw(port, post('/ofrep/v1/evaluate/flags', Buffer.from([0xc3, 0x28, 0xa0, 0xa1])))).status).toBe(400);
    const proto = await raw(port, post('/ofrep/v1/evaluate/flags/parallel-agents-limit', '{"context":{"__proto__":{"tenant":{"type":"enterprise"}},"constructor":{"prototype":{"x":1}}}}'));
    expect(JSON.parse(proto.body)).toMatchObject({ value: 4, reason: 'DEFAULT' });
    expect(({} as Record<string, unknown>).tenant).toBeUndefined();
    await expectServing();
  });
});
