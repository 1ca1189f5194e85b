/**
 * Pure validation of the flags directory (SPEC 1.3), the entry the rest of
 * the code imports. Each job has its own module:
 * - validate-entry.ts: one flag: zod for the shape, the named checks (checks.ts), expiry, no-effect;
 * - salvage.ts: the checks on a flag the schema rejected, run on a repaired copy;
 * - validate-set.ts: the whole directory: duplicate keys, case collisions, file names, what is served;
 * - zod-findings.ts: zod issues → findings a person can act on; flag-shape.ts: the flag's objects by path;
 * - diagnostics.ts: findings → located Diagnostics, duplicates, file-name warnings, the sort order.
 * Experiments and segments are validated in experiment-checks.ts and segment-checks.ts.
 */
export { compareDiagnostics, diagnosticsOf, duplicateDiagnostics } from './diagnostics.js';
export { flagShapeAt } from './flag-shape.js';
export { salvageFlag, type SalvagedFlag } from './salvage.js';
export { runFlagChecks, validateFlagEntry, type EntryValidation, type ValidateEntryOptions } from './validate-entry.js';
export { FlagSetValidator, validateFlagFiles, type EntryCheck, type FlagIndex, type FlagPlace, type FlagSet } from './validate-set.js';
export { findingsOfIssues, type ObjectShapeAt } from './zod-findings.js';
