// `npm run test:fast`: the edit loop. Unit tests of the pure core and the CLI
// tests, without the slow files: the hardening suite (resource bombs, fuzz,
// streams of gigabytes), the package test (npm pack + install) and the tests
// that start real servers, databases or browsers (`*.e2e.test.ts`). `npm test`
// runs everything.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/hardening/**', 'test/**/*.e2e.test.ts', 'test/cli/package.test.ts', 'node_modules/**'],
    },
  }),
);
