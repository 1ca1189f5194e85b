import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvaluator, type LiveEvaluator } from '../../src/store/live-evaluator.js';
import { flagYaml, projectWith, removeDir } from '../helpers/cli.js';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

function setup(files: Record<string, string>) {
  const p = projectWith(files);
  cleanup.push(() => removeDir(p));
  return path.join(p, 'flags');
}

async function until(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('createEvaluator', () => {
  it('loads a directory and evaluates by key with typed helpers', async () => {
    const dir = setup({ 'a.yaml': flagYaml('a').replace('defaultValue: false', 'defaultValue: true') });
    const ev = await createEvaluator({ dir });
    expect(ev.evaluate('a', {})).toEqual({ value: true, reason: 'DEFAULT' });
    expect(ev.isEnabled('a', {})).toBe(true);
    expect(ev.getString('a', {}, 'x')).toEqual({ value: 'x', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(ev.evaluate('missing', {}, 'fallback')).toEqual({ value: 'fallback', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('with watch: sees a kill switch without a restart', async () => {
    const dir = setup({ 'a.yaml': flagYaml('a').replace('defaultValue: false', 'defaultValue: true').replace('rules: []', 'rules: []\nfallthrough:\n  value: false') });
    const ev: LiveEvaluator = await createEvaluator({ dir, watch: true, pollInterval: 200 });
    cleanup.push(() => ev.close());
    expect(ev.evaluate('a', {}).reason).toBe('FALLTHROUGH');
    writeFileSync(path.join(dir, 'a.yaml'), flagYaml('a').replace('defaultValue: false', 'defaultValue: true') + 'killSwitch: true\n');
    await until(() => ev.evaluate('a', {}).reason === 'KILL_SWITCH');
  });

  it('keeps the last valid version of a flag whose file turns invalid, and reports it', async () => {
    const reported: string[] = [];
    const dir = setup({ 'a.yaml': flagYaml('a') });
    const ev = await createEvaluator({ dir, watch: true, pollInterval: 200, onDiagnostics: (d) => reported.push(...d.map((x) => x.code)) });
    cleanup.push(() => ev.close());
    writeFileSync(path.join(dir, 'a.yaml'), flagYaml('a').replace('enabled: true', 'enabled: oops'));
    await until(() => reported.includes('INVALID_TYPE'));
    expect(ev.evaluate('a', {})).toEqual({ value: false, reason: 'DEFAULT' });
    writeFileSync(path.join(dir, 'a.yaml'), 'key: [broken\n');
    await ev.reload();
    expect(ev.evaluate('a', {})).toEqual({ value: false, reason: 'DEFAULT' });
  });

  it('drops a flag whose file was removed', async () => {
    const dir = setup({ 'a.yaml': flagYaml('a'), 'b.yaml': flagYaml('b') });
    const ev = await createEvaluator({ dir });
    rmSync(path.join(dir, 'b.yaml'));
    await ev.reload();
    expect(ev.evaluate('b', {}).errorCode).toBe('FLAG_NOT_FOUND');
    expect(ev.evaluate('a', {}).reason).toBe('DEFAULT');
  });
});
