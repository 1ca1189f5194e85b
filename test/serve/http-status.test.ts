/**
 * Every status code `flags serve` answers, over raw HTTP (exact bytes), with
 * the OFREP bodies the protocol defines (service/openapi.yaml).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfrepServer, type OfrepServer } from '../../src/serve/server.js';
import { createEvaluator, type LiveEvaluator } from '../../src/store/live-evaluator.js';
import { removeDir } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';
import { servingProject } from './fixtures.js';
import { post, raw } from './http-helpers.js';

let dir: string;
let live: LiveEvaluator;
let server: OfrepServer;
let port: number;
const log: string[] = [];

beforeAll(async () => {
  dir = servingProject();
  writeFileSync(path.join(dir, 'flags/broken.yaml'), 'key: broken\nname: b\ndescription: ""\ntype: boolean\ndefaultValue: false\nenabled: nope\nrules: []\ntags: []\nowner: x\n');
  live = await createEvaluator({ dir: path.join(dir, 'flags') });
  server = await startOfrepServer({ evaluator: live, port: 0, token: 'tok', log: (l) => log.push(l) });
  port = server.port;
});
afterAll(async () => {
  await server.drain({ graceMs: 100 });
  live.close();
  removeDir(dir);
});

const auth = { authorization: 'Bearer tok' };
const json = (r: { body: string }) => JSON.parse(r.body);

describe('OFREP single evaluation', () => {
  it('200 with key, value, reason, variant and metadata', async () => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags/button-color', '{"context":{"targetingKey":"u-7"}}', auth));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json(r)).toEqual({ key: 'button-color', value: expect.any(String), reason: 'SPLIT', variant: expect.any(String), metadata: { flagyardReason: 'SPLIT' } });
  });

  it('404 FLAG_NOT_FOUND for an unknown flag; a percent-encoded key is decoded', async () => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags/no%20such', '{}', auth));
    expect(r.status).toBe(404);
    expect(json(r)).toEqual({ key: 'no such', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'flag "no such" not found' });
  });

  it('400 PARSE_ERROR for an invalid flag', async () => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags/broken', '{"context":{}}', auth));
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ key: 'broken', errorCode: 'PARSE_ERROR', errorDetails: expect.stringContaining('invalid') });
  });

  it.each([
    ['malformed JSON', '{"context":', /not valid JSON/],
    ['a JSON array', '[1]', /must be a JSON object/],
    ['a context that is not an object', '{"context":"x"}', /"context" must be a JSON object/],
  ])('400 INVALID_CONTEXT for %s', async (_, body, details) => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags/button-color', body, auth));
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ key: 'button-color', errorCode: 'INVALID_CONTEXT', errorDetails: expect.stringMatching(details) });
  });

  it('400 for a body that is not UTF-8, and for a key that is not valid percent-encoding', async () => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags/button-color', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), auth));
    expect(r.status).toBe(400);
    expect(json(r)).toEqual({ errorCode: 'INVALID_CONTEXT', errorDetails: 'request body is not valid UTF-8' });
    const k = await raw(port, post('/ofrep/v1/evaluate/flags/%E0%A4%A', '{}', auth));
    expect(k.status).toBe(400);
  });

  it('an empty body is an empty context', async () => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags/model-provider', '', auth));
    expect(json(r)).toMatchObject({ value: 'anthropic', reason: 'DEFAULT' });
  });
});

describe('OFREP bulk evaluation and configuration', () => {
  it('200 with every flag and an ETag; 304 for If-None-Match with it; 200 again when the context changes', async () => {
    const body = '{"context":{"tenant":{"type":"enterprise"}}}';
    const r = await raw(port, post('/ofrep/v1/evaluate/flags', body, auth));
    expect(r.status).toBe(200);
    const flags = json(r).flags as { key: string }[];
    expect(flags.map((f) => f.key).sort()).toEqual(['broken', 'button-color', 'checkout-redesign', 'legacy-export', 'model-provider', 'new-orchestrator-v2', 'parallel-agents-limit', 'search-limits', 'self-evolution-enabled'].sort());
    expect(flags.find((f) => f.key === 'broken')).toMatchObject({ errorCode: 'PARSE_ERROR' });
    expect(flags.find((f) => f.key === 'parallel-agents-limit')).toMatchObject({ value: 15, reason: 'TARGETING_MATCH' });
    const etag = r.headers.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await raw(port, post('/ofrep/v1/evaluate/flags', body, { ...auth, 'if-none-match': `"other", ${etag}` }));
    expect(again).toMatchObject({ status: 304, body: '' });
    expect(again.headers.etag).toBe(etag);
    const other = await raw(port, post('/ofrep/v1/evaluate/flags', '{"context":{}}', { ...auth, 'if-none-match': etag }));
    expect(other.status).toBe(200);
    expect(other.headers.etag).not.toBe(etag);
  });

  it('400 with a bulk failure body for malformed JSON', async () => {
    const r = await raw(port, post('/ofrep/v1/evaluate/flags', 'nope', auth));
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ errorCode: 'INVALID_CONTEXT', errorDetails: expect.stringMatching(/not valid JSON/) });
  });

  it('GET configuration: 200 with capabilities and an ETag, 304 when unchanged', async () => {
    const r = await raw(port, `GET /ofrep/v1/configuration HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tok\r\nconnection: close\r\n\r\n`);
    expect(r.status).toBe(200);
    expect(json(r)).toMatchObject({ name: 'flagyard', capabilities: { cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 1000 } } } });
    const again = await raw(port, `GET /ofrep/v1/configuration HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tok\r\nif-none-match: ${r.headers.etag}\r\nconnection: close\r\n\r\n`);
    expect(again.status).toBe(304);
  });
});

describe('the rest of the surface', () => {
  it('401 without or with a wrong bearer token (health checks stay open)', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nope' }, { authorization: 'Basic dG9r' }, { authorization: 'Bearer tok extra' }]) {
      const r = await raw(port, post('/ofrep/v1/evaluate/flags/button-color', '{}', headers));
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await raw(port, 'GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).status).toBe(200);
  });

  it('404 for other paths, 405 for other methods', async () => {
    expect((await raw(port, 'GET /nope HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).status).toBe(404);
    expect((await raw(port, 'POST /ofrep/v1/nope HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tok\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')).status).toBe(404);
    const r = await raw(port, 'GET /ofrep/v1/evaluate/flags/x HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tok\r\nconnection: close\r\n\r\n');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('413 for a body over 1 MiB, declared or chunked', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await raw(port, post('/ofrep/v1/evaluate/flags/x', big, auth))).status).toBe(413);
    const chunk = Buffer.alloc(512 * 1024, 0x20);
    const chunked = Buffer.concat([
      Buffer.from('POST /ofrep/v1/evaluate/flags/x HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tok\r\ntransfer-encoding: chunked\r\n\r\n'),
      ...[1, 2, 3].flatMap(() => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
      Buffer.from('0\r\n\r\n'),
    ]);
    const r = await raw(port, chunked);
    expect(r.status).toBe(413);
    expect(json(r)).toMatchObject({ errorDetails: 'request body larger than 1048576 bytes' });
  });

  it('431 for headers over 16 KiB, 400 for a request that is not HTTP', async () => {
    const r = await raw(port, `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(r.status).toBe(431);
    expect((await raw(port, 'HELLO\r\n\r\n')).status).toBe(400);
  });

  it('readyz 200, and 503 while draining', async () => {
    expect((await raw(port, 'GET /readyz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).status).toBe(200);
    const other = await startOfrepServer({ evaluator: live, port: 0 });
    const drained = other.drain({ unreadyMs: 300 });
    expect(other.ready).toBe(false);
    const r = await raw(other.port, 'GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(r).toMatchObject({ status: 503, body: '{"status":"draining"}' });
    expect(r.headers.connection).toBe('close');
    await drained;
    await expect(raw(other.port, 'GET /readyz HTTP/1.1\r\nhost: x\r\n\r\n', { timeoutMs: 1000 })).resolves.toMatchObject({ status: 0 });
  });

  it('writes one access-log line per request', () => {
    expect(log.some((l) => / 127\.0\.0\.1 POST \/ofrep\/v1\/evaluate\/flags\/button-color 200 [\d.]+ms \d+B$/.test(l))).toBe(true);
    expect(log.some((l) => / 413 /.test(l))).toBe(true);
  });
});
