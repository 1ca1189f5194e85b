/** Human rendering of flags and values. */
import type { ChalkInstance } from 'chalk';
import { isSegmentOperator, type Condition, type Fallthrough, type Flag, type Rule } from '../../schema/flag.js';
import { oneLine } from './terminal.js';

export function renderValue(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

export function renderCondition(c: Condition): string {
  // Segment conditions have no attribute (SPEC 6): `in_segment ["beta-testers"]`.
  if (isSegmentOperator(c.operator) || c.attribute === undefined) return `${c.operator} ${renderValue(c.value)}`;
  return c.value === undefined ? `${c.attribute} ${c.operator}` : `${c.attribute} ${c.operator} ${renderValue(c.value)}`;
}

/** Rules in order with their conditions, indented by `pad`. */
export function renderRules(rules: readonly Rule[], chalk: ChalkInstance, pad = ''): string[] {
  const lines: string[] = [];
  rules.forEach((r, i) => {
    const rollout = r.percentage === undefined ? '' : `  for ${r.percentage}% of matching contexts`;
    lines.push(`${pad}  ${i + 1}. ${chalk.cyan(r.id)} → ${renderValue(r.value)}${rollout}`);
    if (r.description) lines.push(`${pad}     ${chalk.dim(r.description)}`);
    if (r.conditions.length === 0) lines.push(`${pad}     when: every context`);
    r.conditions.forEach((c, j) => lines.push(`${pad}     ${j === 0 ? 'when' : ' and'}: ${renderCondition(c)}`));
  });
  return lines;
}

export function renderFallthrough(f: Fallthrough): string {
  const p = f.percentage;
  return `${renderValue(f.value)}${p === undefined ? ' for every other context' : ` for ${p}% of other contexts (the rest get the default)`}`;
}

/** Fills in the schema's defaults so `--json` shows every field of SPEC 1.2. */
export function withDefaults(flag: Flag): Flag {
  return { ...flag, killSwitch: flag.killSwitch ?? false };
}

export function renderFlagDetails(flag: Flag, chalk: ChalkInstance): string {
  const lines: string[] = [];
  const label = (s: string) => chalk.bold(s.padEnd(14));
  const state = flag.killSwitch
    ? chalk.red('KILLED (kill switch on: always serves defaultValue)')
    : flag.enabled
      ? chalk.green('enabled')
      : chalk.yellow('disabled');
  lines.push(chalk.bold(flag.key) + (flag.name && flag.name !== flag.key ? `  ${flag.name}` : ''));
  if (flag.description) lines.push(flag.description);
  lines.push('');
  lines.push(`${label('state')}${state}`);
  lines.push(`${label('type')}${flag.type}`);
  lines.push(`${label('default')}${renderValue(flag.defaultValue)}`);
  lines.push(`${label('owner')}${flag.owner || '-'}`);
  lines.push(`${label('tags')}${flag.tags.length ? flag.tags.join(', ') : '-'}`);
  if (flag.createdAt) lines.push(`${label('created')}${flag.createdAt}`);
  if (flag.updatedAt) lines.push(`${label('updated')}${flag.updatedAt}`);
  if (flag.bucketBy !== undefined) lines.push(`${label('bucket by')}${flag.bucketBy} (contexts without it are in no rollout and no split)`);

  lines.push('');
  if (flag.rules.length === 0) lines.push(`${chalk.bold('rules')}  none`);
  else lines.push(chalk.bold('rules (first match wins)'));
  lines.push(...renderRules(flag.rules, chalk));
  if (flag.variants?.length) {
    lines.push('');
    lines.push(chalk.bold('variants (A/B split)'));
    for (const v of flag.variants) lines.push(`  ${chalk.cyan(v.key)} ${v.weight}%  → ${renderValue(v.value)}${v.name && v.name !== v.key ? `  (${v.name})` : ''}`);
  }
  if (flag.fallthrough) {
    lines.push('');
    lines.push(`${chalk.bold('fallthrough')}  ${renderFallthrough(flag.fallthrough)}`);
  }
  const envs = Object.entries(flag.environments ?? {});
  if (envs.length) {
    lines.push('');
    lines.push(chalk.bold('environments'));
    for (const [name, o] of envs) {
      const own = o.rules !== undefined || o.fallthrough !== undefined;
      const what = !o.enabled
        ? 'disabled (serves the default)'
        : o.value !== undefined
          ? `serves ${renderValue(o.value)}`
          : own
            ? 'enabled, with its own targeting:'
            : 'enabled (normal evaluation)';
      lines.push(`  ${name.padEnd(12)} ${what}`);
      // SPEC 6: what this environment evaluates instead of the flag's own rules/fallthrough.
      if (o.enabled && o.value === undefined && own) {
        if (o.rules !== undefined) {
          lines.push(o.rules.length ? '    rules (replace the flag\'s):' : '    rules: none (replace the flag\'s)');
          lines.push(...renderRules(o.rules, chalk, '    '));
        } else lines.push('    rules: the flag\'s');
        lines.push(`    fallthrough: ${o.fallthrough ? renderFallthrough(o.fallthrough) : flag.fallthrough ? `the flag's (${renderFallthrough(flag.fallthrough)})` : 'none'}`);
      }
    }
  }
  return lines.map(oneLine).join('\n');
}
