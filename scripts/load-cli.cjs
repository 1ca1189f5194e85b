'use strict';
// Loads dist/cli.cjs like require() would, but compiled with the code cache
// dist/cli.cjs.cache when V8 accepts it (same Node version and bundle), and
// answers `--version` and `--help` from dist/cli.quick.json without loading
// the bundle at all. Every shortcut falls back silently to the plain path: a
// missing or stale file only costs time. Measured in docs/performance.md.
const { readFileSync, statSync, fstatSync, writeSync } = require('node:fs');
const path = require('node:path');

const CLI = path.join(__dirname, '../dist/cli.cjs');
// The same program with only these commands' code (scripts/build.mjs), about a
// third of the bytes to read and deserialise: what `flags list`, `flags eval
// KEY`, `flags validate` and `flags show` load. Any other command, or argv
// naming none, loads the full bundle.
const FAST_CLI = path.join(__dirname, '../dist/cli-fast.cjs');
const FAST_COMMANDS = ['list', 'show', 'eval', 'validate'];

/**
 * The command argv runs, if it can be told without commander: the first
 * operand after the global options. The same rule as runningCommand in
 * src/cli/program.ts, which then defines only that command (so the fast
 * bundle never needs another command's code); test/cli/startup.test.ts holds
 * the two to the same answers.
 */
function runningCommand(argv) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dir') i++;
    else if (arg !== '--json' && arg !== '--no-color' && !arg.startsWith('--dir=')) return arg.startsWith('-') ? undefined : arg;
  }
  return undefined;
}

/** The bundle to run for argv: the fast one when argv runs one of its commands and it was built, else the full one. */
function bundleFor(argv) {
  if (!FAST_COMMANDS.includes(runningCommand(argv))) return CLI;
  try {
    statSync(FAST_CLI);
    return FAST_CLI;
  } catch {
    return CLI;
  }
}
// Written by scripts/code-cache.cjs from the bundle itself (what its --help and
// --version print when stdout is not a terminal), with the bundle's size to
// recognise a file left over from another build.
const QUICK = path.join(__dirname, '../dist/cli.quick.json');

/** Runs `file` (default: the full bundle) like require() would, with its code cache FILE.cache when there is one. */
function loadCli(options = {}) {
  const file = options.file ?? CLI;
  const vm = require('node:vm');
  const Module = require('node:module');
  const source = readFileSync(file, 'utf8');
  let cachedData;
  if (!options.noCache) {
    try {
      cachedData = readFileSync(file + '.cache');
    } catch {
      // no cache: compile normally
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.exports.__script = script;
  return mod.exports;
}

/**
 * `flags --version` and `flags --help` (alone) print what the bundle would
 * print, from dist/cli.quick.json. Returns false, having written nothing, when
 * the arguments are anything else or the answer is not known for sure: the
 * file is missing or from another build, or stdout is a terminal of another
 * width than the help was laid out for (commander wraps to it).
 */
function quickAnswer(argv) {
  if (argv.length !== 1) return false;
  const which = { '--version': 'version', '-V': 'version', '--help': 'help', '-h': 'help' }[argv[0]];
  if (!which) return false;
  let quick;
  try {
    quick = JSON.parse(readFileSync(QUICK, 'utf8'));
    if (quick.bundleBytes !== statSync(CLI).size || typeof quick[which] !== 'string') return false;
    if (which === 'help' && helpWidth() !== quick.helpWidth) return false;
  } catch {
    return false;
  }
  writeStdout(quick[which]);
  return true;
}

/** The width commander lays help out for: the terminal's columns, else 80. */
function helpWidth() {
  const stat = fstatSync(1);
  // A file, a pipe or /dev/null is no terminal; asking node:tty would load the network stack (several ms).
  if (!stat.isCharacterDevice()) return 80;
  if (process.platform !== 'win32' && stat.rdev === statSync('/dev/null').rdev) return 80;
  return require('node:tty').isatty(1) ? (process.stdout.columns ?? 80) : 80;
}

/** Writes all of `text` to fd 1; a closed pipe (`flags --help | head -1`) is not an error, as in main.ts. */
function writeStdout(text) {
  let buffer = Buffer.from(text);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(1, buffer));
    } catch (e) {
      if (e.code === 'EPIPE') return;
      if (e.code !== 'EAGAIN') throw e;
      // A non-blocking stdout that is full: let the stream queue the rest.
      process.stdout.write(buffer);
      return;
    }
  }
}

module.exports = { loadCli, quickAnswer, bundleFor, runningCommand, CLI, FAST_CLI, FAST_COMMANDS, QUICK };
