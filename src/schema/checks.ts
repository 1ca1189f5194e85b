/**
 * Cross-field checks zod cannot express (SPEC 1.3), as a named list of small
 * pure functions over one schema-valid flag. Each reports a path inside the
 * flag; validate.ts turns paths into file:line:col.
 */
import { describeValue, familyOf } from '../evaluation/operators/index.js';
import type { DiagnosticCode, Severity } from '../errors.js';
import type { Condition, Fallthrough, Flag, FlagType, Rule } from './flag.js';
import type { Anchor, PathSegment } from './locate.js';

export interface Finding {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Where the problem is inside the flag (`rules.0.conditions.1.value`). */
  path: PathSegment[];
  /** Which node of the path to point at: the value (default), its key, or the mapping holding it. */
  anchor?: Anchor;
}

export type FlagCheck = (flag: Flag) => Finding[];

/**
 * The rules and fallthrough that apply somewhere: the flag's own, and each
 * environment's that has its own (SPEC 6), with the path they live at, so
 * every check of rules runs on all of them alike.
 */
export interface Targeting {
  /** `[]` for the flag's own, `['environments', E]` for an environment's. */
  base: PathSegment[];
  /** "" or ` in environment "E"`, appended to messages. */
  where: string;
  rules?: Rule[];
  fallthrough?: Fallthrough;
}

export function targetingsOf(flag: Flag): Targeting[] {
  const out: Targeting[] = [{ base: [], where: '', rules: flag.rules, fallthrough: flag.fallthrough }];
  for (const [env, o] of Object.entries(flag.environments ?? {})) {
    if (o.rules !== undefined || o.fallthrough !== undefined) {
      out.push({ base: ['environments', env], where: ` in environment "${env}"`, rules: o.rules, fallthrough: o.fallthrough });
    }
  }
  return out;
}

/** Every condition of a list with its path, for checks of conditions in rules and in segments alike. */
export function conditionFindings(conditions: readonly Condition[], base: PathSegment[]): Finding[] {
  const out: Finding[] = [];
  conditions.forEach((c, j) => {
    const at = [...base, j];
    const family = familyOf(c.operator);
    if (family.subject !== 'attribute' && c.attribute !== undefined) {
      out.push({ code: 'UNEXPECTED_ATTRIBUTE', severity: 'error', message: `${c.operator} takes no attribute (it tests ${family.subject}); remove "attribute"`, path: [...at, 'attribute'] });
    }
    if (family.subject === 'attribute' && c.attribute === undefined) {
      out.push({ code: 'MISSING_ATTRIBUTE', severity: 'error', message: `missing required field "attribute" (${c.operator} tests an attribute of the context)`, path: at, anchor: 'parent' });
    }
    // One source of truth with the evaluator: a value it could not compile is exactly a finding here.
    const problem = family.checkValue(c.operator, c.value);
    if (problem) out.push({ ...problem, severity: 'error', path: [...at, c.value !== undefined ? 'value' : 'operator'] });
  });
  return out;
}

const WEIGHT_TOLERANCE = 1e-9;

// Re-exported for the schema's other "got …" messages (validate.ts): one wording for a value everywhere.
export { describeValue };

export function valueMatchesType(type: FlagType, value: unknown): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'json':
      return value !== undefined;
  }
}

/**
 * Bucketing resolves 0.01% (SPEC 2), so a third decimal would be silently
 * rounded away. The tolerance only absorbs binary floating point (0.29 * 100
 * is 28.999999999999996); 1e-9 is far below any third decimal.
 */
export function hasAtMostTwoDecimals(p: number): boolean {
  return Math.abs(p * 100 - Math.round(p * 100)) < 1e-9;
}

/** Every value a flag can return must be of its type. */
export const checkValueTypes: FlagCheck = (flag) => {
  const out: Finding[] = [];
  const check = (value: unknown, path: PathSegment[], what: string) => {
    if (value !== undefined && !valueMatchesType(flag.type, value)) {
      out.push({
        code: 'VALUE_TYPE_MISMATCH',
        severity: 'error',
        message: `${what} is ${describeValue(value)}, but the flag's type is ${flag.type}`,
        path,
      });
    }
  };
  check(flag.defaultValue, ['defaultValue'], 'defaultValue');
  for (const t of targetingsOf(flag)) {
    t.rules?.forEach((r, i) => check(r.value, [...t.base, 'rules', i, 'value'], `the value of rule "${r.id}"${t.where}`));
    if (t.fallthrough) check(t.fallthrough.value, [...t.base, 'fallthrough', 'value'], `the fallthrough value${t.where}`);
  }
  flag.variants?.forEach((v, i) => check(v.value, ['variants', i, 'value'], `the value of variant "${v.key}"`));
  for (const [env, o] of Object.entries(flag.environments ?? {})) check(o.value, ['environments', env, 'value'], `the value for environment "${env}"`);
  return out;
};

export const checkDuplicateIds: FlagCheck = (flag) => {
  const out: Finding[] = [];
  const seen = (items: { id?: string; key?: string }[], field: 'id' | 'key', list: string, code: DiagnosticCode, base: PathSegment[] = [], where = '') => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const id = item[field] as string;
      const j = first.get(id);
      if (j === undefined) first.set(id, i);
      else out.push({ code, severity: 'error', message: `${list} ${field} "${id}" is used twice${where} (also at ${list} ${j + 1})`, path: [...base, list === 'rule' ? 'rules' : 'variants', i, field] });
    });
  };
  for (const t of targetingsOf(flag)) if (t.rules) seen(t.rules, 'id', 'rule', 'DUPLICATE_RULE_ID', t.base, t.where);
  seen(flag.variants ?? [], 'key', 'variant', 'DUPLICATE_VARIANT_KEY');
  return out;
};

export const checkWeights: FlagCheck = (flag) => {
  if (!flag.variants) return [];
  const sum = flag.variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(sum - 100) <= WEIGHT_TOLERANCE) return [];
  return [{ code: 'WEIGHTS_NOT_100', severity: 'error', message: `variant weights sum to ${+sum.toFixed(6)}, not 100`, path: ['variants'], anchor: 'key' }];
};

/** Percentages and weights have at most two decimals (bucketing resolves 0.01%). Range is zod's. */
export const checkPercentagePrecision: FlagCheck = (flag) => {
  const out: Finding[] = [];
  const check = (p: number | undefined, path: PathSegment[]) => {
    if (p !== undefined && !hasAtMostTwoDecimals(p)) {
      out.push({ code: 'INVALID_PERCENTAGE', severity: 'error', message: `${p} has more than two decimals (rollouts resolve 0.01%)`, path });
    }
  };
  for (const t of targetingsOf(flag)) {
    t.rules?.forEach((r, i) => check(r.percentage, [...t.base, 'rules', i, 'percentage']));
    check(t.fallthrough?.percentage, [...t.base, 'fallthrough', 'percentage']);
  }
  flag.variants?.forEach((v, i) => check(v.weight, ['variants', i, 'weight']));
  return out;
};

export const checkOperatorValues: FlagCheck = (flag) => {
  const out: Finding[] = [];
  for (const t of targetingsOf(flag)) {
    t.rules?.forEach((rule, i) => out.push(...conditionFindings(rule.conditions, [...t.base, 'rules', i, 'conditions'])));
  }
  return out;
};

/** `bucketBy` is an attribute path like a condition's: dot-separated names, none empty or reaching object machinery. */
export const checkBucketBy: FlagCheck = (flag) => {
  const b = flag.bucketBy;
  if (b === undefined) return [];
  const bad = b.split('.').find((s) => s === '' || s === '__proto__' || s === 'constructor' || s === 'prototype');
  if (bad === undefined) return [];
  return [{ code: 'INVALID_BUCKET_BY', severity: 'error', message: `bucketBy ${JSON.stringify(b)} is not an attribute path (dot-separated names such as device.id or tenant.id)`, path: ['bucketBy'] }];
};

export const checkKillSwitchEnabled: FlagCheck = (flag) =>
  flag.killSwitch && flag.enabled
    ? [{ code: 'ENABLED_WITH_KILL_SWITCH', severity: 'warning', message: 'flag is enabled but its kill switch is on: it always serves defaultValue', path: ['killSwitch'] }]
    : [];

/**
 * A rule after a rule that matches everyone never runs. "Everyone": no
 * conditions and no percentage (SPEC 1.3), or a percentage of 100, which puts
 * every context in the rollout (h % 100 < 100 always holds).
 */
export const checkUnreachableRules: FlagCheck = (flag) =>
  targetingsOf(flag).flatMap((t) => {
    const rules = t.rules ?? [];
    // With bucketBy, a percentage of 100 still leaves out contexts without the attribute.
    const everyone = (r: Rule) => r.conditions.length === 0 && (r.percentage === undefined || (r.percentage === 100 && flag.bucketBy === undefined));
    const catchAll = rules.findIndex(everyone);
    if (catchAll < 0) return [];
    return rules.slice(catchAll + 1).map((r, k) => ({
      code: 'UNREACHABLE_RULE' as const,
      severity: 'warning' as const,
      message: `rule "${r.id}"${t.where} can never match: rule "${rules[catchAll].id}" before it matches every context`,
      path: [...t.base, 'rules', catchAll + 1 + k, 'id'],
    }));
  });

/** The override is checked before `enabled`, so `enabled: true` without a value falls through to DISABLED. */
export const checkIneffectiveOverrides: FlagCheck = (flag) => {
  if (flag.enabled) return [];
  return Object.entries(flag.environments ?? {})
    .filter(([, o]) => o.enabled && o.value === undefined)
    .map(([env]) => ({
      code: 'INEFFECTIVE_OVERRIDE' as const,
      severity: 'warning' as const,
      message: `environment "${env}" is enabled but the flag is disabled globally and the override has no value, so it has no effect`,
      path: ['environments', env, 'enabled'],
    }));
};

/**
 * The share of the 100 buckets each variant really gets (SPEC 2): bucket
 * b = 0…99 goes to the first variant whose running weight sum exceeds b. With
 * whole weights that is the configured split; 33.34/33.33/33.33 gives 34/33/33.
 */
export function servedSplit(variants: readonly { key: string; weight: number }[]): Map<string, number> {
  const buckets = new Map<string, number>();
  for (let b = 0; b < 100; b++) {
    let cumulative = 0;
    let chosen = variants[0]?.key;
    for (const v of variants) {
      cumulative += v.weight;
      if (b < cumulative) {
        chosen = v.key;
        break;
      }
    }
    if (chosen !== undefined) buckets.set(chosen, (buckets.get(chosen) ?? 0) + 1);
  }
  return buckets;
}

/** Decimal variant weights the 100-bucket split cannot honour: say which split users really get (issue 12). */
export const checkWeightsRounded: FlagCheck = (flag) => {
  const variants = flag.variants;
  if (!variants || variants.every((v) => Number.isInteger(v.weight))) return [];
  // Weights that do not sum to 100 or have three decimals are errors already; one finding is enough.
  const sum = variants.reduce((s, v) => s + v.weight, 0);
  if (Math.abs(sum - 100) > WEIGHT_TOLERANCE || !variants.every((v) => hasAtMostTwoDecimals(v.weight))) return [];
  const served = servedSplit(variants);
  if (variants.every((v) => (served.get(v.key) ?? 0) === v.weight)) return [];
  const split = variants.map((v) => `${v.key} ${served.get(v.key) ?? 0}%`).join(', ');
  return [
    {
      code: 'WEIGHTS_ROUNDED',
      severity: 'warning',
      message: `variant weights ${variants.map((v) => v.weight).join('/')} cannot be served by the 100-bucket split: users really get ${split}; write whole percentages`,
      path: ['variants'],
      anchor: 'key',
    },
  ];
};

export const FLAG_CHECKS: readonly FlagCheck[] = [
  checkValueTypes,
  checkDuplicateIds,
  checkWeights,
  checkPercentagePrecision,
  checkOperatorValues,
  checkBucketBy,
  checkKillSwitchEnabled,
  checkUnreachableRules,
  checkIneffectiveOverrides,
  checkWeightsRounded,
];
