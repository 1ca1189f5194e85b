// Segments (SPEC 6) travel in bundles (SPEC 7): a flag that targets a segment
// gives the same answer from `flags build` + flagyard/runtime as from the
// library over the files, in and out of the segment, in every environment.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBundleEvaluator } from '../../src/runtime.js';
import { createEvaluator } from '../../src/store/live-evaluator.js';
import { flagYamlWithRules, projectWith, removeDir, runMain } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const FLAG = flagYamlWithRules(
  'beta-ui',
  `  - id: beta
    conditions:
      - operator: in_segment
        value: [beta-tenants]
    value: true
`,
  `environments:
  staging:
    enabled: true
    rules:
      - id: not-beta
        conditions:
          - operator: not_in_segment
            value: [beta-tenants]
        value: true
`,
);
const SEGMENT = `key: beta-tenants
description: Tenants in the beta
conditions:
  - attribute: tenant.id
    operator: in
    value: [t-1, t-2]
`;

describe('segments in bundles', () => {
  it('flags build carries the segments, and the runtime answers like the library', async () => {
    const dir = projectWith({ 'beta-ui.yaml': FLAG });
    dirs.push(dir);
    mkdirSync(path.join(dir, 'flags/segments'));
    writeFileSync(path.join(dir, 'flags/segments/beta-tenants.yaml'), SEGMENT);
    const b = await runMain(['build', '--out', 'bundles'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(path.join(dir, 'bundles/flags.json'), 'utf8'));
    expect(bundle.segments).toEqual({ 'beta-tenants': { key: 'beta-tenants', conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['t-1', 't-2'] }] } });

    const live = await createEvaluator({ dir: path.join(dir, 'flags') });
    const contexts = ['t-1', 't-2', 't-3', undefined].flatMap((id) =>
      [undefined, 'staging'].map((environment) => ({ ...(id ? { tenant: { id } } : {}), ...(environment ? { environment } : {}) })),
    );
    for (const file of ['flags.json', 'flags.staging.json']) {
      const runtime = await createBundleEvaluator({ file: path.join(dir, 'bundles', file), pollMs: 0 });
      for (const ctx of contexts) {
        const env = runtime.bundle().environment;
        const expected = live.evaluate('beta-ui', env ? { environment: env, ...ctx } : ctx);
        expect(runtime.evaluate('beta-ui', ctx), `${file} ${JSON.stringify(ctx)}`).toEqual(expected);
      }
      runtime.close();
    }
    // The answers really depend on the segment.
    expect(live.evaluate('beta-ui', { tenant: { id: 't-1' } })).toMatchObject({ value: true, reason: 'RULE_MATCH', ruleId: 'beta' });
    expect(live.evaluate('beta-ui', { tenant: { id: 't-3' } })).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(live.evaluate('beta-ui', { tenant: { id: 't-3' }, environment: 'staging' })).toMatchObject({ value: true, ruleId: 'not-beta' });
    live.close();
  });
});
