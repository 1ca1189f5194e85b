/**
 * `flags serve` end to end, as a service in another language uses it: the
 * real binary, the real @openfeature/ofrep-provider and server SDK. Run
 * `npm run build` first.
 */
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeDir, runMain } from '../helpers/cli.js';
import { servingProject } from './fixtures.js';
import { post, raw, startServe, type ServeProcess } from './http-helpers.js';

const dirs: string[] = [];
const servers: ServeProcess[] = [];
afterEach(async () => {
  await OpenFeature.close();
});
afterAll(() => {
  for (const s of servers) s.child.kill('SIGKILL');
  for (const d of dirs) removeDir(d);
});

function project(): string {
  const dir = servingProject();
  dirs.push(dir);
  return dir;
}

/** Runs `flags kill` and resolves with how long until `check` sees it (ms). */
async function killAndWait(dir: string, key: string, check: () => Promise<boolean>): Promise<number> {
  expect((await runMain(['kill', key], { cwd: dir })).code).toBe(0);
  const start = performance.now();
  await expect.poll(check, { timeout: 1000, interval: 20 }).toBe(true);
  return performance.now() - start;
}

describe('flags serve + the OpenFeature OFREP provider', () => {
  it('serves the directory with a token; a flags kill reaches the client within a second', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'token'), 's3cret\n');
    const serve = await startServe(['--env', 'production', '--token-file', 'token', '--log-requests'], dir);
    servers.push(serve);
    expect(serve.stdout()).toMatch(/8 flags from flags\/, environment production, bearer token required/);

    await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: serve.url, headers: [['Authorization', 'Bearer s3cret']] }));
    const client = OpenFeature.getClient();
    const ctx = { targetingKey: 'user-1', tenant: { type: 'enterprise' } };
    expect(await client.getNumberDetails('parallel-agents-limit', 1, ctx)).toMatchObject({
      value: 15,
      reason: 'TARGETING_MATCH',
      flagMetadata: { ruleId: 'enterprise-higher-limit' },
    });
    // --env production is the default environment: its override serves blue.
    expect(await client.getStringDetails('button-color', 'x', ctx)).toMatchObject({ value: 'blue', reason: 'STATIC' });
    expect(await client.getStringDetails('button-color', 'x', { ...ctx, environment: 'staging' })).toMatchObject({ reason: 'SPLIT' });
    expect(await client.getBooleanDetails('no-such-flag', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(await client.getBooleanDetails('model-provider', true)).toMatchObject({ value: true, errorCode: 'TYPE_MISMATCH' });

    const ms = await killAndWait(dir, 'parallel-agents-limit', async () => (await client.getNumberDetails('parallel-agents-limit', 1, ctx)).value === 4);
    expect(ms).toBeLessThan(1000);
    expect(await client.getNumberDetails('parallel-agents-limit', 1, ctx)).toMatchObject({ value: 4, reason: 'DISABLED', flagMetadata: { flagyardReason: 'KILL_SWITCH' } });
    expect(serve.stderr()).toMatch(/reloaded: 1 flag changed \(parallel-agents-limit\)/);

    // A flag file turned invalid: its key answers PARSE_ERROR only if it never had a valid version.
    writeFileSync(path.join(dir, 'flags/new.yaml'), 'key: new\nname: n\ndescription: ""\ntype: boolean\ndefaultValue: false\nenabled: nope\nrules: []\ntags: []\nowner: x\n');
    await expect.poll(async () => (await client.getBooleanDetails('new', true)).errorCode, { timeout: 3000 }).toBe('PARSE_ERROR');

    // Without the token: the provider gets 401 and serves defaults.
    await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: serve.url }));
    expect(await OpenFeature.getClient().getNumberDetails('parallel-agents-limit', 1, ctx)).toMatchObject({ value: 1, reason: 'ERROR' });

    // The access log arrives through a pipe: wait for it.
    await expect.poll(() => serve.stdout(), { timeout: 3000 }).toMatch(/^\S+Z 127\.0\.0\.1 POST \/ofrep\/v1\/evaluate\/flags\/parallel-agents-limit 200 [\d.]+ms \d+B$/m);
    await expect.poll(() => serve.stdout(), { timeout: 3000 }).toMatch(/ 401 [\d.]+ms \d+B$/m);
  });

  it('serves a bundle from a URL and follows it as it is republished', async () => {
    const dir = project();
    expect((await runMain(['build'], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, 'bundles/flags.json');
    const cdn = createServer((req, res) => {
      const body = readFileSync(file, 'utf8');
      const etag = `"${JSON.parse(body).version}"`;
      if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
      res.writeHead(200, { etag, 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    try {
      const bundleUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/flags.json`;
      const serve = await startServe(['--bundle', bundleUrl, '--poll-ms', '200'], dir);
      servers.push(serve);
      await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: serve.url }));
      const client = OpenFeature.getClient();
      expect((await client.getBooleanDetails('new-orchestrator-v2', false, { tenant: { id: 'tenant-beta-1' } })).value).toBe(true);
      expect((await runMain(['kill', 'new-orchestrator-v2'], { cwd: dir })).code).toBe(0);
      expect((await runMain(['build'], { cwd: dir })).code).toBe(0);
      await expect.poll(async () => (await client.getBooleanDetails('new-orchestrator-v2', false, { tenant: { id: 'tenant-beta-1' } })).value, { timeout: 1000, interval: 20 }).toBe(false);

      // A broken publish: the server keeps the last good bundle and says so.
      writeFileSync(file, '{"schemaVersion": 2}');
      await expect.poll(() => serve.stderr(), { timeout: 3000 }).toMatch(/reload failed, still serving the last good bundle: .*unsupported bundle schemaVersion 2/);
      expect(await client.getBooleanDetails('new-orchestrator-v2', true, { tenant: { id: 'tenant-beta-1' } })).toMatchObject({ value: false, reason: 'DISABLED' });
      serve.child.kill('SIGTERM');
      expect(await serve.exit).toBe(0);
    } finally {
      cdn.close();
    }
  });

  it('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const dir = project();
    const serve = await startServe([], dir);
    servers.push(serve);
    // Headers and half a body: the request is in flight when the signal comes.
    const body = '{"context":{"tenant":{"type":"enterprise"}}}';
    const request = post('/ofrep/v1/evaluate/flags/parallel-agents-limit', body);
    const split = request.length - 10;
    const { connect } = await import('node:net');
    const socket = connect(serve.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(request.subarray(0, split));
    let response = '';
    socket.on('data', (d) => (response += d));
    const closed = new Promise((r) => socket.on('close', r));
    await new Promise((r) => setTimeout(r, 100));
    serve.child.kill('SIGTERM');
    await expect.poll(() => serve.stderr(), { timeout: 3000 }).toMatch(/SIGTERM: draining/);
    // New connections are refused while the old one finishes.
    await expect(raw(serve.port, 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', { timeoutMs: 1000 })).resolves.toMatchObject({ status: 0 });
    socket.write(request.subarray(split));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toMatch(/"value":15/);
    expect(await serve.exit).toBe(0);
  });

  it('refuses bad options and sources with one clear line', async () => {
    const dir = project();
    expect(await runMain(['serve', '--port', '70000'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --port "70000"/) });
    expect(await runMain(['serve', '--token-file', 'nope'], { cwd: dir })).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot read --token-file .*nope: ENOENT/) });
    expect(await runMain(['serve', '--bundle', 'nope.json'], { cwd: dir })).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: cannot read bundle .*nope\.json: ENOENT\n$/) });
    expect(await runMain(['serve', '--dir', 'missing'], { cwd: dir })).toMatchObject({ code: 1, stderr: expect.stringMatching(/flags directory not found/) });
  });
});
