'use strict';
// Warms dist/cli.cjs.cache and dist/cli-fast.cjs.cache: runs the commands
// people run most (list, show, eval, validate, --help) in one process against
// the repository's own flags, then saves V8's compiled code for everything
// those runs executed (the fast bundle: only its own commands' runs).
// Then writes dist/cli.quick.json: what `flags --version` and `flags --help`
// print (stdout not a terminal, so help laid out for 80 columns), which the
// bin answers without loading the bundle (scripts/load-cli.cjs).
const { writeFileSync, rmSync, statSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { loadCli, CLI, FAST_CLI, FAST_COMMANDS, QUICK } = require('./load-cli.cjs');

const flags = path.join(__dirname, '../flags');
const RUNS = [
  ['list', '--dir', flags],
  ['show', 'new-orchestrator-v2', '--dir', flags],
  ['eval', 'new-orchestrator-v2', '--set', 'tenant.id=tenant-beta-1', '--dir', flags],
  ['eval', '--all', '--json', '--dir', flags],
  ['validate', '--dir', flags],
  ['--help'],
];

/** Runs `runs` with the bundle `file` in this process, then saves V8's code for everything they compiled. */
async function warm(file, runs) {
  rmSync(file + '.cache', { force: true });
  const cli = loadCli({ file, noCache: true });
  const sink = { write: () => true, isTTY: false };
  const io = () => ({ stdout: sink, stderr: sink, stdin: new PassThrough(), cwd: process.cwd(), env: {} });
  for (const argv of runs) await cli.main(argv, io());
  writeFileSync(file + '.cache', cli.__script.createCachedData());
}

function writeQuickAnswers() {
  rmSync(QUICK, { force: true });
  const bin = path.join(__dirname, '../bin/flags.cjs');
  const out = (arg) => {
    // Piped stdout: not a terminal, as commander then lays help out for 80 columns.
    const r = spawnSync(process.execPath, [bin, arg], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0 || r.stderr) throw new Error(`flags ${arg} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  const quick = { bundleBytes: statSync(CLI).size, helpWidth: 80, version: out('--version'), help: out('--help') };
  writeFileSync(QUICK, JSON.stringify(quick) + '\n');
}

warm(CLI, RUNS)
  // The fast bundle's cache holds only what its commands run.
  .then(() => warm(FAST_CLI, RUNS.filter((argv) => FAST_COMMANDS.includes(argv[0]))))
  .catch((e) => {
    // A missing cache only costs start-up time; never fail the build for it.
    process.stderr.write(`code cache not written: ${e.message}\n`);
  })
  .then(writeQuickAnswers)
  .catch((e) => process.stderr.write(`quick answers not written: ${e.message}\n`));
