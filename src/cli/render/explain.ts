/** `flags eval KEY --explain`: the trace of one evaluation, step by step (SPEC 6). */
import type { ChalkInstance } from 'chalk';
import type { ConditionVerdict, Explanation } from '../../evaluation/explain.js';
import { renderValue } from './flag.js';

export function renderExplanation(key: string, e: Explanation, chalk: ChalkInstance): string {
  const r = e.result;
  const lines: string[] = [];
  const detail = r.ruleId !== undefined ? ` ${r.ruleId}` : r.variant !== undefined ? ` variant ${r.variant}` : '';
  lines.push(`${chalk.bold(key)} = ${chalk.bold(renderValue(r.value))}  ${r.reason}${detail}`);
  const yes = (b: boolean) => (b ? chalk.green('✓') : chalk.red('✗'));
  let step = 0;
  const line = (text: string) => lines.push(`  ${++step}. ${text}`);

  line(`kill switch: ${e.killSwitch ? chalk.red('on → the default') : 'off'}`);
  if (r.reason === 'KILL_SWITCH') return finish();
  if (e.environment) {
    const env = e.environment;
    if (!env.defined) line(`environment "${env.name}": no entry, the flag's settings apply`);
    else if (env.enabled === false) line(`environment "${env.name}": disabled → the default`);
    else if (env.value !== undefined) line(`environment "${env.name}": serves ${renderValue(env.value)}`);
    else {
      const own = [env.ownRules && 'rules', env.ownFallthrough && 'fallthrough'].filter(Boolean).join(' and ');
      line(`environment "${env.name}": enabled${own ? `, its own ${own} ${own.includes(' and ') ? 'replace' : 'replaces'} the flag's` : ', no value: evaluation goes on'}`);
    }
  } else line('environment: none given (--env)');
  if (r.reason === 'ENVIRONMENT_DISABLED' || r.reason === 'ENVIRONMENT_OVERRIDE') return finish();
  line(`enabled: ${e.enabled ? 'yes' : chalk.yellow('no → the default')}`);
  if (r.reason === 'DISABLED') return finish();

  const from = e.targetingFrom === 'environment' && e.environment?.ownRules ? ` (environment "${e.environment.name}")` : '';
  if (e.rules.length === 0) line(`rules${from}: none`);
  else line(`rules${from}, first match wins:`);
  for (const rule of e.rules) {
    const status = rule.matched
      ? chalk.green('matched')
      : !rule.reached
        ? chalk.dim('not reached')
        : !rule.conditionsHold
          ? 'conditions do not hold'
          : rule.inRollout === false
            ? `outside its ${rule.percentage}% rollout`
            : 'skipped';
    const rollout = rule.percentage === undefined ? '' : ` ${rule.percentage}% rollout ${rule.inRollout ? '(in)' : '(out)'}`;
    lines.push(`     ${yes(rule.matched)} ${chalk.cyan(rule.id)}${rollout}: ${status}`);
    if (rule.conditions.length === 0) lines.push('         (no conditions: every context)');
    for (const c of rule.conditions) lines.push(`         ${yes(c.holds)} ${renderVerdict(c)}`);
  }
  if (r.reason === 'RULE_MATCH') return finish();
  if (e.variants) {
    const cum = e.variants.map((v) => `${v.key} <${v.cumulative}`).join(', ');
    line(e.bucket.variant === undefined ? `variants: skipped (no bucket key)` : `variants: bucket ${e.bucket.variant} against ${cum}`);
    if (r.reason === 'SPLIT') return finish();
  }
  if (e.fallthrough) {
    const f = e.fallthrough;
    const from = e.targetingFrom === 'environment' && e.environment?.ownFallthrough ? ` (environment "${e.environment.name}")` : '';
    if (f.percentage === undefined) line(`fallthrough${from}: ${renderValue(f.value)} for every context`);
    else line(`fallthrough${from}: ${renderValue(f.value)} for ${f.percentage}% → ${e.bucket.key === null ? 'no bucket key: out' : `bucket ${e.bucket.rollout} ${f.inRollout ? 'in' : 'out'}`}`);
  } else line('fallthrough: none');
  if (r.reason === 'DEFAULT') line('nothing matched → the default');
  return finish();

  function finish(): string {
    const b = e.bucket;
    const key = b.key === null ? chalk.yellow(`none (the context has no ${b.by})`) : JSON.stringify(b.key);
    lines.push(`  bucket key: ${key}  (by ${b.by})`);
    if (b.rollout !== undefined) {
      lines.push(`  rollout bucket: ${b.rollout} (hundredths ${b.rolloutHundredths})${b.variant !== undefined ? `, variant bucket: ${b.variant}` : ''}`);
    }
    return lines.join('\n');
  }
}

function renderVerdict(c: ConditionVerdict): string {
  if (c.segments) {
    const members = c.segments.map((s) => `${s.key}: ${s.member ? 'in' : 'not in'}`).join(', ');
    return `${c.operator} ${renderValue(c.expected)}  (${members})`;
  }
  const seen = Object.hasOwn(c, 'actual') ? renderValue(c.actual) : 'missing';
  return `${c.attribute} ${c.operator}${c.expected === undefined ? '' : ' ' + renderValue(c.expected)}  (seen: ${seen})`;
}
