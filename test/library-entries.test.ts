/**
 * The built entries as a user's program sees them (run `node scripts/build.mjs`
 * first): every exported function and class of `flagyard`, `flagyard/runtime`
 * and `flagyard/openfeature` has the name, the length and the kind (async or
 * not) of the source it was built from, also when it is a stand-in for code
 * loaded on first use (scripts/library-build.mjs); inspecting one loads
 * nothing; a lazy schema shows the real schema to console.log; and errors
 * print under their own class name. Each program runs in a child process of
 * a project that installed the package (a link to this checkout).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as sources from '../src/index.js';
import * as openfeatureSources from '../src/openfeature.js';
import * as runtimeSources from '../src/runtime.js';
import { removeDir, ROOT, tempDir } from './helpers/cli.js';

const ENTRIES = { flagyard: sources, 'flagyard/runtime': runtimeSources, 'flagyard/openfeature': openfeatureSources } as Record<string, Record<string, unknown>>;

/** What a user inspecting a function export sees. */
const describeFunctions = (lib: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(lib)
      .filter((e): e is [string, (...a: unknown[]) => unknown] => typeof e[1] === 'function')
      .map(([k, f]) => [k, { name: f.name, length: f.length, kind: Object.getPrototypeOf(f).constructor.name, inspect: inspect(f) }]),
  );

let project: string;
beforeAll(() => {
  project = tempDir('flagyard-entries-');
  mkdirSync(path.join(project, 'node_modules/@openfeature'), { recursive: true });
  symlinkSync(ROOT, path.join(project, 'node_modules/flagyard'));
  for (const p of ['server-sdk', 'core']) symlinkSync(path.join(ROOT, 'node_modules/@openfeature', p), path.join(project, 'node_modules/@openfeature', p));
});
afterAll(() => removeDir(project));

/** Runs a program in the project (CommonJS, or ESM with `require` available too) and parses the JSON it prints last. */
function run(kind: 'cjs' | 'esm', body: string): any {
  const prelude = kind === 'esm' ? "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" : '';
  const code = `${prelude} const util = require('node:util'); ${kind === 'cjs' ? `(async () => { ${body} })()` : body}`;
  const out = execFileSync(process.execPath, [`--input-type=${kind === 'esm' ? 'module' : 'commonjs'}`, '-e', code], { cwd: project, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The files of the package loaded so far, relative to it. */
const LOADED = `Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(ROOT + path.sep)})).map((f) => f.slice(${ROOT.length + 1})).sort()`;
const load = (kind: 'cjs' | 'esm', entry: string) => (kind === 'cjs' ? `require('${entry}')` : `await import('${entry}')`);
const DESCRIBE = `(lib) => Object.fromEntries(Object.entries(lib).filter((e) => typeof e[1] === 'function').map(([k, f]) => [k, { name: f.name, length: f.length, kind: Object.getPrototypeOf(f).constructor.name, inspect: util.inspect(f) }]))`;

describe.each(['cjs', 'esm'] as const)('as %s', (kind) => {
  it.each(Object.keys(ENTRIES))('%s: every function and class export has its source name, length and kind', (entry) => {
    const built = run(kind, `const lib = ${load(kind, entry)}; console.log(JSON.stringify((${DESCRIBE})(lib)));`);
    const expected = describeFunctions(ENTRIES[entry]);
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(built).toEqual(expected);
  });

  it('flagyard: inspecting the stand-ins loads nothing; console.log of a lazy schema shows the real schema', async () => {
    const out = run(
      kind,
      `const lib = ${load(kind, 'flagyard')};
      const before = ${LOADED};
      util.inspect(lib, { depth: 0 }); (${DESCRIBE})(lib);
      const afterInspect = ${LOADED};
      const lines = [];
      const log = console.log; console.log = (...a) => lines.push(util.format(...a));
      console.log(lib.FlagSchema);
      console.log = log;
      console.log(JSON.stringify({ before, afterInspect, shallow: util.inspect(lib.FlagSchema, { depth: 0 }), printed: lines[0], keys: Object.keys(lib.FlagSchema), valid: lib.FlagSchema.safeParse({ key: 'a', type: 'boolean', defaultValue: false }).success }));`,
    );
    // The full entry loads its core; the rest (yaml, the validator, zod's schemas) waits for a call.
    expect(out.before).toEqual(['dist/index.cjs', 'dist/lib-core.cjs']);
    expect(out.afterInspect).toEqual(out.before);
    // The real schema as a never-used one shows it (zod adds bound parse
    // methods on first use, and other tests in this worker used the shared
    // module's), not `{}`.
    vi.resetModules();
    const fresh = ((await import('../src/index.js')) as typeof sources).FlagSchema;
    expect(out.shallow).toBe(inspect(fresh, { depth: 0 }));
    expect(out.printed).not.toBe('{}');
    expect(out.printed).toMatch(/^ZodMiniObject \{/);
    for (const key of out.keys) expect(out.printed).toContain(`${key}:`);
    expect(out.keys).toEqual(Object.keys(fresh));
    expect(out.valid).toBe(false);
  });

  it('errors print under their own class name, from the core and from the runtime', () => {
    const out = run(
      kind,
      `const lib = ${load(kind, 'flagyard')}; const rt = ${load(kind, 'flagyard/runtime')};
      let parseError; try { lib.parseWhen('tenant.type bogus 1'); } catch (e) { parseError = e; }
      console.log(JSON.stringify([util.inspect(new lib.FlagsError('USAGE', 'bad')).split('\\n')[0], util.inspect(new rt.BundleLoadError('gone')).split('\\n')[0], parseError instanceof lib.FlagsError, parseError.constructor.name, util.inspect(parseError).split('\\n')[0]]));`,
    );
    // An error of a class the entry does not export (thrown by code loaded on first use) too.
    let sourceError: Error | undefined;
    try {
      sources.parseWhen('tenant.type bogus 1');
    } catch (e) {
      sourceError = e as Error;
    }
    expect(sourceError?.constructor.name).toMatch(/Error$/);
    expect(out).toEqual(['FlagsError: bad', 'BundleLoadError: gone', true, sourceError!.constructor.name, inspect(sourceError).split('\n')[0]]);
  });
});
