/** The public library API of `flags`. */
export * from './schema/flag.js';
export type { Diagnostic, DiagnosticCode, Severity } from './errors.js';
export { FlagsError } from './errors.js';
export { readFlagSet as loadFlagSet, resolveFlagsDir } from './store/flag-repo.js';
export type { FlagSet } from './store/flag-repo.js';
