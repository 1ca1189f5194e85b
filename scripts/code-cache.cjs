'use strict';
// Warms dist/cli.cjs.cache: runs the commands people run most (list, show,
// eval, validate, --help) in one process against the repository's own flags,
// then saves V8's compiled code for everything those runs executed.
const { writeFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { loadCli, CLI } = require('./load-cli.cjs');

async function warm() {
  rmSync(CLI + '.cache', { force: true });
  const cli = loadCli({ noCache: true });
  const flags = path.join(__dirname, '../flags');
  const sink = { write: () => true, isTTY: false };
  const io = () => ({ stdout: sink, stderr: sink, stdin: new PassThrough(), cwd: process.cwd(), env: {} });
  for (const argv of [
    ['list', '--dir', flags],
    ['show', 'new-orchestrator-v2', '--dir', flags],
    ['eval', 'new-orchestrator-v2', '--set', 'tenant.id=tenant-beta-1', '--dir', flags],
    ['eval', '--all', '--json', '--dir', flags],
    ['validate', '--dir', flags],
    ['--help'],
  ]) {
    await cli.main(argv, io());
  }
  writeFileSync(CLI + '.cache', cli.__script.createCachedData());
}

warm().catch((e) => {
  // A missing cache only costs start-up time; never fail the build for it.
  process.stderr.write(`code cache not written: ${e.message}\n`);
});
