/**
 * The operators: one file per family (equality.ts, in-list.ts, string.ts,
 * numeric.ts, regex.ts, semver.ts, existence.ts, segment-membership.ts), each
 * exporting one descriptor (types.ts OperatorFamily), and registry.ts, which
 * lists them. Schema, evaluation and review import from here.
 */
export { FAMILIES, familyOf, conditionValueProblem, compileOperator, sampleValues } from './registry.js';
export { regexProblem } from './regex.js';
export { parseSemver } from './semver.js';
export { toComparableNumber } from './numeric.js';
export { isPresent } from './existence.js';
export { describeValue } from './problems.js';
export type { ValueTest, Scalar, CompiledOperator, ConditionValueProblem, OperatorFamily, SampleValue, SampleValues } from './types.js';
