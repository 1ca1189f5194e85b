// Builds the library and the CLI with esbuild, emits .d.ts files with tsc, and
// warms a V8 code cache for the CLI. What each step buys is measured in
// docs/performance.md.
//
// - dist/index.js: the library, one ESM bundle (`import … from 'flags'`).
// - dist/cli.cjs: the CLI, one CommonJS bundle. Commands are reached through
//   import() in src/cli/program.ts; with dynamic import marked unsupported,
//   esbuild turns each into a lazy module initialiser, so a command's code (and
//   the libraries only it uses) runs only when that command does.
// - dist/cli.cjs.cache: V8's compiled code for the functions a typical run
//   executes (scripts/code-cache.cjs), so start-up deserialises instead of
//   parsing and compiling. A cache from another Node version is rejected by V8
//   and the CLI compiles normally.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Minified: V8 parses less at every start. Source maps sit beside the bundle
  // for debugging (node --enable-source-maps) and cost nothing otherwise.
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

// Files are written in place, never wiped first: a test or command running
// from the previous build keeps working while this one runs.
rmSync('dist/chunks', { recursive: true, force: true });

await build({
  ...common,
  format: 'esm',
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  // CommonJS dependencies bundled into ESM need a require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

await build({
  ...common,
  format: 'cjs',
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  supported: { 'dynamic-import': false },
});

execFileSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: 'inherit' });

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

// ---- serving entries (SPEC 7): flagyard/runtime and flagyard/openfeature ----
// Each as ESM and CommonJS, for services of either kind. The runtime must stay
// free of yaml and zod (test/serve/runtime-entry.test.ts reads the metafile
// written beside it); the OpenFeature SDK is the application's own copy (a
// peer dependency), never bundled.
{
  const { writeFileSync } = await import('node:fs');
  const entries = { runtime: 'src/runtime.ts', openfeature: 'src/openfeature.ts' };
  const external = ['@openfeature/server-sdk', '@openfeature/core'];
  // The RE2 engine is most of the runtime's load time, and only flags with a
  // \`regex\` condition need it: in these entries \`re2js\` is initialised on the
  // first compiled pattern instead of at load. Same engine, same results; a
  // require() of a bundled module becomes esbuild's lazy initialiser.
  const lazyRe2 = {
    name: 'lazy-re2js',
    setup(b) {
      b.onResolve({ filter: /^re2js$/ }, (args) => (args.namespace === 'lazy-re2js' ? undefined : { path: 're2js', namespace: 'lazy-re2js' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-re2js' }, () => ({
        contents: "let real; const load = () => (real ??= require('re2js').RE2JS); export const RE2JS = { compile: (...a) => load().compile(...a) };",
        resolveDir: process.cwd(),
        loader: 'js',
      }));
    },
  };
  for (const [format, ext] of [['esm', '.js'], ['cjs', '.cjs']]) {
    const result = await build({
      ...common,
      format,
      entryPoints: entries,
      outdir: 'dist',
      outExtension: { '.js': ext },
      external,
      plugins: [lazyRe2],
      metafile: true,
      ...(format === 'esm' ? { banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } } : {}),
    });
    writeFileSync(`dist/serving-${format}.meta.json`, JSON.stringify(result.metafile));
  }
}
