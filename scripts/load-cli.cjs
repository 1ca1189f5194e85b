'use strict';
// Loads dist/cli.cjs like require() would, but compiled with the code cache
// dist/cli.cjs.cache when V8 accepts it (same Node version and bundle).
const { readFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const CLI = path.join(__dirname, '../dist/cli.cjs');

function loadCli(options = {}) {
  const source = readFileSync(CLI, 'utf8');
  let cachedData;
  if (!options.noCache) {
    try {
      cachedData = readFileSync(CLI + '.cache');
    } catch {
      // no cache: compile normally
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: CLI, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(CLI), mod, CLI, path.dirname(CLI));
  mod.exports.__script = script;
  return mod.exports;
}

module.exports = { loadCli, CLI };
