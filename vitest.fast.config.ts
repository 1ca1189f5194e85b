// `npm run test:fast`: the edit loop. Unit tests of the pure core and the
// CLI tests run in-process (main() with injected io), without the slow files:
// the hardening suite (resource bombs, fuzz, streams of gigabytes), the
// package test (npm pack + install) and the tests that start real servers,
// databases or browsers or run the real binary for each command family
// (`*.e2e.test.ts`). `npm test` runs everything; both use both cores and one
// module graph per worker (vitest.config.ts).
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'node_modules/**',
        'test/hardening/**',
        'test/**/*.e2e.test.ts',
        // npm pack + install + tsc; a real PostgreSQL and DuckDB; headless Chromium; tsc over generated code.
        'test/cli/package.test.ts',
        'test/warehouse/paths-agree.test.ts',
        'test/warehouse/duckdb-optional.test.ts',
        'test/cli/results-html.test.ts',
        'test/hygiene/generate.test.ts',
        // Real servers and hostile clients over sockets.
        'test/serve/hostile.test.ts',
      ],
    },
  }),
);
