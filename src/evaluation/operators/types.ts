/**
 * The shape every operator family shares: what it compiles to, how it reports
 * a value it cannot use, and the samples the blast radius builds contexts from.
 *
 * This folder is the one home of operator knowledge (STYLE "One home per
 * rule"): schema/ (value checks), evaluation/ (compiling) and review/ (blast
 * radius samples) import it, and it imports nothing from any of them, so no
 * two of them depend on each other through an operator (test/evaluation/
 * operator-registry.test.ts checks the imports).
 */
import type { ConditionOperator } from './names.js';

/**
 * A compiled test of one attribute value. Operators are compiled once per flag
 * load into these closures, so evaluation only runs them.
 *
 * A ValueTest is called with a present value (never undefined or null at the
 * top level; an array element may be anything) and must be total: it returns
 * false for any input outside its operator's domain, never throws.
 */
export type ValueTest = (actual: unknown) => boolean;

/** The scalar values equality operators compare against. */
export type Scalar = string | number | boolean;

export function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * How a condition applies its operator (evaluation/conditions.ts turns this
 * into the closure evaluation runs):
 * - `positive`: a present value passes the test (an array: any element does);
 * - `negated`: a present value in `domain` fails the test (an array: no
 *   element passes it);
 * - `exists` / `not_exists`: presence itself, the only kinds that see a
 *   missing attribute;
 * - `segments`: membership of the context in any of the segments `keys`
 *   (`negated`: in none), resolved against the evaluator's segment table.
 */
export type CompiledOperator =
  | { readonly kind: 'exists' | 'not_exists' }
  | { readonly kind: 'positive'; readonly test: ValueTest; readonly equals?: Scalar }
  | { readonly kind: 'negated'; readonly test: ValueTest; readonly domain: ValueTest | null }
  | { readonly kind: 'segments'; readonly keys: readonly string[]; readonly negated: boolean };

/** A condition value the evaluator cannot compile, as validation reports it. */
export interface ConditionValueProblem {
  code: 'INVALID_OPERATOR_VALUE' | 'INVALID_REGEX' | 'INVALID_SEMVER';
  message: string;
}

/** A value a sampled context may hold for an attribute (null: missing). The shape of a JSON value. */
export type SampleValue = string | number | boolean | null | SampleValue[] | { [key: string]: SampleValue };

/** What the blast radius samples for one condition's attribute (review/blast-radius.ts, review/rule-segments.ts). */
export interface SampleValues {
  /**
   * The values the condition names (`equals x`: x; `in [a, b]`: a and b; a
   * version and the next patch). The attribute-wide segments list these,
   * then add values outside them (see `scale`).
   */
  listed: SampleValue[];
  /**
   * Values around the condition, for the segments built per rule: ones that
   * satisfy it, ones just either side of its boundary, and ones that fail it
   * (null, missing, is added by the caller).
   */
  around: SampleValue[];
  /**
   * An ordered scale the condition compares on: the values outside the
   * listed ones are then picked below and above them (`number`), or below
   * every listed version (`version`).
   */
  scale?: 'number' | 'version';
  /** What sampling cannot cover for this operator, said once in the report. */
  note?: string;
}

/**
 * One operator family: everything the project knows about a group of
 * operators that share a value shape. `value` is a condition's `value` as
 * written (undefined: none).
 */
export interface OperatorFamily<Name extends ConditionOperator = ConditionOperator> {
  /** The operators of the family, as conditions spell them. */
  readonly names: readonly Name[];
  /**
   * What a condition with this operator tests: `attribute` (the condition
   * must name one), or something else it names in place of one (then the
   * condition must not name an attribute).
   */
  readonly subject: 'attribute' | 'segment membership';
  /** Why the value cannot be compiled, or null. Validation reports exactly these. */
  checkValue(operator: Name, value: unknown): ConditionValueProblem | null;
  /** Compiles a value checkValue accepts (registry.compileOperator checks first). */
  compile(operator: Name, value: unknown): CompiledOperator;
  /** Sample values for the blast radius; lenient: a value checkValue rejects gives fewer samples, never an error. */
  sampleValues(operator: Name, value: unknown): SampleValues;
}
