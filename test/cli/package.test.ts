import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_FLAGS, removeDir, ROOT, tempDir } from '../helpers/cli.js';

const dir = tempDir('flags-consumer-');
afterAll(() => removeDir(dir));

describe('the package as a library', () => {
  it("resolves `import … from 'flags'` through package.json exports and evaluates", () => {
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, path.join(dir, 'node_modules', 'flags'));
    writeFileSync(
      path.join(dir, 'app.mjs'),
      `import { createEvaluator, evaluate, loadFlags } from 'flags';
const ev = await createEvaluator({ dir: ${JSON.stringify(REPO_FLAGS)} });
const set = await loadFlags(${JSON.stringify(REPO_FLAGS)});
console.log(JSON.stringify([
  ev.isEnabled('new-orchestrator-v2', { tenant: { id: 'tenant-beta-1' } }),
  ev.getNumber('parallel-agents-limit', { tenant: { type: 'enterprise' } }, 4).value,
  evaluate(set.flags.get('model-provider'), { tenant: { settings: { preferredProvider: 'openai' } } }),
]));`,
    );
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([true, 15, { value: 'openai', reason: 'RULE_MATCH', ruleId: 'openai-override' }]);
  });

  it('ships type declarations at the path package.json names', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default;
    const types = path.join(ROOT, pkg.exports['.'].types);
    expect(spawnSync('test', ['-f', types]).status).toBe(0);
  });
});
