// How the `flagyard` entry loads fast (issue 21.3): a caller that only
// evaluates flags should not pay for the YAML parser, the validator, the
// statistics or the review code. src/index.ts stays a plain list of named
// re-exports (tsc and the declarations read it as it is); the build splits it
// in three files:
//
//   dist/lib-core.cjs   the modules re-exported by the EAGER modules of
//                       src/index.ts and everything they import: errors, the
//                       evaluator, the flag and segment schemas. Loaded with
//                       the entry. Exposes each of its source modules' exports.
//   dist/lib-rest.cjs   everything else src/index.ts re-exports: store,
//                       review, experiments (yaml, the validator, statistics).
//                       Loaded by the first call of one of its functions. It
//                       imports the core's modules from lib-core.cjs instead of
//                       bundling them again, so there is one FlagsError class
//                       and `instanceof` holds across both files.
//   dist/index.cjs      written here: the core's exports, and for each export
//                       of the rest a function of the same name that loads
//                       lib-rest.cjs and calls the real one (same arguments,
//                       `this` and result: a sync function stays sync, an
//                       async one async). A plain-data constant of the rest
//                       (a list of field names) is copied in at build time.
//   dist/index.js       the ESM entry: re-exports dist/index.cjs, so `import`
//                       and `require` share one copy of the code (and classes).
//
// Not one bundle with lazy initialisers: V8 still pre-parses a whole file, and
// parsing the full library costs about a third of its load time.
//
// The RE2 engine (most of the evaluator's bytes, needed only by `regex`
// conditions) is its own file, dist/lib-re2.cjs, required on the first
// compiled pattern, and node-semver is dist/lib-semver.cjs, required on the
// first version compared; the runtime and openfeature entries use them too.
// Every export keeps its source name, arity and kind: stand-ins are written
// to match, and minified names are put back.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = process.cwd();
const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

/**
 * The files required on first use by the stubs below: dist/lib-re2.cjs (the
 * re2js package alone, for lazyRe2Plugin) and dist/lib-semver.cjs
 * (node-semver's parse, for lazySemverPlugin).
 */
export async function buildLazyChunks(common) {
  await build({ ...common, format: 'cjs', stdin: { contents: "module.exports = require('re2js');", resolveDir: ROOT, loader: 'js' }, outfile: 'dist/lib-re2.cjs' });
  await build({ ...common, format: 'cjs', stdin: { contents: "module.exports = require('semver/functions/parse.js');", resolveDir: ROOT, loader: 'js' }, outfile: 'dist/lib-semver.cjs' });
}

/**
 * `re2js` becomes a stub whose RE2JS.compile requires dist/lib-re2.cjs on the
 * first pattern: same engine, same results, nothing parsed at load. `from` is
 * the path of that file relative to the output file requiring it.
 */
export function lazyRe2Plugin(from = './lib-re2.cjs') {
  return {
    name: 'lazy-re2js',
    setup(b) {
      b.onResolve({ filter: /^re2js$/ }, () => ({ path: 're2js', namespace: 'lazy-re2js' }));
      b.onResolve({ filter: /^flagyard-re2-chunk$/ }, () => ({ path: from, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-re2js' }, () => ({
        contents: "let real; const load = () => (real ??= require('flagyard-re2-chunk').RE2JS); export const RE2JS = { compile: (...a) => load().compile(...a) };",
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
}

/**
 * node-semver's `parse`, the only part of it the evaluator uses, as a stub
 * that requires dist/lib-semver.cjs on the first version compared: node-semver
 * builds some forty regular expressions when loaded and is a quarter of the
 * runtime entry's bytes, which V8 parses at every load; only `semver_*`
 * conditions need it. Same code, same results. `from` is the path of that
 * file relative to the output file requiring it; null keeps node-semver inside
 * the output and defers only its initialisation (the CLI bundles, which stay
 * self-contained).
 */
export function lazySemverPlugin(from = './lib-semver.cjs') {
  const real = from === null ? 'semver/functions/parse.js' : 'flagyard-semver-chunk';
  return {
    name: 'lazy-semver',
    setup(b) {
      b.onResolve({ filter: /^semver\/functions\/parse\.js$/ }, (args) => (args.namespace === 'lazy-semver' ? undefined : { path: 'semver/functions/parse.js', namespace: 'lazy-semver' }));
      b.onResolve({ filter: /^flagyard-semver-chunk$/ }, () => ({ path: from, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-semver' }, () => ({
        contents: `let real; export default function parse(version, options) { real ??= require(${JSON.stringify(real)}); return real.apply(this, arguments); }`,
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
}

/**
 * The `yaml` package as a stub that requires `from` (a file of yaml alone,
 * written by the CLI build) on first use: the fast CLI bundle reads clean flag
 * files with js-yaml (src/schema/flag-file-fast.ts) and needs yaml only for a
 * finding to place, so its hundred kilobytes are neither read nor
 * deserialised at start. Covers every name src/ imports from yaml (the build
 * fails on any other); functions forward, classes construct the real class,
 * and `visit.BREAK`, `Scalar.PLAIN`… read the real constants.
 */
export function lazyYamlPlugin(from) {
  const source = `let real; const y = () => (real ??= require('flagyard-yaml-chunk'));
export const isAlias = (n) => y().isAlias(n);
export const isMap = (n) => y().isMap(n);
export const isPair = (n) => y().isPair(n);
export const isScalar = (n) => y().isScalar(n);
export const isSeq = (n) => y().isSeq(n);
export function parseDocument(source, options) { return y().parseDocument(source, options); }
export function LineCounter() { return new (y().LineCounter)(); }
export function YAMLParseError(pos, code, message) { return new (y().YAMLParseError)(pos, code, message); }
export function Scalar(value) { return new (y().Scalar)(value); }
export function visit(node, visitor) { return y().visit(node, visitor); }
for (const k of ['BLOCK_FOLDED', 'BLOCK_LITERAL', 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE']) Object.defineProperty(Scalar, k, { get: () => y().Scalar[k] });
for (const k of ['BREAK', 'SKIP', 'REMOVE']) Object.defineProperty(visit, k, { get: () => y().visit[k] });`;
  return {
    name: 'lazy-yaml',
    setup(b) {
      b.onResolve({ filter: /^yaml$/ }, (args) => (args.namespace === 'lazy-yaml' ? undefined : { path: 'yaml', namespace: 'lazy-yaml' }));
      b.onResolve({ filter: /^flagyard-yaml-chunk$/ }, () => ({ path: from, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-yaml' }, () => ({ contents: source, resolveDir: ROOT, loader: 'js' }));
    },
  };
}

/**
 * Minified, a class is called something like `je`, and an error it throws
 * prints as `je [UsageError]: …`. Each class of our sources gets its name
 * back (one defineProperty per class at load, which also keeps a class of a
 * bundled file that nothing uses: a few bytes; esbuild's keepNames would name
 * every function, which costs the runtime entry a tenth of its load).
 */
export function classNamesPlugin() {
  return {
    name: 'class-names',
    setup(b) {
      const ours = new RegExp(`^${(path.join(ROOT, 'src') + path.sep).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\.ts$`);
      b.onLoad({ filter: ours, namespace: 'file' }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const names = [...text.matchAll(/^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
        return { contents: text + names.map((n) => `\nObject.defineProperty(${n}, 'name', { value: '${n}' });`).join(''), loader: 'ts' };
      });
    },
  };
}

/**
 * `node:crypto` loaded on the first hash instead of at load: its JavaScript
 * layer costs more to load than the whole evaluator (about 5 ms of a 10 ms
 * runtime load here), and only rollouts and splits hash. The stub's functions
 * replace themselves with the real ones on first call (esbuild binds a
 * namespace member to the variable, so later calls go straight through).
 * `hash` exists from Node 20.12 and 21.7 (bucketing.ts falls back to
 * createHash without it); that is decided from the version, not by loading.
 */
export const LAZY_CRYPTO_SOURCE = `const [major, minor] = process.versions.node.split('.').map(Number);
const hasHash = major > 21 || (major === 21 && minor >= 7) || (major === 20 && minor >= 12);
export let hash = hasHash ? function () { hash = require('node:crypto').hash; return hash.apply(this, arguments); } : undefined;
export let createHash = function () { createHash = require('node:crypto').createHash; return createHash.apply(this, arguments); };`;

export function lazyCryptoPlugin() {
  return {
    name: 'lazy-node-crypto',
    setup(b) {
      b.onResolve({ filter: /^(node:)?crypto$/ }, (args) => (args.namespace === 'lazy-node-crypto' ? { path: 'node:crypto', external: true } : { path: 'node:crypto', namespace: 'lazy-node-crypto' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-node-crypto' }, () => ({
        contents: LAZY_CRYPTO_SOURCE,
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
}

/**
 * The `export { a, b as c } from './x.js'` statements of an entry file (type
 * exports skipped). Anything else that exports a value is refused: the split
 * below needs to know where every export comes from.
 */
export function readReExports(source) {
  const text = readFileSync(source, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const statements = [];
  const rest = text.replace(/export\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)';?/g, (_, typeOnly, list, from) => {
    if (!typeOnly) {
      const names = list
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('type '))
        .map((s) => {
          const [imported, exported = imported] = s.split(/\s+as\s+/);
          return { imported, exported };
        });
      if (names.length) statements.push({ from, module: resolveSource(source, from), names });
    }
    return '';
  });
  if (/\bexport\b/.test(rest)) throw new Error(`${source}: only \`export { … } from '…'\` statements are supported by scripts/library-build.mjs; found: ${rest.match(/.*\bexport\b.*/)[0].trim()}`);
  return statements;
}

function resolveSource(importer, from) {
  return rel(path.resolve(path.dirname(importer), from.replace(/\.js$/, '.ts')));
}

/**
 * Builds dist/NAME.cjs, dist/NAME.js and the two chunks for one entry whose
 * re-exports from `eager` modules load with it and all others on first use.
 */
export async function buildLazyEntry({ name, source, eager, common }) {
  const statements = readReExports(source);
  const unknownEager = eager.filter((m) => !statements.some((s) => s.module === m));
  if (unknownEager.length) throw new Error(`eager modules ${unknownEager.join(', ')} are not re-exported by ${source}`);
  const isEager = (s) => eager.includes(s.module);
  const abs = (m) => path.join(ROOT, m);

  // 1. The core: which source files the eager modules need, then one bundle
  // exposing every one of them (the rest imports any of them).
  const closure = await build({
    ...common,
    format: 'cjs',
    write: false,
    metafile: true,
    sourcemap: false,
    stdin: { contents: eager.map((m, i) => `export * as m${i} from ${JSON.stringify(abs(m))};`).join('\n'), resolveDir: ROOT, loader: 'js' },
    plugins: [classNamesPlugin(), lazyRe2Plugin(), lazySemverPlugin(), lazyCryptoPlugin()],
  });
  const coreModules = Object.keys(closure.metafile.inputs).filter((f) => f.startsWith('src/') && f.endsWith('.ts'));
  const coreFile = `lib-core.cjs`;
  await build({
    ...common,
    format: 'cjs',
    stdin: {
      contents:
        coreModules.map((m, i) => `import * as m${i} from ${JSON.stringify(abs(m))};`).join('\n') +
        `\nexport const modules = { ${coreModules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')} };`,
      resolveDir: ROOT,
      loader: 'js',
      sourcefile: `${name}-core`,
    },
    outfile: `dist/${coreFile}`,
    plugins: [classNamesPlugin(), lazyRe2Plugin(), lazySemverPlugin(), lazyCryptoPlugin()],
  });

  // 2. The rest, importing core modules from the core file.
  const restFile = `lib-rest.cjs`;
  const lazy = statements.filter((s) => !isEager(s));
  const fromCore = {
    name: 'from-core',
    setup(b) {
      b.onResolve({ filter: /^flagyard-core-chunk$/ }, () => ({ path: `./${coreFile}`, external: true }));
      b.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.pluginData === 'from-core' || !args.importer) return undefined;
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'from-core' });
        if (r.errors.length) return undefined;
        const file = rel(r.path);
        return coreModules.includes(file) ? { path: file, namespace: 'from-core' } : { path: r.path };
      });
      b.onLoad({ filter: /.*/, namespace: 'from-core' }, (args) => ({
        contents: `module.exports = require('flagyard-core-chunk').modules[${JSON.stringify(args.path)}];`,
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
  await build({
    ...common,
    format: 'cjs',
    stdin: {
      contents: lazy.map((s) => `export { ${s.names.map((n) => n.imported).join(', ')} } from ${JSON.stringify('./' + s.module)};`).join('\n'),
      resolveDir: ROOT,
      loader: 'js',
      sourcefile: `${name}-rest`,
    },
    outfile: `dist/${restFile}`,
    plugins: [fromCore, classNamesPlugin(), lazyRe2Plugin()],
  });

  // 3. The entries. What each lazy export is decides its stand-in.
  const restPath = path.join(ROOT, 'dist', restFile);
  delete require.cache[restPath];
  delete require.cache[path.join(ROOT, 'dist', coreFile)];
  const rest = require(restPath);
  const core = require(path.join(ROOT, 'dist', coreFile)).modules;
  const lines = [
    '"use strict";',
    `// Generated by scripts/library-build.mjs from ${source}: see there why the entry is split.`,
    `const core = require("./${coreFile}").modules;`,
    'let rest;',
    `const load = () => (rest ??= require("./${restFile}"));`,
  ];
  const exported = [];
  const standIns = new Map(); // real value → the export holding its stand-in
  let usesLazyObject = false;
  for (const s of statements) {
    for (const { imported, exported: as } of s.names) {
      exported.push(as);
      if (isEager(s)) {
        lines.push(`exports.${as} = core[${JSON.stringify(s.module)}].${imported};`);
        // Minified, the function or class is called something like `Tt`; a
        // user inspecting it (or an instance: `A [FlagsError]: …`) sees that.
        const value = core[s.module][imported];
        if (typeof value === 'function' && value.name !== imported) lines.push(`Object.defineProperty(exports.${as}, "name", { value: ${JSON.stringify(imported)} });`);
        continue;
      }
      const value = rest[imported];
      // An alias of an export already written (`export const createEvaluator =
      // createDirectoryEvaluator`) is the same stand-in, as it is the same function.
      const alias = standIns.get(value);
      if (alias) {
        lines.push(`exports.${as} = exports.${alias};`);
        continue;
      }
      if (typeof value === 'function' || (value !== null && typeof value === 'object' && !isPlainData(value))) standIns.set(value, as);
      if (typeof value === 'function') {
        if (/^class\b/.test(Function.prototype.toString.call(value))) {
          throw new Error(`${as} (${s.module}) is a class: a stand-in cannot be one; add its module to the eager modules of ${name}`);
        }
        // The stand-in looks like the real one to a caller inspecting it: its
        // name, its length (one parameter per declared one, as the real
        // function counts them) and, for an async function, its kind.
        const kind = Object.getPrototypeOf(value).constructor.name;
        if (kind !== 'Function' && kind !== 'AsyncFunction') throw new Error(`${as} (${s.module}) is a ${kind}: stand-ins are plain or async functions; add its module to the eager modules of ${name}`);
        const params = Array.from({ length: value.length }, (_, i) => `a${i}`).join(', ');
        const fnName = /^[A-Za-z_$][\w$]*$/.test(imported) && imported !== 'default' ? imported : as;
        lines.push(`exports.${as} = ${kind === 'AsyncFunction' ? 'async ' : ''}function ${fnName}(${params}) { return load().${imported}.apply(this, arguments); };`);
      } else if (isPlainData(value)) {
        lines.push(`exports.${as} = ${JSON.stringify(value)};`);
      } else if (value instanceof RegExp && !value.global && !value.sticky) {
        lines.push(`exports.${as} = ${value};`);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        usesLazyObject = true;
        lines.push(`exports.${as} = lazyObject(() => load().${imported}, ${JSON.stringify(Object.getPrototypeOf(value)?.constructor?.name ?? 'Object')});`);
      } else {
        throw new Error(`${as} (${s.module}) is neither a function nor plain data: add its module to the eager modules of ${name}`);
      }
    }
  }
  if (usesLazyObject) lines.splice(5, 0, LAZY_OBJECT);
  writeFileSync(`dist/${name}.cjs`, lines.join('\n') + '\n');
  writeEsmEntry(name, exported);
}

/**
 * dist/NAME.js, the ESM entry of a CommonJS one: `import` and `require` load
 * one copy of the code (and of its classes: `instanceof` holds across both).
 * It requires the file instead of importing it, so Node skips scanning the
 * CommonJS file for export names (which costs more than loading it); the
 * names are read from the built file when not given.
 */
export function writeEsmEntry(name, names) {
  const file = path.join(ROOT, 'dist', `${name}.cjs`);
  rmSync(`dist/${name}.js.map`, { force: true }); // left by a build that bundled it
  if (!names) {
    delete require.cache[file];
    names = Object.keys(require(file));
  }
  writeFileSync(
    `dist/${name}.js`,
    `// Generated by scripts/library-build.mjs: the ESM entry shares the CommonJS one, so \`import\` and \`require\` load one copy\n` +
      `// (required, not imported: Node then skips scanning it for export names).\n` +
      `import { createRequire } from 'node:module';\nconst lib = createRequire(import.meta.url)('./${name}.cjs');\nexport const { ${names.join(', ')} } = lib;\n`,
  );
}

/**
 * An esbuild footer for a CommonJS entry: its exported functions and classes
 * named as exported. Minified, `createBundleEvaluator` is called `wt` and an
 * error prints as `T [BundleLoadError]: …` to a user inspecting them.
 */
export const EXPORT_NAMES_FOOTER = 'for(const[k,v]of Object.entries(module.exports))typeof v=="function"&&v.name!==k&&Object.defineProperty(v,"name",{value:k});';

/**
 * The stand-in of an object export of the rest (a zod schema): a Proxy that
 * loads the rest on first use and forwards every operation to the real object,
 * so `FlagSchema.safeParse(x)` works unchanged. A non-configurable property is
 * copied onto the proxy's target before it is reported, as Proxy invariants
 * require. util.inspect (console.log) does not go through a proxy's traps: it
 * shows the target, so the target's custom inspector loads and shows the real
 * object (configurable, so no trap has to report it); below the depth shown,
 * as \`[ZodMiniObject]\`, it loads nothing (the build knows the class name).
 */
const LAZY_OBJECT = `function lazyObject(get, className) {
  let real;
  const target = {};
  const of = () => (real ??= get());
  const show = (depth, options, inspect) => (depth < 0 ? options.stylize("[" + className + "]", "special") : inspect(of(), { ...options, depth }));
  Object.defineProperty(target, Symbol.for("nodejs.util.inspect.custom"), { configurable: true, value: show });
  const pinned = () => Reflect.ownKeys(target).filter((key) => !Reflect.getOwnPropertyDescriptor(target, key).configurable);
  return new Proxy(target, {
    get: (_, key) => Reflect.get(of(), key),
    set: (_, key, value) => Reflect.set(of(), key, value),
    has: (_, key) => Reflect.has(of(), key),
    ownKeys: () => [...new Set([...Reflect.ownKeys(of()), ...pinned()])],
    getPrototypeOf: () => Reflect.getPrototypeOf(of()),
    defineProperty: (_, key, d) => Reflect.defineProperty(of(), key, d),
    deleteProperty: (_, key) => Reflect.deleteProperty(of(), key),
    getOwnPropertyDescriptor(_, key) {
      const d = Reflect.getOwnPropertyDescriptor(of(), key);
      if (d && !d.configurable && !Reflect.getOwnPropertyDescriptor(target, key)) Reflect.defineProperty(target, key, d);
      return d;
    },
  });
}`;

function isPlainData(value) {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isPlainData);
  return false;
}
