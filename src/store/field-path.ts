/**
 * The field-path grammar of `flags set KEY PATH VALUE` (SPEC 3): which fields
 * can be set, how a path names one (`rules.<ruleId>.percentage`), and what
 * kind of value it takes (read by flag-values.ts). Pure: a path is resolved
 * against the flag's data as the file holds it.
 */
import { FlagsError } from '../errors.js';
import { didYouMean } from '../schema/suggest.js';
import { FORBIDDEN_KEYS, isPlainObject } from '../objects.js';
import type { RawFlag } from './edit-results.js';
import type { FieldKind } from './flag-values.js';

export interface ResolvedField {
  /** Path inside the flag (rules and variants by index). */
  path: (string | number)[];
  /** As the user wrote it. */
  display: string;
  kind: FieldKind;
  before?: string[];
}

const TOP_FIELDS: Record<string, FieldKind> = {
  enabled: 'boolean',
  killSwitch: 'boolean',
  defaultValue: 'value',
  name: 'string',
  description: 'string',
  owner: 'string',
  type: 'type',
};
const RULE_FIELDS: Record<string, FieldKind> = { percentage: 'percentage', value: 'value', description: 'string' };
const FALLTHROUGH_FIELDS: Record<string, FieldKind> = { percentage: 'percentage', value: 'value' };
const VARIANT_FIELDS: Record<string, FieldKind> = { weight: 'percentage', value: 'value', name: 'string' };
const ENV_FIELDS: Record<string, FieldKind> = { enabled: 'boolean', value: 'value' };

export const SETTABLE_FIELDS = [
  ...Object.keys(TOP_FIELDS),
  'fallthrough.percentage',
  'fallthrough.value',
  'rules.<ruleId>.percentage|value|description',
  'variants.<variantKey>.weight|value|name',
  'environments.<env>.enabled|value',
] as const;

/** A path segment or environment name that cannot be written: empty, or one that would reach into object machinery. */
export function checkSegment(seg: string, what: string): void {
  if (FORBIDDEN_KEYS.has(seg)) throw new FlagsError('INVALID_PATH', `"${seg}" is not allowed as ${what}`);
  if (seg === '') throw new FlagsError('INVALID_PATH', `${what} must not be empty`);
}

/**
 * `rules.beta-testers.percentage` → `['rules', 0, 'percentage']`. The first
 * segment picks the structure and the last the field, so ids and environment
 * names may themselves contain dots.
 */
export function resolveFieldPath(raw: RawFlag, fieldPath: string): ResolvedField {
  const segs = fieldPath.split('.');
  for (const s of segs) checkSegment(s, 'a path segment');
  const [head] = segs;
  const unknown = (extra = '') =>
    new FlagsError(
      'UNKNOWN_FIELD',
      `cannot set "${fieldPath}"${extra}; settable fields: ${SETTABLE_FIELDS.join(', ')}`,
    );
  const fieldOf = (table: Record<string, FieldKind>, name: string, what: string): FieldKind => {
    if (!Object.hasOwn(table, name)) {
      throw new FlagsError('UNKNOWN_FIELD', `"${name}" is not a settable ${what} field${didYouMean(name, Object.keys(table))}; settable: ${Object.keys(table).join(', ')}`);
    }
    return table[name];
  };

  if (segs.length === 1) {
    if (Object.hasOwn(TOP_FIELDS, head)) return { path: [head], display: head, kind: TOP_FIELDS[head] };
    if (head === 'key') throw new FlagsError('UNKNOWN_FIELD', 'the key of a flag cannot be changed with set (it is how code refers to the flag)');
    if (head === 'updatedAt' || head === 'createdAt') throw new FlagsError('UNKNOWN_FIELD', `"${head}" is maintained by flags itself`);
    if (['rules', 'fallthrough', 'variants', 'environments', 'tags'].includes(head)) throw unknown(` ("${head}" is not a single value)`);
    throw unknown(didYouMean(head, [...Object.keys(TOP_FIELDS), 'fallthrough', 'rules', 'variants', 'environments']));
  }
  const last = segs[segs.length - 1];
  const middle = segs.slice(1, -1).join('.');
  switch (head) {
    case 'fallthrough': {
      if (segs.length !== 2) throw unknown();
      return { path: ['fallthrough', last], display: fieldPath, kind: fieldOf(FALLTHROUGH_FIELDS, last, 'fallthrough'), before: last === 'value' ? ['tags', 'owner'] : ['value'] };
    }
    case 'rules': {
      if (segs.length < 3) throw unknown(' (rules are addressed by id: rules.<ruleId>.<field>)');
      const kind = fieldOf(RULE_FIELDS, last, 'rule');
      const ids = ruleIds(raw);
      const index = Array.isArray(raw.rules) ? raw.rules.findIndex((r) => isPlainObject(r) && r.id === middle) : -1;
      if (index < 0) {
        throw new FlagsError('UNKNOWN_RULE', `flag "${String(raw.key)}" has no rule "${middle}"${didYouMean(middle, ids)}; ${ids.length ? `its rules: ${ids.join(', ')}` : 'it has no rules'}`);
      }
      return { path: ['rules', index, last], display: fieldPath, kind, before: ['value'] };
    }
    case 'variants': {
      if (segs.length < 3) throw unknown(' (variants are addressed by key: variants.<variantKey>.<field>)');
      const kind = fieldOf(VARIANT_FIELDS, last, 'variant');
      const keys = Array.isArray(raw.variants) ? raw.variants.filter(isPlainObject).map((v) => String(v.key)) : [];
      const index = Array.isArray(raw.variants) ? raw.variants.findIndex((v) => isPlainObject(v) && v.key === middle) : -1;
      if (index < 0) {
        throw new FlagsError('UNKNOWN_VARIANT', `flag "${String(raw.key)}" has no variant "${middle}"${didYouMean(middle, keys)}; ${keys.length ? `its variants: ${keys.join(', ')}` : 'it has no variants'}`);
      }
      return { path: ['variants', index, last], display: fieldPath, kind };
    }
    case 'environments': {
      if (segs.length < 3) throw unknown(' (environments.<env>.enabled|value)');
      return { path: ['environments', middle, last], display: fieldPath, kind: fieldOf(ENV_FIELDS, last, 'environment'), before: ['createdAt', 'updatedAt'] };
    }
    default:
      throw unknown(didYouMean(head, ['fallthrough', 'rules', 'variants', 'environments']));
  }
}

/** The ids of a flag's rules, in order, for messages. */
export function ruleIds(raw: RawFlag): string[] {
  return Array.isArray(raw.rules) ? raw.rules.filter(isPlainObject).map((r) => String(r.id)) : [];
}
