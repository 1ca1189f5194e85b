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
  // An optional native dependency (issue 18, `--engine duckdb`): loaded at run time when installed, never bundled.
  external: ['@duckdb/node-api'],
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
  // ESM dependencies bundled into CommonJS (fdir, under tinyglobby: createRequire(import.meta.url)) need an import.meta.url.
  define: { 'import.meta.url': '__bundle_url' },
  banner: { js: "const __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
});

execFileSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: 'inherit' });

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
