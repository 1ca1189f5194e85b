/**
 * docs/api.md is the list of the library's public API (issue 19.6): every
 * export of `flagyard`, `flagyard/runtime` and `flagyard/openfeature` is
 * described there and nothing else is, as the TypeScript compiler sees the
 * entry files; the built entries (run `node scripts/build.mjs` first) export
 * exactly the runtime values the declarations promise, as CommonJS and ESM;
 * and the examples run as written, printing what the page shows.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { isInRollout } from '../src/evaluation/index.js';
import { removeDir, ROOT, tempDir } from './helpers/cli.js';

const ENTRIES = { flagyard: 'src/index.ts', 'flagyard/runtime': 'src/runtime.ts', 'flagyard/openfeature': 'src/openfeature.ts' } as const;
type Entry = keyof typeof ENTRIES;
const DIST: Record<Entry, string> = { flagyard: 'dist/index', 'flagyard/runtime': 'dist/runtime', 'flagyard/openfeature': 'dist/openfeature' };

const doc = readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');

/** Per entry, the names its section of docs/api.md describes: the backquoted names that open a list item, before its dash. */
function documented(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of doc.split(/^## /m).slice(1)) {
    const entry = /^`([^`]+)`/.exec(part)?.[1];
    if (!entry) continue;
    out[entry] = part
      .split('\n')
      .filter((l) => l.startsWith('- `'))
      .flatMap((l) => [...l.split(' — ')[0].matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]));
  }
  return out;
}

/** Per entry, every export and whether it has a value at run time (functions, classes, constants) besides a type. */
function declared(): Record<Entry, { name: string; value: boolean }[]> {
  const files = Object.values(ENTRIES).map((f) => path.join(ROOT, f));
  // Only the exports are read: no default library, no type checking.
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noLib: true, types: [], noEmit: true });
  const checker = program.getTypeChecker();
  const out = {} as Record<Entry, { name: string; value: boolean }[]>;
  for (const [entry, file] of Object.entries(ENTRIES) as [Entry, string][]) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, file))!)!;
    out[entry] = checker.getExportsOfModule(module).map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return { name: s.name, value: (target.flags & ts.SymbolFlags.Value) !== 0 };
    });
  }
  return out;
}

const exportsOf = declared();
const docs = documented();

describe('docs/api.md lists the public API', () => {
  it.each(Object.keys(ENTRIES) as Entry[])('%s: every export is described, and every name described is exported', (entry) => {
    const names = exportsOf[entry].map((e) => e.name).sort();
    expect(names.length).toBeGreaterThan(0);
    const listed = docs[entry] ?? [];
    expect(
      names.filter((n) => !listed.includes(n)),
      `exported by ${ENTRIES[entry]} but not described in the "${entry}" section of docs/api.md`,
    ).toEqual([]);
    expect(
      listed.filter((n) => !names.includes(n)),
      `described in the "${entry}" section of docs/api.md but not exported by ${ENTRIES[entry]}`,
    ).toEqual([]);
    expect(listed.filter((n, i) => listed.indexOf(n) !== i), 'described twice').toEqual([]);
  });

  it('the README links it', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('(docs/api.md)');
  });
});

describe('the built entries export what the declarations promise', () => {
  const require = createRequire(import.meta.url);
  it.each(Object.keys(ENTRIES) as Entry[])('%s, as CommonJS and as ESM', async (entry) => {
    const values = exportsOf[entry].filter((e) => e.value).map((e) => e.name).sort();
    const cjs = require(path.join(ROOT, `${DIST[entry]}.cjs`));
    const esm = await import(pathToFileURL(path.join(ROOT, `${DIST[entry]}.js`)).href);
    expect(Object.keys(cjs).sort()).toEqual(values);
    expect(Object.keys(esm).sort()).toEqual(values);
    for (const name of values) expect(cjs[name], name).toBeDefined();
  });

  it('import and require share one copy: a FlagsError thrown by code loaded on demand is the exported class', async () => {
    const cjs = require(path.join(ROOT, 'dist/index.cjs'));
    const esm = await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href);
    expect(esm.FlagsError).toBe(cjs.FlagsError);
    // parseWhen lives in the part loaded on first use (scripts/library-build.mjs).
    let thrown: unknown;
    try {
      esm.parseWhen('tenant.type bogus 1');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(esm.FlagsError);
    expect(esm.FlagSchema.safeParse({ key: 'k' }).success).toBe(false);
    expect(esm.SETTABLE_FIELDS).toContain('fallthrough.percentage');
  });

  it('buckets exactly as the sources do: md5 through node:crypto loaded on the first hash', async () => {
    const cjs = require(path.join(ROOT, 'dist/index.cjs'));
    const contexts = Array.from({ length: 2000 }, (_, i) => ({ user: { id: `user-${i}` } }));
    for (const percentage of [0.5, 10, 50, 99.99]) {
      const built = contexts.map((c) => cjs.isInRollout('checkout', c, percentage));
      expect(built, `${percentage}%`).toEqual(contexts.map((c) => isInRollout('checkout', c, percentage)));
    }
  });
});

describe('the examples of docs/api.md', () => {
  const project = tempDir('flagyard-api-');
  afterAll(() => removeDir(project));
  // The page's examples are ```js blocks, each followed by a ```text block of what it prints.
  const examples = [...doc.matchAll(/```js\n([\s\S]*?)```\s*```text\n([\s\S]*?)```/g)].map((m) => ({ code: m[1], output: m[2] }));

  it('there are examples for every entry point', () => {
    for (const entry of Object.keys(ENTRIES)) expect(examples.some((e) => e.code.includes(`from '${entry}'`)), entry).toBe(true);
  });

  it('run as written in a project with this repository\'s flags, after `flags build`, and print what the page shows', () => {
    // The package as installed (a link to this checkout, its package.json "exports" and dist/), the peer of ./openfeature beside it.
    mkdirSync(path.join(project, 'node_modules/@openfeature'), { recursive: true });
    symlinkSync(ROOT, path.join(project, 'node_modules/flagyard'));
    symlinkSync(path.join(ROOT, 'node_modules/@openfeature/server-sdk'), path.join(project, 'node_modules/@openfeature/server-sdk'));
    symlinkSync(path.join(ROOT, 'node_modules/@openfeature/core'), path.join(project, 'node_modules/@openfeature/core'));
    cpSync(path.join(ROOT, 'flags'), path.join(project, 'flags'), { recursive: true });
    execFileSync(process.execPath, [path.join(ROOT, 'bin/flags.cjs'), 'build'], { cwd: project, encoding: 'utf8' });
    examples.forEach(({ code, output }, i) => {
      writeFileSync(path.join(project, `example-${i}.mjs`), code);
      const stdout = execFileSync(process.execPath, [`example-${i}.mjs`], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(stdout, `example ${i + 1} of docs/api.md`).toBe(output);
    });
  });
});
