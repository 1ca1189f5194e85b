// Builds the CLI and the library with esbuild (one bundle each, so start-up
// does not resolve hundreds of modules), then emits .d.ts files with tsc.
// Heavy, command-specific modules are loaded with dynamic import() and land in
// separate chunks, so `flags list` never parses the statistics or git code.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// dist/ is not wiped first: a test or command running from the previous build
// may still import one of its (content-hashed) chunks. Chunks older than an
// hour are stale leftovers of earlier builds and go.
const cutoff = Date.now() - 3600_000;
try {
  for (const f of readdirSync('dist/chunks')) if (statSync(`dist/chunks/${f}`).mtimeMs < cutoff) rmSync(`dist/chunks/${f}`);
} catch {
  // no previous build
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Minified: V8 parses less at every start. Source maps sit beside the bundle
  // for debugging (node --enable-source-maps) and cost nothing otherwise.
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS dependencies bundled into ESM need a require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
