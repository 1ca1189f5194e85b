/**
 * The one error base of the project and the Diagnostic value type.
 * Core modules return Diagnostics (values with places); code throws a FlagsError
 * only when it cannot go on. cli/main.ts alone turns errors into messages and
 * exit codes.
 */

export type Severity = 'error' | 'warning';

/** Every validation finding code, a closed vocabulary (documented in the README). */
export type DiagnosticCode =
  // files
  | 'YAML_SYNTAX'
  | 'DUPLICATE_MAPPING_KEY'
  | 'INVALID_FILE_FORM'
  | 'FILE_TOO_LARGE'
  | 'UNREADABLE_FILE'
  | 'SYMLINK_LOOP'
  | 'INVALID_UTF8'
  // schema
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'INVALID_TYPE'
  | 'INVALID_VALUE'
  | 'INVALID_KEY'
  // cross-field
  | 'VALUE_TYPE_MISMATCH'
  | 'DUPLICATE_FLAG_KEY'
  | 'DUPLICATE_RULE_ID'
  | 'DUPLICATE_VARIANT_KEY'
  | 'WEIGHTS_NOT_100'
  | 'INVALID_PERCENTAGE'
  | 'INVALID_OPERATOR_VALUE'
  | 'INVALID_REGEX'
  | 'INVALID_SEMVER'
  // experiments
  | 'EXPERIMENT_FLAG_MISSING'
  | 'EXPERIMENT_VARIANT_MISMATCH'
  | 'EXPERIMENT_WEIGHT_MISMATCH'
  | 'DUPLICATE_EXPERIMENT_ID'
  // warnings
  | 'FILE_NAME_MISMATCH'
  | 'ENABLED_WITH_KILL_SWITCH'
  | 'UNREACHABLE_RULE'
  | 'INEFFECTIVE_OVERRIDE'
  | 'NO_EFFECT'
  | 'EXPERIMENT_STATUS_MISMATCH'
  // project settings (SPEC 5)
  | 'UNKNOWN_ENVIRONMENT'
  // ---- segments and per-environment targeting (SPEC 6) ----
  | 'MISSING_ATTRIBUTE'
  | 'UNEXPECTED_ATTRIBUTE'
  | 'UNKNOWN_SEGMENT'
  | 'INVALID_SEGMENT_REFERENCE'
  | 'SEGMENT_CYCLE'
  | 'DUPLICATE_SEGMENT_KEY'
  | 'UNUSED_SEGMENT'
  | 'INVALID_BUCKET_BY'
  // hygiene (issue 20)
  | 'EXPIRED'
  // ---- experiments, second round (SPEC 8) ----
  | 'WEIGHTS_ROUNDED';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Path of the file as given to the reader (the CLI makes it relative to cwd). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  flagKey?: string;
  /** Dotted path of the offending node inside the flag (`rules.0.conditions.1.value`). */
  path?: string;
}

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** Exit code 1: the command ran and found a problem. */
export class FlagsError extends Error {
  readonly code: string;
  readonly location?: SourceLocation;
  readonly exitCode: 1 | 2;
  constructor(code: string, message: string, opts: { location?: SourceLocation; cause?: unknown; exitCode?: 1 | 2 } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FlagsError';
    this.code = code;
    this.location = opts.location;
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** Exit code 2: the command line itself is wrong. */
export class UsageError extends FlagsError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: 2 });
    this.name = 'UsageError';
  }
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}
