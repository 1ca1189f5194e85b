#!/usr/bin/env node
'use strict';
// The installed entry point. It runs the prebuilt bundle (npm ci / npm run
// build makes dist/; TypeScript is never compiled at run time) through V8's
// code cache when one was built for this Node version: start-up then skips
// parsing and compiling most of the code. CommonJS on purpose: Node's ESM
// loader costs several milliseconds more to start.
const { loadCli } = require('../scripts/load-cli.cjs');

loadCli().run();
