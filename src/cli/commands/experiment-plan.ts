/**
 * `flags experiment plan --baseline RATE --mde POINTS [--arms K] [--alpha]
 * [--power 0.8] [--daily-users N]` (SPEC 8): parse, plan, print.
 */
import { UsageError } from '../../errors.js';
import { planExperiment } from '../../experiments/plan.js';
import { parseNumberOption } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';

export interface PlanOptions {
  baseline: string;
  mde: string;
  arms?: string;
  alpha?: string;
  power?: string;
  dailyUsers?: string;
}

export async function runExperimentPlan(ctx: CommandContext, opts: PlanOptions): Promise<void> {
  const baseline = rate('--baseline', opts.baseline);
  const mde = number('--mde', opts.mde) / 100;
  if (mde === 0 || baseline + mde <= 0 || baseline + mde >= 1) {
    throw new UsageError(`--mde ${opts.mde} points from a baseline of ${(baseline * 100).toFixed(2)}% must give a different rate between 0% and 100%`);
  }
  const arms = number('--arms', opts.arms ?? '2');
  if (!Number.isInteger(arms) || arms < 2) throw new UsageError(`--arms must be a whole number of at least 2 (control included), got "${opts.arms}"`);
  const alpha = open01('--alpha', opts.alpha ?? '0.05');
  const power = open01('--power', opts.power ?? '0.8');
  let dailyUsers: number | undefined;
  if (opts.dailyUsers !== undefined) {
    dailyUsers = number('--daily-users', opts.dailyUsers);
    if (!(dailyUsers > 0)) throw new UsageError(`--daily-users must be a positive number, got "${opts.dailyUsers}"`);
  }
  const plan = planExperiment({ baseline, mde, arms, alpha, power, dailyUsers });
  if (ctx.json) return ctx.printJson(plan);
  const f = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `To detect ${(baseline * 100).toFixed(2)}% → ${(plan.target * 100).toFixed(2)}% (${mde >= 0 ? '+' : ''}${(mde * 100).toFixed(2)} points) with ${Math.round(power * 1000) / 10}% power at alpha ${alpha}${arms > 2 ? ` (${(plan.alphaPerComparison).toPrecision(3)} per comparison, Holm's first step over ${arms - 1} treatments)` : ''}:`,
    `  ${f(plan.usersPerArm)} users per arm, ${f(plan.totalUsers)} in all ${arms} arms`,
  ];
  if (plan.days !== null) lines.push(`  ${f(plan.days)} ${plan.days === 1 ? 'day' : 'days'} at ${f(dailyUsers!)} users a day`);
  lines.push('Two-sided two-proportion z-test, fixed horizon: look once, at that size (or use `results --sequential`, which needs more users but may be read any day).');
  ctx.out(lines.join('\n'));
}

function number(name: string, raw: string): number {
  return parseNumberOption(raw, name);
}

function rate(name: string, raw: string): number {
  const s = raw.trim();
  const n = s.endsWith('%') ? number(name, s.slice(0, -1)) / 100 : number(name, s);
  if (!(n > 0 && n < 1)) throw new UsageError(`${name} must be a rate between 0 and 1 (0.1) or a percentage (10%), got "${raw}"`);
  return n;
}

function open01(name: string, raw: string): number {
  const n = number(name, raw);
  if (!(n > 0 && n < 1)) throw new UsageError(`${name} must be between 0 and 1, got "${raw}"`);
  return n;
}
