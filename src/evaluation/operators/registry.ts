/**
 * The operator registry: every operator family, and the three questions the
 * rest of the project asks about an operator, answered by its family.
 * Adding an operator: its family file, one line in FAMILIES, its name in
 * names.ts (docs/contributing.md).
 */
import { FlagsError } from '../../errors.js';
import { equality } from './equality.js';
import { existence } from './existence.js';
import { inList } from './in-list.js';
import type { ConditionOperator } from './names.js';
import { numeric } from './numeric.js';
import { regex } from './regex.js';
import { segmentMembership } from './segment-membership.js';
import { semver } from './semver.js';
import { substring } from './string.js';
import type { CompiledOperator, ConditionValueProblem, OperatorFamily, SampleValues } from './types.js';

/** One line per family. */
export const FAMILIES = [equality, substring, inList, numeric, regex, semver, existence, segmentMembership] as const;

// Every operator names.ts lists has a family, or this line does not compile and the error names the ones
// without ("Type '{}' is missing the following properties …: starts_with, not_starts_with").
const everyOperatorHasAFamily: Record<Exclude<ConditionOperator, (typeof FAMILIES)[number]['names'][number]>, never> = {};
void everyOperatorHasAFamily;

const BY_NAME = new Map<string, OperatorFamily>();
for (const family of FAMILIES as readonly OperatorFamily[]) for (const name of family.names) BY_NAME.set(name, family);

/** The family of an operator. */
export function familyOf(operator: ConditionOperator): OperatorFamily {
  const family = BY_NAME.get(operator);
  // Only a flag that skipped validation (the schema's enum) names an operator no family knows.
  if (family === undefined) throw new FlagsError('FLAG_INVALID', `unknown operator ${JSON.stringify(operator)}`);
  return family;
}

/**
 * Why the value of a condition with this operator cannot be compiled, or null.
 * Shapes (SPEC 1.2, 6): equals/not_equals a string, number or boolean;
 * contains/not_contains a string; in/not_in a list of those; gt/lt/gte/lte a
 * finite number; regex an RE2 pattern; semver_* a version (partials allowed);
 * exists/not_exists no value; in_segment/not_in_segment a non-empty list of
 * segment keys.
 */
export function conditionValueProblem(operator: ConditionOperator, value: unknown): ConditionValueProblem | null {
  return familyOf(operator).checkValue(operator, value);
}

/**
 * Compiles an operator with its rule value. Throws a FlagsError carrying the
 * ConditionValueProblem code when the value has the wrong shape: validation
 * rejects such flags first, so evaluation never meets one.
 */
export function compileOperator(operator: ConditionOperator, value: unknown): CompiledOperator {
  const family = familyOf(operator);
  const problem = family.checkValue(operator, value);
  if (problem !== null) throw new FlagsError(problem.code, problem.message);
  return family.compile(operator, value);
}

/** What the blast radius samples for a condition (see SampleValues). */
export function sampleValues(operator: ConditionOperator, value: unknown): SampleValues {
  return familyOf(operator).sampleValues(operator, value);
}
