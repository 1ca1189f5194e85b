/**
 * `flags build` and `flagyard/runtime`: bundles hold only valid flags, answer
 * exactly as the library does, and a polling runtime keeps its last good
 * bundle through every kind of failure.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundleEvaluator, BundleLoadError } from '../../src/runtime.js';
import { createEvaluator, type LiveEvaluator } from '../../src/store/live-evaluator.js';
import type { EvaluationContext } from '../../src/evaluation/index.js';
import { flagYaml, projectWith, removeDir, ROOT, runMain } from '../helpers/cli.js';
import { sampleContexts, servingProject } from './fixtures.js';

let project: string;
let live: LiveEvaluator;

beforeAll(async () => {
  project = servingProject();
  live = await createEvaluator({ dir: path.join(project, 'flags') });
});
afterAll(() => {
  live.close();
  removeDir(project);
});

const readBundle = (name: string) => JSON.parse(readFileSync(path.join(project, 'bundles', name), 'utf8'));

describe('flags build', () => {
  it('writes one bundle per environment and one without', async () => {
    const r = await runMain(['build'], { cwd: project });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(project, 'bundles')).sort()).toEqual(['flags.dev.json', 'flags.json', 'flags.production.json', 'flags.staging.json']);
    expect(r.stdout).toMatch(/^bundles\/flags\.json\s+\(no environment\)\s+8 flags\s+sha256-[0-9a-f]{32}$/m);
    expect(r.stdout).toMatch(/^bundles\/flags\.production\.json\s+production\s+8 flags\s+sha256-/m);
  });

  it('carries only what evaluation needs, and only its own environment', () => {
    const b = readBundle('flags.production.json');
    expect(b).toMatchObject({ schemaVersion: 1, environment: 'production', segments: {} });
    const flag = b.flags['checkout-redesign'];
    for (const field of ['name', 'description', 'tags', 'owner']) expect(flag).not.toHaveProperty(field);
    expect(flag.rules[0]).not.toHaveProperty('description');
    expect(flag.environments).toEqual({ production: { enabled: true } });
    expect(b.flags['button-color'].variants[0]).toEqual({ key: 'control', value: 'blue', weight: 50 });
    expect(readBundle('flags.json').flags['checkout-redesign'].environments).toHaveProperty('staging');
  });

  it('matches its documented JSON Schema (docs/bundle.schema.json) at the envelope and flag level', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'docs/bundle.schema.json'), 'utf8'));
    const b = readBundle('flags.staging.json');
    expect(Object.keys(b).sort()).toEqual([...schema.required].sort());
    expect(b.version).toMatch(new RegExp(schema.properties.version.pattern));
    for (const flag of Object.values(b.flags) as Record<string, unknown>[]) {
      for (const field of schema.$defs.flag.required) expect(flag).toHaveProperty(field);
      for (const field of Object.keys(flag)) expect(Object.keys(schema.$defs.flag.properties)).toContain(field);
    }
  });

  it('the docs/ci.md publishing recipes parse and their build step writes the bundles', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
    const recipe = (name: string) => new Map([...doc.matchAll(/<!-- recipe: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map((m) => [m[1], m[2]])).get(name)!;
    const github = YAML.parse(recipe('github-publish-bundles'));
    const gitlab = YAML.parse(recipe('gitlab-publish-bundles'));
    const build = (github.jobs.publish.steps as { run?: string }[]).map((s) => s.run).find((r) => r?.includes('flags build'))!;
    expect(gitlab['flags-publish'].script).toContain(build);
    const other = projectWith({ 'a.yaml': flagYaml('a') });
    try {
      const r = await runMain(build.replace(/^npx flags /, '').split(' '), { cwd: other });
      expect(r.code).toBe(0);
      expect(readdirSync(path.join(other, 'bundles'))).toEqual(['flags.json']);
    } finally {
      removeDir(other);
    }
  });

  it('versions by content: the same flags give the same version, a change a new one', async () => {
    const before = readBundle('flags.json').version;
    await runMain(['build'], { cwd: project });
    expect(readBundle('flags.json').version).toBe(before);
    const other = projectWith({ 'a.yaml': flagYaml('a') });
    try {
      await runMain(['build', '--json'], { cwd: other });
      const v1 = JSON.parse(readFileSync(path.join(other, 'bundles/flags.json'), 'utf8')).version;
      await runMain(['kill', 'a'], { cwd: other });
      const r = await runMain(['build', '--json'], { cwd: other });
      expect(JSON.parse(r.stdout).bundles[0]).toMatchObject({ file: 'bundles/flags.json', environment: null, flags: 1 });
      expect(JSON.parse(readFileSync(path.join(other, 'bundles/flags.json'), 'utf8')).version).not.toBe(v1);
    } finally {
      removeDir(other);
    }
  });

  it('exits 1 and writes nothing when a flag is invalid', async () => {
    const bad = projectWith({ 'a.yaml': flagYaml('a'), 'b.yaml': flagYaml('b').replace('enabled: true', 'enabled: maybe') });
    try {
      const r = await runMain(['build', '--out', 'out'], { cwd: bad });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^flags\/b\.yaml:6:10\s+error\s+INVALID_TYPE/m);
      expect(r.stderr).toMatch(/error: 1 error in the flag files: no bundle written/);
      expect(existsSync(path.join(bad, 'out'))).toBe(false);
    } finally {
      removeDir(bad);
    }
  });

  it('refuses an --env that cannot name a file (exit 2)', async () => {
    const r = await runMain(['build', '--env', '../etc'], { cwd: project });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid --env "\.\.\/etc"/);
  });
});

describe('flagyard/runtime answers as the library does', () => {
  const contexts = sampleContexts(2500);
  const sorted = (all: Record<string, unknown>) => JSON.stringify(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1)));
  const withoutEnv = (c: Record<string, unknown>) => {
    const { environment: _, ...rest } = c;
    return rest as EvaluationContext;
  };

  it.each(['flags.json', 'flags.staging.json', 'flags.production.json', 'flags.dev.json'])('%s, every flag, 2500 generated contexts', async (name) => {
    const runtime = await createBundleEvaluator({ file: path.join(project, 'bundles', name), pollMs: 0 });
    const env = runtime.bundle().environment;
    expect(runtime.keys().sort()).toEqual(live.keys().sort());
    let compared = 0;
    const mismatches: string[] = [];
    for (const c of contexts) {
      const ctx = env === null ? (c as EvaluationContext) : withoutEnv(c);
      const expectedCtx = env === null ? ctx : { ...ctx, environment: env };
      for (const key of live.keys()) {
        // One expect per evaluation costs more than the evaluations: compare serialised, report the first few.
        const got = JSON.stringify(runtime.evaluate(key, ctx));
        const want = JSON.stringify(live.evaluate(key, expectedCtx));
        if (got !== want && mismatches.length < 5) mismatches.push(`${key} ${JSON.stringify(ctx)}: ${got} != ${want}`);
        compared++;
      }
      // Same results; the order differs (a bundle lists flags by key, the library by file).
      if (sorted(runtime.evaluateAll(ctx)) !== sorted(live.evaluateAll(expectedCtx)) && mismatches.length < 5) mismatches.push(`evaluateAll ${JSON.stringify(ctx)}`);
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBe(2500 * 8);
  });

  it('the generated contexts reach every reason', () => {
    const reasons = new Set<string>();
    for (const c of contexts) for (const r of Object.values(live.evaluateAll(c as EvaluationContext))) reasons.add(r.reason);
    expect([...reasons].sort()).toEqual(['DEFAULT', 'ENVIRONMENT_DISABLED', 'ENVIRONMENT_OVERRIDE', 'FALLTHROUGH', 'KILL_SWITCH', 'RULE_MATCH', 'SPLIT']);
  });

  it('refuses an environment the bundle was not built for', async () => {
    await expect(createBundleEvaluator({ file: path.join(project, 'bundles/flags.production.json'), environment: 'staging' })).rejects.toThrow(
      /built for environment "production", not "staging"/,
    );
  });

  it('serves a flag that does not compile as PARSE_ERROR, the rest as usual', async () => {
    const bundle = readBundle('flags.json');
    bundle.flags['checkout-redesign'].rules[0].conditions[0].value = '(unclosed';
    const runtime = await createBundleEvaluator({ bundle });
    expect(runtime.evaluate('checkout-redesign', {}, false)).toEqual({ value: false, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(runtime.evaluate('parallel-agents-limit', { tenant: { type: 'enterprise' } }).value).toBe(15);
  });
});

describe('flagyard/runtime sources', () => {
  let server: Server;
  let url: string;
  let respond: (req: { ifNoneMatch?: string }) => { status: number; body?: string; etag?: string } = () => ({ status: 500 });
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const ifNoneMatch = req.headers['if-none-match'];
      seen.push(ifNoneMatch);
      const r = respond({ ifNoneMatch });
      res.writeHead(r.status, r.etag ? { etag: r.etag } : {});
      res.end(r.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags.json`;
  });
  afterAll(() => server.close());

  it('polls with If-None-Match and keeps the last good bundle through every failure', async () => {
    const good = readFileSync(path.join(project, 'bundles/flags.json'), 'utf8');
    respond = ({ ifNoneMatch }) => (ifNoneMatch === '"v1"' ? { status: 304 } : { status: 200, body: good, etag: '"v1"' });
    const errors: string[] = [];
    const updates: { version: string; changedKeys: string[] }[] = [];
    const runtime = await createBundleEvaluator({ url, pollMs: 0, onError: (e) => errors.push(e.message), onUpdate: (u) => updates.push(u) });
    expect(runtime.evaluate('parallel-agents-limit', { tenant: { type: 'enterprise' } }).value).toBe(15);

    expect(await runtime.refresh()).toBe(false);
    expect(seen.at(-1)).toBe('"v1"');

    const failures: [string, () => { status: number; body?: string }][] = [
      ['HTTP 500', () => ({ status: 500 })],
      ['not valid JSON', () => ({ status: 200, body: good.slice(0, 100) })],
      ['unsupported bundle schemaVersion 2', () => ({ status: 200, body: good.replace('"schemaVersion":1', '"schemaVersion":2') })],
      ['must be an object', () => ({ status: 200, body: good.replace('"flags":{', '"flags":[],"x":{') })],
    ];
    for (const [message, r] of failures) {
      respond = r;
      expect(await runtime.refresh()).toBe(false);
      expect(errors.at(-1)).toContain(message);
      expect(runtime.evaluate('parallel-agents-limit', { tenant: { type: 'enterprise' } }).value).toBe(15);
    }

    const killed = JSON.parse(good);
    killed.flags['parallel-agents-limit'].killSwitch = true;
    killed.version = 'sha256-killed';
    respond = () => ({ status: 200, body: JSON.stringify(killed), etag: '"v2"' });
    expect(await runtime.refresh()).toBe(true);
    expect(updates).toEqual([{ version: 'sha256-killed', changedKeys: ['parallel-agents-limit'] }]);
    expect(runtime.evaluate('parallel-agents-limit', { tenant: { type: 'enterprise' } })).toEqual({ value: 4, reason: 'KILL_SWITCH' });
    expect(runtime.version()).toBe('sha256-killed');

    // The server goes away: a network error, the last good bundle stays.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    expect(await runtime.refresh()).toBe(false);
    expect(errors.at(-1)).toMatch(/cannot fetch bundle/);
    expect(runtime.evaluate('parallel-agents-limit', {}).reason).toBe('KILL_SWITCH');
    runtime.close();
  });

  it('follows a Kubernetes ConfigMap update (the ..data symbolic link swapped to a new folder)', async () => {
    const { mkdirSync, symlinkSync, renameSync } = await import('node:fs');
    const dir = projectWith({ 'a.yaml': flagYaml('a') });
    try {
      await runMain(['build', '--out', 'v1'], { cwd: dir });
      await runMain(['kill', 'a'], { cwd: dir });
      await runMain(['build', '--out', 'v2'], { cwd: dir });
      const mount = path.join(dir, 'mount');
      mkdirSync(mount);
      symlinkSync(path.join(dir, 'v1'), path.join(mount, '..data'));
      symlinkSync('..data/flags.json', path.join(mount, 'flags.json'));
      const runtime = await createBundleEvaluator({ file: path.join(mount, 'flags.json'), pollMs: 50 });
      expect(runtime.evaluate('a').reason).toBe('DEFAULT');
      // What the kubelet does: a new link, renamed over the old one.
      symlinkSync(path.join(dir, 'v2'), path.join(mount, '..data_tmp'));
      renameSync(path.join(mount, '..data_tmp'), path.join(mount, '..data'));
      await expect.poll(() => runtime.evaluate('a').reason, { timeout: 3000 }).toBe('KILL_SWITCH');
      runtime.close();
    } finally {
      removeDir(dir);
    }
  });

  it('fails the first load with one clear error', async () => {
    await expect(createBundleEvaluator({ file: path.join(project, 'nope.json') })).rejects.toThrow(BundleLoadError);
    await expect(createBundleEvaluator({ file: path.join(project, 'nope.json') })).rejects.toThrow(/cannot read bundle .*nope\.json: ENOENT/);
    await expect(createBundleEvaluator({ bundle: '{"schemaVersion":9}' })).rejects.toThrow(/unsupported bundle schemaVersion 9/);
    await expect(createBundleEvaluator({} as never)).rejects.toThrow(/exactly one of bundle, file or url/);
  });

  it('re-reads a bundle file when it changes (a ConfigMap update)', async () => {
    const dir = projectWith({ 'a.yaml': flagYaml('a') });
    try {
      await runMain(['build'], { cwd: dir });
      const file = path.join(dir, 'bundles/flags.json');
      const updates: string[][] = [];
      const runtime = await createBundleEvaluator({ file, pollMs: 50, onUpdate: (u) => updates.push(u.changedKeys) });
      expect(runtime.evaluate('a').reason).toBe('DEFAULT');
      await runMain(['kill', 'a'], { cwd: dir });
      await runMain(['build'], { cwd: dir });
      await expect.poll(() => runtime.evaluate('a').reason, { timeout: 3000 }).toBe('KILL_SWITCH');
      expect(updates).toEqual([['a']]);
      writeFileSync(file, 'garbage');
      expect(await runtime.refresh()).toBe(false);
      expect(runtime.evaluate('a').reason).toBe('KILL_SWITCH');
      runtime.close();
    } finally {
      removeDir(dir);
    }
  });
});
