/**
 * The package as a user gets it (SPEC 5): `npm pack` once, install the tarball
 * into one fresh temporary project, then use it the ways the README says:
 * `npx flags …` and `npx flagyard …`, `require('flagyard')` from CommonJS,
 * `import` from ESM, and TypeScript with `skipLibCheck: false` and nothing but
 * flagyard installed. Needs `npm run build` first (npm test does it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, ROOT, tempDir } from '../helpers/cli.js';

const work = tempDir('flagyard-package-');
const project = path.join(work, 'project');
const installed = path.join(project, 'node_modules', 'flagyard');
const repoPkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let tarballFiles: string[] = [];

// Child processes get a clean npm environment: no settings of an enclosing
// `npm test` (its prefix, its cache) leak into the consumer project.
const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
env.NO_COLOR = '1';
env.npm_config_update_notifier = 'false';
env.npm_config_fund = 'false';
env.npm_config_audit = 'false';

function sh(cmd: string, args: string[], cwd = project) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function write(rel: string, text: string) {
  const file = path.join(project, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(() => {
  // --ignore-scripts: `prepare` would rebuild; the test checks the build npm test just made.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env, encoding: 'utf8' }),
  )[0] as { filename: string; files: { path: string }[] };
  tarballFiles = packed.files.map((f) => f.path);
  mkdirSync(project);
  // A default project: no "type" field, so .js files are CommonJS.
  write('package.json', JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  // With the optional peer of flagyard/openfeature, as a service using that entry installs it.
  const install = sh('npm', ['install', '--save-dev', '--prefer-offline', '--no-package-lock', path.join(work, packed.filename), '@openfeature/server-sdk@^1']);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  execFileSync('git', ['init', '-q'], { cwd: project });
}, 180_000);

afterAll(() => removeDir(work));

describe('the published package', () => {
  it('contains the bundles, declarations, README and docs, and no sources, source maps or per-file declarations', () => {
    for (const f of ['README.md', 'package.json', 'bin/flags.cjs', 'scripts/load-cli.cjs', 'dist/cli.cjs', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'docs/ci.md']) {
      expect(tarballFiles).toContain(f);
    }
    expect(tarballFiles.filter((f) => /^(src|test|bench|flags)\/|\.map$|^dist\/types\//.test(f))).toEqual([]);
  });

  it('declares no runtime dependency: the bundles contain them', () => {
    const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    // Nothing but the package itself was installed.
    expect(existsSync(path.join(project, 'node_modules', 'zod'))).toBe(false);
  });

  it('holds every relative link of its README and every path --help names', () => {
    const readme = readFileSync(path.join(installed, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !existsSync(path.join(installed, l)))).toEqual([]);
    const help = sh('npx', ['flags', '--help']).stdout + sh('npx', ['flags', 'experiment', '--help']).stdout;
    // Paths in --help are relative to the project that installed the package.
    const named = [...help.matchAll(/(?:^|\s)([\w./-]+\.(?:md|mjs))\b/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect(existsSync(path.join(project, n)), `--help names ${n}`).toBe(true);
  }, 60_000);

  it('runs as `npx flags` and `npx flagyard`: version, init, validate, eval, toggle', () => {
    const version = sh('npx', ['flags', '--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${repoPkg.version}\n` });
    const init = sh('npx', ['flags', 'init']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const validate = sh('npx', ['flagyard', 'validate', '--strict']);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/^✓ 1 flag/);
    // From a subfolder: flags.config.yaml is found by walking up.
    mkdirSync(path.join(project, 'src', 'deep'), { recursive: true });
    const toggle = sh('npx', ['flags', 'toggle', 'example-flag', '--on'], path.join(project, 'src', 'deep'));
    expect(toggle.stderr).toBe('');
    expect(toggle.code).toBe(0);
    const ev = sh('npx', ['flags', 'eval', 'example-flag', '--set', 'user.beta=true', '--json']);
    expect(JSON.parse(ev.stdout)).toMatchObject({ key: 'example-flag', value: true, reason: 'RULE_MATCH' });
  }, 120_000);

  it('loads with require() from CommonJS and with import from ESM, every entry point', () => {
    const subpaths = Object.keys(repoPkg.exports).filter((s) => s !== './package.json');
    const specifiers = subpaths.map((s) => (s === '.' ? 'flagyard' : `flagyard/${s.slice(2)}`));
    write(
      'load.cjs',
      `const names = ${JSON.stringify(specifiers)}.map((s) => Object.keys(require(s)).length);
const { evaluate, FlagSchema } = require('flagyard');
const flag = FlagSchema.parse({ key: 'f', name: 'f', description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 't', fallthrough: { value: true } });
console.log(JSON.stringify({ names, result: evaluate(flag, {}) }));`,
    );
    write(
      'load.mjs',
      `const names = [];
for (const s of ${JSON.stringify(specifiers)}) names.push(Object.keys(await import(s)).length);
import { createEvaluator } from 'flagyard';
const ev = await createEvaluator({ dir: 'flags' });
console.log(JSON.stringify({ names, value: ev.getBoolean('example-flag', { user: { beta: true } }, false).value }));
ev.close();`,
    );
    for (const file of ['load.cjs', 'load.mjs']) {
      const r = sh(process.execPath, [file]);
      expect(r.stderr, file).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.names.every((n: number) => n > 0), file).toBe(true);
    }
    expect(JSON.parse(sh(process.execPath, ['load.cjs']).stdout).result).toMatchObject({ value: true, reason: 'FALLTHROUGH' });
    expect(JSON.parse(sh(process.execPath, ['load.mjs']).stdout).value).toBe(true);
  }, 60_000);

  it('type-checks a TypeScript consumer (ESM and CommonJS files) with skipLibCheck false and only flagyard installed', () => {
    write(
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, skipLibCheck: false, noEmit: true, types: [] }, include: ['ts'] }),
    );
    const body = `const flag: Flag = FlagSchema.parse({});
const result: EvaluationResult = evaluate(flag, { user: { id: 'u' } });
const reason: string = result.reason;
// @ts-expect-error: a flag's type is one of four names
const wrong: Flag['type'] = 'text';
export { reason, wrong };
`;
    write('ts/esm.mts', `import { evaluate, FlagSchema, type EvaluationResult, type Flag } from 'flagyard';\n${body}`);
    write('ts/cjs.cts', `import flagyard = require('flagyard');\ntype Flag = flagyard.Flag;\ntype EvaluationResult = flagyard.EvaluationResult;\nconst { evaluate, FlagSchema } = flagyard;\n${body}`);
    const tsc = sh(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, 180_000);
});
