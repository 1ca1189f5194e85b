import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, runMain } from '../helpers/cli.js';
import { LOG, ok, revenueLog, revenueProject } from './experiment-metrics-fixture.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function results(d: string, args: string[] = []) {
  return JSON.parse((await ok(d, ['experiment', 'results', 'checkout', '--json', ...args])).stdout);
}

describe('every metric, revenue and guardrails (SPEC 8)', () => {
  it('analyses revenue by Welch on per-user sums, names the deciding test, and a guardrail regression vetoes the winner', async () => {
    const d = await revenueProject(dirs);
    writeFileSync(path.join(d, LOG), revenueLog({ refundOnepage: 0.035 }).join('\n') + '\n');
    const res = await results(d);
    expect(res.metrics.map((m: { key: string; kind: string; primary: boolean; guardrail: boolean }) => [m.key, m.kind, m.primary, m.guardrail])).toEqual([
      ['revenue', 'revenue', true, false],
      ['purchase', 'conversion', false, false],
      ['refund', 'conversion', false, true],
    ]);
    const revenue = res.metrics[0];
    expect(revenue.test).toBe('welch-t-test');
    // Means are per exposed user (0 for non-buyers), from the counts.
    const [classic, onepage] = revenue.arms;
    expect(classic.users).toBe(1500);
    expect(classic.mean).toBeCloseTo(revenue.arms[0].mean, 12);
    expect(onepage.mean).toBeGreaterThan(classic.mean);
    expect(res.comparisons[0].absoluteLift).toBeCloseTo(onepage.mean - classic.mean, 12);
    expect(res.comparisons[0].z).toBe(revenue.comparisons[0].statistic);
    expect(revenue.comparisons[0].df).toBeGreaterThan(1000);
    expect(res.verdict).toBe('winner');
    expect(res.winner).toBe('onepage');
    expect(res.excluded.outsideWindow).toBe(1);
    expect(res.window).toEqual({ since: '2026-02-01T00:00:00.000Z', until: null });

    // Now onepage also doubles refunds: the guardrail turns the verdict.
    writeFileSync(path.join(d, LOG), revenueLog({ refundOnepage: 0.16 }).join('\n') + '\n');
    const bad = await results(d);
    expect(bad.metrics[2].comparisons[0]).toMatchObject({ significant: true, effect: 'worse' });
    expect(bad).toMatchObject({ verdict: 'guardrail regression', winner: null, guardrailRegressions: [{ metric: 'refund', treatment: 'onepage' }] });
    const text = (await ok(d, ['experiment', 'results', 'checkout'])).stdout;
    expect(text).toContain('Metric refund (conversion, guardrail, lower is better)');
    expect(text).toContain('Metric purchase (conversion, secondary, exploratory)');
    expect(text).toContain("\"significant\" means Holm-adjusted p < 0.05 from Welch's t-test on the difference of means");
    expect(text.split('\n').at(-2)).toMatch(/^verdict: guardrail regression: onepage makes refund worse/);
  });

  it('--since/--until narrow the window and count what they leave out; headers follow --alpha', async () => {
    const d = await revenueProject(dirs);
    const lines = revenueLog({ refundOnepage: 0.035 });
    writeFileSync(path.join(d, LOG), lines.join('\n') + '\n');
    const all = await results(d);
    const narrow = await results(d, ['--since', '2026-02-04', '--until', '2026-02-05']);
    expect(narrow.window).toEqual({ since: '2026-02-04T00:00:00.000Z', until: '2026-02-05T23:59:59.999Z' });
    const inside = lines.filter((l) => {
      const t = JSON.parse(l).timestamp;
      return t >= '2026-02-04T00:00:00.000Z' && t <= '2026-02-05T23:59:59.999Z';
    }).length;
    expect(narrow.excluded.outsideWindow).toBe(lines.length - inside);
    expect(narrow.sampleSize).toBeLessThan(all.sampleSize);
    const text = (await ok(d, ['experiment', 'results', 'checkout', '--alpha', '0.01'])).stdout;
    expect(text).toContain('99% interval');
    expect(text).not.toContain('95% interval');
    expect(text).toContain('window: 2026-02-01T00:00:00.000Z to now');
    const bad = await runMain(['experiment', 'results', 'checkout', '--since', 'yesterday'], { cwd: d });
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('error: --since must be a date (2025-03-01) or an ISO-8601 time with a zone (2025-03-01T12:00:00Z), got "yesterday"\n');
    const empty = await runMain(['experiment', 'results', 'checkout', '--until', '2026-01-15'], { cwd: d });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/the analysis window is empty/);
  });

  it('--sequential: always-valid, wider intervals; the report says which mode it used', async () => {
    const d = await revenueProject(dirs);
    writeFileSync(path.join(d, LOG), revenueLog({ refundOnepage: 0.035 }).join('\n') + '\n');
    const fixed = await results(d);
    const seq = await results(d, ['--sequential']);
    expect(fixed.analysis).toBe('fixed');
    expect(seq.analysis).toBe('sequential');
    for (const [f, s] of [[fixed.comparisons[0], seq.comparisons[0]], [fixed.metrics[1].comparisons[0], seq.metrics[1].comparisons[0]]]) {
      expect(s.absoluteLift).toBeCloseTo(f.absoluteLift, 12);
      expect(s.interval[1] - s.interval[0]).toBeGreaterThan(f.interval[1] - f.interval[0]);
      expect(s.pValue).toBeGreaterThan(f.pValue);
    }
    expect(seq.metrics.every((m: { test: string }) => m.test === 'confidence-sequence')).toBe(true);
    const text = (await ok(d, ['experiment', 'results', 'checkout', '--sequential'])).stdout;
    expect(text).toContain('analysis: sequential: always-valid intervals and p-values');
  });

  it('--format markdown: the same numbers as a table per metric; a sample-ratio mismatch leads', async () => {
    const d = await revenueProject(dirs);
    writeFileSync(path.join(d, LOG), revenueLog({ refundOnepage: 0.035 }).join('\n') + '\n');
    const md = (await ok(d, ['experiment', 'results', 'checkout', '--format', 'markdown'])).stdout;
    expect(md).toMatch(/^# Experiment checkout: One-page checkout\n\n\*\*Verdict: onepage beats classic/);
    expect(md).toContain('## revenue (revenue, primary)');
    expect(md).toContain('## refund (conversion, guardrail, lower is better)');
    expect(md).toContain('secondary metrics are exploratory');
    expect(md).toMatch(/\| classic \(control\) \| 50% \| 1,500 \|/);
    // A broken split: the warning comes before the verdict.
    writeFileSync(path.join(d, LOG), revenueLog({ refundOnepage: 0.035 }).filter((l) => !/"onepage-1\d\d\d"/.test(l)).join('\n') + '\n');
    const srm = (await ok(d, ['experiment', 'results', 'checkout', '--format', 'markdown'])).stdout.split('\n');
    expect(srm[2]).toMatch(/^> \*\*SAMPLE RATIO MISMATCH/);
  });

  it('create --flag EXISTING takes the arms from its variants (any type) and leaves the flag as it is', async () => {
    const d = await revenueProject(dirs);
    writeFileSync(
      path.join(d, 'flags/discount.yaml'),
      'key: discount\nname: Discount\ndescription: ""\nowner: growth\ntags: []\ntype: number\nenabled: false\ndefaultValue: 0\nrules: []\nvariants:\n  - {key: none, name: No discount, value: 0, weight: 34}\n  - {key: five, name: Five, value: 5, weight: 33}\n  - {key: ten, name: Ten, value: 10, weight: 33}\n',
    );
    const before = (await import('node:fs')).readFileSync(path.join(d, 'flags/discount.yaml'), 'utf8');
    const r = await ok(d, ['experiment', 'create', 'discount-test', '--flag', 'discount', '--name', 'Discount', '--metric', 'purchase']);
    expect(r.stdout).toBe('Created experiment discount-test (draft) in flags/experiments/discount-test.yaml\nUsing flag discount (flags/discount.yaml, unchanged): its variants are the arms: none 34%, five 33%, ten 33% (disabled until `flags experiment start discount-test`)\n');
    expect((await import('node:fs')).readFileSync(path.join(d, 'flags/discount.yaml'), 'utf8')).toBe(before);
    const shown = JSON.parse((await ok(d, ['experiment', 'show', 'discount-test', '--json'])).stdout);
    expect(shown).toMatchObject({ flagKey: 'discount', control: { key: 'none', name: 'No discount' }, treatment: [{ key: 'five', weight: 33 }, { key: 'ten', weight: 33 }] });
    expect((await runMain(['validate'], { cwd: d })).code).toBe(0);
    // The control chosen among the variants; a key that is not a variant is refused.
    const bad = await runMain(['experiment', 'create', 'x', '--flag', 'discount', '--name', 'X', '--control', 'twenty', '--metric', 'purchase'], { cwd: d });
    expect(bad).toMatchObject({ code: 2 }); // an argument not valid for it (issue 12)
    expect(bad.stderr).toBe('error: flag "discount" has no variant "twenty" (its variants: none, five, ten)\n');
  });

  it('plan prints users per arm and days; bad values are usage errors', async () => {
    const d = await revenueProject(dirs);
    const out = (await ok(d, ['experiment', 'plan', '--baseline', '10%', '--mde', '2', '--daily-users', '1000'])).stdout;
    expect(out).toBe(
      'To detect 10.00% → 12.00% (+2.00 points) with 80% power at alpha 0.05:\n  3,841 users per arm, 7,682 in all 2 arms\n  8 days at 1,000 users a day\n' +
        'Two-sided two-proportion z-test, fixed horizon: look once, at that size (or use `results --sequential`, which needs more users but may be read any day).\n',
    );
    expect(JSON.parse((await ok(d, ['experiment', 'plan', '--baseline', '0.1', '--mde', '2', '--arms', '3', '--json'])).stdout)).toMatchObject({ usersPerArm: 4652, alphaPerComparison: 0.025 });
    for (const args of [['--baseline', '1.5', '--mde', '2'], ['--baseline', '0.1', '--mde', '0'], ['--baseline', '0.1', '--mde', '2', '--arms', '1'], ['--baseline', '0.1', '--mde', '2', '--power', '1']]) {
      expect((await runMain(['experiment', 'plan', ...args], { cwd: d })).code).toBe(2);
    }
  });
});
