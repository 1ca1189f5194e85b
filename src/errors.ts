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

/**
 * Every code a FlagsError carries, with the exit status it gives and what it
 * means: a closed vocabulary (SPEC 3: 1 the command ran and found a problem,
 * 2 the command line is wrong). cli/main.ts turns errors into exit codes
 * through this table alone; the README lists it (test/errors.test.ts checks).
 */
export const FLAGS_ERROR_CODES = {
  USAGE: { exit: 2, meaning: 'an option or argument is missing, unknown or not valid for it' },
  INVALID_VALUE: { exit: 2, meaning: "a value typed on the command line does not fit the field or the flag's type" },
  UNKNOWN_FIELD: { exit: 2, meaning: '`flags set` names a field that does not exist' },
  INVALID_PATH: { exit: 2, meaning: 'a field path of `flags set` that cannot be written' },
  INVALID_KEY: { exit: 2, meaning: 'a flag key or experiment id that is not allowed (characters, length, a Windows device name)' },
  UNKNOWN_RULE: { exit: 2, meaning: 'a rule id the flag does not have' },
  UNKNOWN_VARIANT: { exit: 2, meaning: 'a variant key the flag does not have' },
  INVALID_ARMS: { exit: 2, meaning: 'the arms given to `experiment create` cannot be built' },
  UNKNOWN_ARM: { exit: 2, meaning: '`--variant` names no arm of the experiment' },
  UNKNOWN_METRIC: { exit: 2, meaning: '`--metric` names no metric of the experiment' },
  WEIGHTS_NOT_100: { exit: 2, meaning: '`flags weights`: the weights given do not add up to 100' },
  INVALID_CONDITION: { exit: 2, meaning: 'a `--when` condition that does not parse (the column is named)' },
  FLAGS_DIR_MISSING: { exit: 1, meaning: 'the flags directory does not exist (`flags init` creates one)' },
  FLAG_NOT_FOUND: { exit: 1, meaning: 'no flag with that key (with a "did you mean")' },
  FLAG_INVALID: { exit: 1, meaning: 'the flag has errors that block this command (`flags validate` lists them)' },
  FLAGS_INVALID: { exit: 1, meaning: 'some flag is invalid, so nothing is generated' },
  BUILD_INVALID: { exit: 1, meaning: '`flags build`: a flag or segment is invalid; no bundle is written' },
  FLAG_UNAVAILABLE: { exit: 1, meaning: 'the flag is defined twice or cannot be edited until its file is fixed' },
  FLAG_EXISTS: { exit: 1, meaning: '`create`: the key is taken' },
  FLAG_IN_USE: { exit: 1, meaning: '`delete`: an experiment that is not over uses the flag' },
  DUPLICATE_FLAG_KEY: { exit: 1, meaning: 'the key is defined in two places (also keys equal ignoring case)' },
  DUPLICATE_RULE_ID: { exit: 1, meaning: '`rule add`: the rule id is taken' },
  NO_VARIANTS: { exit: 1, meaning: 'the flag has no variants to weigh' },
  SEGMENT_NOT_FOUND: { exit: 1, meaning: 'no segment with that key' },
  SEGMENT_INVALID: { exit: 1, meaning: 'the segment has errors' },
  SEGMENT_CYCLE: { exit: 1, meaning: 'segments refer to each other in a cycle' },
  UNKNOWN_SEGMENT: { exit: 1, meaning: 'a condition names a segment that does not exist' },
  MISSING_ATTRIBUTE: { exit: 1, meaning: 'a condition without the attribute its operator needs' },
  INVALID_OPERATOR_VALUE: { exit: 1, meaning: "a condition's value has the wrong shape for its operator" },
  INVALID_REGEX: { exit: 1, meaning: 'a regex RE2 rejects or that is over the size bound' },
  INVALID_EDIT: { exit: 1, meaning: 'the change would make the flag invalid; nothing is written (the finding is named)' },
  NO_FALLTHROUGH: { exit: 1, meaning: '`rollout` without --rule on a flag with no fallthrough to roll out' },
  INVALID_SEMVER: { exit: 1, meaning: 'a semver condition value that is not a version' },
  FILE_EXISTS: { exit: 1, meaning: 'a file the command would create exists' },
  FILE_HAS_ERRORS: { exit: 1, meaning: 'the file does not parse, so it cannot be edited' },
  FILE_CHANGED: { exit: 1, meaning: 'the file changed while the edit ran; nothing was overwritten (run it again)' },
  EDIT_FAILED: { exit: 1, meaning: "the edit could not be applied to the file's text" },
  YAML_EDIT: { exit: 1, meaning: 'the YAML editor could not place the change' },
  UNSAFE_WRITE: { exit: 1, meaning: 'the write would go through a link or outside the flags directory' },
  WRITE_FAILED: { exit: 1, meaning: 'the file system refused the write (the original is intact)' },
  FILE_LOCKED: { exit: 1, meaning: 'another flags process is changing the file; try again' },
  LOCK_FAILED: { exit: 1, meaning: "another process holds the file's lock" },
  LOCK_LOST: { exit: 1, meaning: 'the lock was taken over while this edit ran; nothing was written' },
  INTERRUPTED: { exit: 1, meaning: 'the command was interrupted; nothing half-written is left' },
  CONFIG_INVALID: { exit: 1, meaning: '`flags.config.yaml` is invalid (at its line and column)' },
  CONFIG_UNREADABLE: { exit: 1, meaning: '`flags.config.yaml` cannot be read' },
  INIT_REFUSED: { exit: 1, meaning: '`flags init`: something it would create exists' },
  CONTEXT_INVALID: { exit: 1, meaning: 'a context (file, stdin or `--set`) is not a JSON object' },
  CONTEXT_UNREADABLE: { exit: 1, meaning: 'the `--context` file cannot be read' },
  CONTEXTS_UNREADABLE: { exit: 1, meaning: 'the `--contexts` file cannot be read' },
  CONTEXT_LINE_TOO_LONG: { exit: 1, meaning: 'a `--contexts` line over 16 MiB' },
  MALFORMED_JSON_LINE: { exit: 1, meaning: 'a `--contexts` line that is not JSON' },
  EXPERIMENT_NOT_FOUND: { exit: 1, meaning: 'no experiment with that id' },
  EXPERIMENT_INVALID: { exit: 1, meaning: 'the experiment definition is invalid' },
  EXPERIMENT_EXISTS: { exit: 1, meaning: '`experiment create`: the id is taken' },
  EXPERIMENT_NOT_RUNNING: { exit: 1, meaning: 'only running experiments accept events' },
  DUPLICATE_EXPERIMENT_ID: { exit: 1, meaning: 'the id is defined in two places' },
  ILLEGAL_TRANSITION: { exit: 1, meaning: 'that lifecycle step is not allowed from the current status (the allowed ones are named)' },
  INVALID_EVENT: { exit: 1, meaning: 'the event would not be a valid log line' },
  EVENT_LOG_DIR_MISSING: { exit: 1, meaning: "the event log's folder does not exist" },
  EVENT_LOG_MISSING: { exit: 1, meaning: 'no event log to read' },
  EVENT_LOG_NOT_FILE: { exit: 1, meaning: 'the event log is a FIFO, a device or a folder' },
  EVENT_LOG_READ: { exit: 1, meaning: 'the event log cannot be read' },
  EVENT_LOG_WRITE: { exit: 1, meaning: 'the event log cannot be written' },
  COUNTS_READ: { exit: 1, meaning: 'the `--counts` file cannot be read' },
  COUNTS_INVALID: { exit: 1, meaning: 'the `--counts` result does not match the experiment (the line is named)' },
  DUCKDB_MISSING: { exit: 1, meaning: '`--engine duckdb` without the optional `@duckdb/node-api` installed (the message says how to add it)' },
  DUCKDB_LOAD: { exit: 1, meaning: '`@duckdb/node-api` is installed but does not load on this platform' },
  DUCKDB_QUERY: { exit: 1, meaning: 'DuckDB could not run the query over the logs' },
  TESTS_NOT_FOUND: { exit: 1, meaning: '`flags test` found no spec files' },
  BUNDLE_LOAD: { exit: 1, meaning: '`flags serve --bundle`: the bundle cannot be loaded' },
  TOKEN_FILE: { exit: 1, meaning: '`flags serve --token-file` cannot be read or is empty' },
  LISTEN: { exit: 1, meaning: '`flags serve` cannot listen on the host and port' },
  GIT_NOT_FOUND: { exit: 1, meaning: 'git is not installed' },
  GIT_FAILED: { exit: 1, meaning: 'a git command failed' },
  NOT_A_GIT_REPOSITORY: { exit: 1, meaning: 'the command needs a git repository' },
  UNKNOWN_REVISION: { exit: 1, meaning: 'the git revision does not name one commit' },
} as const satisfies Record<string, { exit: 1 | 2; meaning: string }>;

export type FlagsErrorCode = keyof typeof FLAGS_ERROR_CODES;


/** An error the program cannot go on from; its code decides the exit status (FLAGS_ERROR_CODES). */
export class FlagsError extends Error {
  readonly code: FlagsErrorCode;
  readonly location?: SourceLocation;
  readonly exitCode: 1 | 2;
  constructor(code: FlagsErrorCode, message: string, opts: { location?: SourceLocation; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FlagsError';
    this.code = code;
    this.location = opts.location;
    this.exitCode = FLAGS_ERROR_CODES[code].exit;
  }
}

/** Exit code 2: the command line itself is wrong. */
export class UsageError extends FlagsError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}
