/**
 * The built `flagyard/runtime` and `flagyard/openfeature` entries (run
 * `npm run build` first): loadable as CommonJS and ESM through the package's
 * `exports`, and the runtime bundles neither yaml nor zod (its load time is
 * the point; bench/runtime-bench.mjs measures it).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const meta = (format: string) => JSON.parse(readFileSync(path.join(ROOT, `dist/serving-${format}.meta.json`), 'utf8'));
const packagesOf = (inputs: Record<string, unknown>) =>
  [...new Set(Object.keys(inputs).filter((i) => i.includes('node_modules/')).map((i) => i.split('node_modules/').pop()!.split('/').slice(0, i.includes('@') ? 2 : 1).join('/')))].sort();

describe('runtime entry', () => {
  it('bundles neither yaml nor zod, nor the flag-file code; node-semver and RE2 load on first use', () => {
    const outputs = meta('cjs').outputs as Record<string, { entryPoint?: string; inputs: Record<string, unknown> }>;
    const runtime = Object.values(outputs).find((o) => o.entryPoint === 'src/runtime.ts')!;
    expect(runtime).toBeDefined();
    // No package at all: re2js and node-semver are stubs that require
    // dist/lib-re2.cjs and dist/lib-semver.cjs on the first pattern and the
    // first version compared (scripts/library-build.mjs).
    expect(packagesOf(runtime.inputs)).toEqual([]);
    expect(Object.keys(runtime.inputs)).toContain('lazy-re2js:re2js');
    expect(Object.keys(runtime.inputs)).toContain('lazy-semver:semver/functions/parse.js');
    const sources = Object.keys(runtime.inputs).filter((i) => i.startsWith('src/'));
    // Of the pure core under src/schema, only the strict UTF-8 decoder (node:buffer, nothing else): a bundle is held to UTF-8 as flag files are.
    expect(sources.filter((s) => s.startsWith('src/schema/') || s.includes('flag-repo') || s.includes('live-evaluator'))).toEqual(['src/schema/utf8.ts']);
  });

  it.each(['esm', 'cjs'])('%s: the OpenFeature SDK is never inside our files', (format) => {
    // The application's copy, a peer dependency.
    const outputs = meta(format).outputs as Record<string, { entryPoint?: string; inputs: Record<string, unknown> }>;
    const provider = Object.values(outputs).find((o) => o.entryPoint === 'src/openfeature.ts')!;
    expect(packagesOf(provider.inputs).filter((p) => p.startsWith('@openfeature'))).toEqual([]);
  });

  it('loads through the package exports as CommonJS and ESM', () => {
    const script = (kind: 'cjs' | 'esm') =>
      kind === 'cjs'
        ? `const r = require('flags/runtime'); const o = require('flags/openfeature');`
        : `const r = await import('flags/runtime'); const o = await import('flags/openfeature');`;
    const tail = (kind: 'cjs' | 'esm') => `
      const ev = await r.createBundleEvaluator({ bundle: { schemaVersion: 1, version: 'v', environment: null, segments: {}, flags: { a: { key: 'a', type: 'boolean', defaultValue: false, enabled: true, rules: [], fallthrough: { value: true } }, r: { key: 'r', type: 'boolean', defaultValue: false, enabled: true, rules: [{ id: 'staff', conditions: [{ attribute: 'user.email', operator: 'regex', value: '@example\\\\.com$' }], value: true }] }, s: { key: 's', type: 'boolean', defaultValue: false, enabled: true, rules: [{ id: 'new-app', conditions: [{ attribute: 'app.version', operator: 'semver_gte', value: '2.1.0' }], value: true }] } } } });
      const other = ${kind === 'cjs' ? "(await import('flags/runtime'))" : "require('flags/runtime')"};
      console.log(JSON.stringify([ev.evaluate('a'), ev.evaluate('r', { user: { email: 'a@example.com' } }), ev.evaluate('r', { user: { email: 'a@exampleXcom' } }), ev.evaluate('s', { app: { version: '2.10.0' } }), ev.evaluate('s', { app: { version: '2.1.0-rc.1' } }), typeof o.FlagyardProvider, Object.keys(require.cache ?? {}).some((k) => /node_modules\\/(yaml|zod)\\//.test(k)), other.BundleLoadError === r.BundleLoadError]));`;
    const name = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name as string;
    for (const kind of ['cjs', 'esm'] as const) {
      const code = (kind === 'cjs' ? `(async () => { ${script(kind)} ${tail(kind)} })()` : `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${script(kind)} ${tail(kind)}`).replaceAll("'flags/", `'${name}/`);
      const out = execFileSync(process.execPath, [kind === 'esm' ? '--input-type=module' : '--input-type=commonjs', '-e', code], { cwd: ROOT, encoding: 'utf8' });
      expect(JSON.parse(out), kind).toEqual([
        { value: true, reason: 'FALLTHROUGH' },
        // The RE2 engine, loaded on the first pattern (scripts/build.mjs), matches as in the library.
        { value: true, reason: 'RULE_MATCH', ruleId: 'staff' },
        { value: false, reason: 'DEFAULT' },
        // node-semver, loaded on the first version compared, orders versions as in the library.
        { value: true, reason: 'RULE_MATCH', ruleId: 'new-app' },
        { value: false, reason: 'DEFAULT' },
        'function',
        false,
        // `import` and `require` load one copy of the runtime: one BundleLoadError class.
        true,
      ]);
    }
  });
});
