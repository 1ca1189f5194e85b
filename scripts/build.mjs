// Builds the library and the CLI with esbuild, bundles self-contained .d.ts
// files, and warms a V8 code cache for the CLI. What each step buys is
// measured in docs/performance.md.
//
// - The library entry points (LIBRARY_ENTRIES below): each is dist/NAME.js
//   (`import … from 'flagyard'`), dist/NAME.cjs (`require('flagyard')`) and one
//   declaration file, written twice: dist/NAME.d.ts for `import`,
//   dist/NAME.d.cts for `require` (TypeScript reads a .d.ts in a "type":
//   "module" package as ESM). Every dependency is bundled, declarations
//   included, so the published package has no runtime dependencies (SPEC 5).
//   The full entry is split for load time, its ESM file re-exporting the
//   CommonJS one (one copy of the code, one FlagsError class):
//   scripts/library-build.mjs. The runtime and openfeature entries are
//   bundles of their own (the serving block at the end of this file), the
//   runtime's ESM file requiring its CommonJS one as the full entry's does.
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
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildLazyChunks, buildLazyEntry, classNamesPlugin, EXPORT_NAMES_FOOTER, LAZY_CRYPTO_SOURCE, lazyCryptoPlugin, lazyRe2Plugin, lazySemverPlugin, lazyYamlPlugin, writeEsmEntry } from './library-build.mjs';

const require = createRequire(import.meta.url);

/**
 * The library's entry points. Adding one (e.g. `./runtime`) takes a row here
 * and the same four-line block in package.json "exports":
 *
 *   "./runtime": {
 *     "import": { "types": "./dist/runtime.d.ts", "default": "./dist/runtime.js" },
 *     "require": { "types": "./dist/runtime.d.cts", "default": "./dist/runtime.cjs" }
 *   }
 *
 * The build fails when the two disagree, and test/cli/package.test.ts installs
 * the packed tarball and loads every entry both ways, with types.
 */
const LIBRARY_ENTRIES = [
  // name (dist/NAME.*)  subpath in "exports"  source
  // `eager`: the modules whose re-exports load with the entry; the others load on first use.
  { name: 'index', subpath: '.', source: 'src/index.ts', eager: ['src/errors.ts', 'src/evaluation/index.ts'] },
  // JavaScript built by the serving block at the end of this file (lazy RE2, the
  // OpenFeature SDK left to the application); declarations and exports as above.
  { name: 'runtime', subpath: './runtime', source: 'src/runtime.ts', ownBuild: true },
  { name: 'openfeature', subpath: './openfeature', source: 'src/openfeature.ts', ownBuild: true },
];
// Packages a published declaration may import: the peer dependencies, which
// the application installs itself (@openfeature/server-sdk for ./openfeature).
const PEERS = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).peerDependencies ?? {});

checkExports(JSON.parse(readFileSync('package.json', 'utf8')).exports);

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

// ---- library entries (issue 21.3: load time) ----
// The full entry is split so that a caller pays only for what it calls
// (scripts/library-build.mjs says how); the RE2 engine and node-semver are files of their own.
await buildLazyChunks(common);
for (const entry of LIBRARY_ENTRIES.filter((e) => !e.ownBuild)) await buildLazyEntry({ ...entry, common });
// ---- end library entries ----

// ---- CLI (issue 21.1: start-up) ----
{
  // Start-up pays for every module-level statement of the bundle that the
  // running command reaches, and for every Node built-in module those load.
  // These dependencies do costly work at load that a typical run never uses,
  // so in the CLI bundle each is replaced by a stand-in that loads the real
  // module on first use (a require() of a bundled module becomes esbuild's
  // lazy initialiser). Same code, same results; figures in docs/performance.md.
  const lazy = {
    // Builds an Intl.Segmenter and three Unicode-property regexes at load
    // (tens of ms); tables only call it for a cell that is not printable ASCII.
    'string-width': { contents: "export default function stringWidth(s, o) { return require('string-width').default(s, o); }" },
    // Commander spawns only for executable subcommands, which we do not use;
    // loading child_process also loads net, dgram and the stream stack.
    // (Our own git calls load it when they run.)
    // Builds its Unicode tables at load; only a flag with a `regex` condition
    // compiles a pattern (the same stand-in as the runtime entry's, below).
    re2js: { contents: "export const RE2JS = { compile: (...a) => require('re2js').RE2JS.compile(...a) };" },
    // Bucketing hashes short ASCII keys in JavaScript (src/evaluation/md5.ts):
    // node:crypto's JavaScript layer (several ms to load) only for the rest. The
    // stand-in's functions replace themselves with the real ones on first call,
    // the same stand-in as the library's (LAZY_CRYPTO_SOURCE in scripts/library-build.mjs).
    'node:crypto': {
      importer: /[\\/]src[\\/]evaluation[\\/]bucketing\.ts$/,
      contents: LAZY_CRYPTO_SOURCE,
    },
    // Without colour (a pipe, a file, NO_COLOR, --no-color) every chalk style
    // returns its text: src/cli/plain-chalk.ts does that without loading chalk,
    // which assembles every ANSI style at load. Any other level loads chalk.
    chalk: {
      importer: /[\\/]src[\\/]/,
      contents: `import { plainChalk } from ${JSON.stringify(new URL('../src/cli/plain-chalk.ts', import.meta.url).pathname)};
export class Chalk { constructor(options) { return options && options.level === 0 ? plainChalk() : new (require('chalk').Chalk)(options); } }`,
    },
    'node:child_process': {
      importer: /[\\/]node_modules[\\/]commander[\\/]/,
      contents: "module.exports = { spawn: (...a) => require('node:child_process').spawn(...a) };",
    },
  };
  const lazyModulesFor = (lazy) => ({
    name: 'lazy-modules',
    setup(b) {
      for (const [id, { importer }] of Object.entries(lazy)) {
        const filter = new RegExp(`^${id.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}$`);
        // The stand-in's own require of `id` resolves normally (it has the namespace).
        b.onResolve({ filter }, (args) =>
          args.namespace === 'lazy-modules' || (importer && !importer.test(args.importer)) ? undefined : { path: id, namespace: 'lazy-modules' },
        );
      }
      b.onLoad({ filter: /.*/, namespace: 'lazy-modules' }, (args) => ({ contents: lazy[args.path].contents, resolveDir: process.cwd(), loader: 'js' }));
      // chalk computes its default instance's colour level at load (node:tty,
      // which loads net). The CLI only builds `new Chalk({ level })`, which
      // never reads it: the default instance gets no colour instead.
      b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: 'supports-color', namespace: 'no-supports-color' }));
      b.onLoad({ filter: /.*/, namespace: 'no-supports-color' }, () => ({ contents: 'export default { stdout: false, stderr: false };', loader: 'js' }));
    },
  });
  const lazyModules = lazyModulesFor(lazy);
  const cli = {
    ...common,
    format: 'cjs',
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    supported: { 'dynamic-import': false },
    // node-semver builds some forty regular expressions at load; only `semver_*` conditions need them.
    plugins: [lazyModules, lazySemverPlugin(null)],
    // ESM dependencies bundled into CommonJS (fdir, under tinyglobby: createRequire(import.meta.url)) need an
    // import.meta.url: computed when first read, so node:url is not loaded at start.
    define: { 'import.meta.url': '__bundle_meta.url' },
    banner: { js: "const __bundle_meta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  };
  await build(cli);
  // dist/cli-fast.cjs: the same program with only the everyday commands'
  // code (FAST_COMMANDS in scripts/load-cli.cjs), about a third of the bytes,
  // for the bin to read and deserialise when argv runs one of them. Another
  // command's module is never reached there (program.ts defines only the
  // command that runs), so it is left out: its import() would fail loudly.
  const { FAST_COMMANDS } = require('./load-cli.cjs');
  const onlyFastCommands = {
    name: 'only-fast-commands',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/[^/]+\.js$/ }, (args) => {
        const name = args.path.slice('./commands/'.length, -'.js'.length);
        if (!args.importer.replace(/\\/g, '/').endsWith('src/cli/program.ts') || FAST_COMMANDS.includes(name)) return undefined;
        return { path: name, namespace: 'not-in-fast-bundle' };
      });
      b.onLoad({ filter: /.*/, namespace: 'not-in-fast-bundle' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`the command module ${args.path} is not in dist/cli-fast.cjs (scripts/load-cli.cjs chose the wrong bundle)`)});`,
        loader: 'js',
      }));
    },
  };
  // The fast bundle leaves out what its commands need only off the everyday
  // path, as files of their own required on first use: V8 reads, pre-parses
  // and deserialises the code cache of a whole file at every start, whether
  // or not the code runs (issue 21.1: about a third of what the bundle cost).
  // - yaml (dist/cli-yaml.cjs): clean flag files are read by js-yaml
  //   (src/schema/flag-file-fast.ts); yaml places findings. Its ES module
  //   build, the same code as the CommonJS one, without ~70 module wrappers;
  //   it differs only where these read-only commands never go (warnings go to
  //   console.warn, as they parse with logLevel 'error'; YAML 1.1 binary
  //   scalars decode to a Uint8Array).
  // - the RE2 engine and node-semver: the library's dist/lib-re2.cjs and
  //   dist/lib-semver.cjs, for `regex` and `semver_*` conditions.
  await build({ ...common, format: 'cjs', stdin: { contents: "module.exports = require('yaml');", resolveDir: process.cwd(), loader: 'js' }, alias: { yaml: './node_modules/yaml/browser/index.js' }, outfile: 'dist/cli-yaml.cjs' });
  const { re2js: _re2, ...lazyButRe2 } = lazy;
  await build({
    ...cli,
    entryPoints: { 'cli-fast': 'src/cli/main.ts' },
    plugins: [lazyModulesFor(lazyButRe2), lazyRe2Plugin('./lib-re2.cjs'), lazySemverPlugin('./lib-semver.cjs'), lazyYamlPlugin('./cli-yaml.cjs'), onlyFastCommands],
  });

  // The code cache and the answers to --version/--help (dist/cli.quick.json).
  execFileSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: 'inherit' });
}
// ---- end CLI ----

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  await bundleDeclarations();
}

/**
 * One self-contained declaration file per entry point: rollup-plugin-dts
 * follows the imports of tsc's per-file output and inlines the types of the
 * bundled libraries it meets (zod's, for the schemas), so a consumer with
 * `skipLibCheck: false` and only this package installed type-checks. Types of
 * Node itself or of a library that is not bundled must never reach the public
 * surface (mark such members `@internal`: tsconfig.build.json strips them);
 * the build stops if an import remains.
 */
async function bundleDeclarations() {
  const { rollup } = await import('rollup');
  const { dts } = await import('rollup-plugin-dts');
  for (const entry of LIBRARY_ENTRIES) {
    const input = entry.source.replace(/^src\//, 'dist/types/').replace(/\.ts$/, '.d.ts');
    const external = (id) => id.startsWith('node:') || PEERS.some((p) => id === p || id.startsWith(p + '/'));
    const bundle = await rollup({ input, plugins: [dts({ respectExternal: true })], external });
    const out = `dist/${entry.name}.d.ts`;
    await bundle.write({ file: out, format: 'es' });
    await bundle.close();
    const text = readFileSync(out, 'utf8');
    const imports = [...text.matchAll(/^import .* from ['"]([^'"]+)['"]/gm)].map((m) => m[1]).filter((id) => !PEERS.includes(id));
    if (imports.length) throw new Error(`${out} imports ${imports.join(', ')}: published declarations must be self-contained`);
    copyFileSync(out, `dist/${entry.name}.d.cts`);
  }
}

/**
 * package.json "exports" must map every entry point, and only them (besides
 * ./package.json), to its four files, "types" first in each condition: the
 * order of conditions is the order Node and TypeScript try them.
 */
function checkExports(exports) {
  const expected = { './package.json': './package.json' };
  for (const { name, subpath } of LIBRARY_ENTRIES) {
    expected[subpath] = {
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    };
  }
  const same =
    Object.keys(exports ?? {}).length === Object.keys(expected).length &&
    Object.entries(expected).every(([subpath, target]) => JSON.stringify(exports[subpath]) === JSON.stringify(target));
  if (!same) {
    throw new Error(`package.json "exports" does not match LIBRARY_ENTRIES in scripts/build.mjs; expected:\n${JSON.stringify(expected, null, 2)}`);
  }
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
  // `regex` condition need it: it is required from dist/lib-re2.cjs on the
  // first compiled pattern (scripts/library-build.mjs); node-semver and
  // node:crypto are initialised on the first version compared and the first
  // hash. Same engines, same results.
  // The provider reads a flags directory through the full entry (its own
  // import() of the live evaluator, resolved to dist/index.*), so the YAML
  // parser and the validator are neither loaded nor bundled twice.
  const throughIndex = (ext) => ({
    name: 'live-evaluator-through-index',
    setup(b) {
      b.onResolve({ filter: /\/store\/live-evaluator\.js$/ }, (args) => (args.importer.endsWith('src/openfeature/provider.ts') ? { path: `./index${ext}`, external: true } : undefined));
    },
  });
  // The runtime's ESM file requires its CommonJS one (one copy, as the full
  // entry does; as fast to import). The provider's stays a bundle of its own:
  // it imports the application's SDK, whose ESM and CommonJS builds are two
  // copies. Exports keep their names (minified, they print as `wt`).
  for (const [format, ext] of [['esm', '.js'], ['cjs', '.cjs']]) {
    const result = await build({
      ...common,
      format,
      entryPoints: format === 'esm' ? { openfeature: entries.openfeature } : entries,
      outdir: 'dist',
      outExtension: { '.js': ext },
      external,
      plugins: [classNamesPlugin(), lazyRe2Plugin(), lazySemverPlugin(), lazyCryptoPlugin(), throughIndex(ext)],
      metafile: true,
      ...(format === 'esm'
        ? { keepNames: true, banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } }
        : { footer: { js: EXPORT_NAMES_FOOTER } }),
    });
    writeFileSync(`dist/serving-${format}.meta.json`, JSON.stringify(result.metafile));
  }
  writeEsmEntry('runtime');
}
