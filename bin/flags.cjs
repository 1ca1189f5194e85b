#!/usr/bin/env node
'use strict';
// The installed entry point. It runs the prebuilt bundle (npm ci / npm run
// build makes dist/; TypeScript is never compiled at run time) through V8's
// code cache when one was built for this Node version: start-up then skips
// parsing and compiling most of the code. `--version` and `--help` are
// answered without loading the bundle. CommonJS on purpose: Node's ESM
// loader costs several milliseconds more to start.
// `list`, `eval`, `validate` and `show` load a bundle of only their code.
const { bundleFor, loadCli, quickAnswer } = require('../scripts/load-cli.cjs');

const argv = process.argv.slice(2);
if (!quickAnswer(argv)) loadCli({ file: bundleFor(argv) }).run();
