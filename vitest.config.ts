// `npm test`: every test file (the fast loop is vitest.fast.config.ts).
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/helpers/slow-first.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: vitest's default keeps one free (one worker on a two-core machine), which left
    // `npm test` running one file at a time.
    maxWorkers: 2,
    // One module graph per worker instead of one per file: importing src/ again for every file
    // was about half the CPU time of the unit tests. The tests share no global state (no
    // mocks, stubbed env or timers; every test writes in its own temp directory).
    isolate: false,
    // Longest files first, so the run does not end on one long file with the other core idle.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
