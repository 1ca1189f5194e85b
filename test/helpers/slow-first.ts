/**
 * The test-file order of `npm test`: longest first, so the run never ends on
 * one long file while the other core idles. Vitest already orders by the
 * durations it cached on the last run; on a fresh checkout (CI) it has none
 * and would go by file size, so the files known to be long (the hardening
 * suite, the package and end-to-end tests) go first.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const KNOWN_SLOW = /test\/hardening\/|test\/cli\/package\.test\.ts$|\.e2e\.test\.ts$|test\/evaluation\/properties\.test\.ts$/;

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cached = sorted.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`));
    if (cached) return sorted;
    return [...sorted.filter((f) => KNOWN_SLOW.test(f.moduleId)), ...sorted.filter((f) => !KNOWN_SLOW.test(f.moduleId))];
  }
}
