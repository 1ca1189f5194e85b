/**
 * What the flag edits take and give back (SPEC 3, "Every command that changes
 * a file"): the options every edit shares, each operation's result, and the
 * plain-data plan an operation hands to the shared edit cycle (edit-cycle.ts).
 * Types only: the library and the CLI import them from flag-edits.ts.
 */
import type { Diagnostic } from '../errors.js';
import type { Fallthrough, Flag, FlagType, JsonValue, Variant } from '../schema/flag.js';
import type { AtomicFs } from './atomic-write.js';

export interface EditOptions {
  /** ISO-8601 timestamp written to `updatedAt` (and `createdAt` on create). Default: now, to the second. */
  now?: string;
  /**
   * false: leave `updatedAt` and `createdAt` alone (flags.config.yaml
   * `timestamps: false`). Every edit stamping the same line is what makes two
   * branches that change different fields of one flag conflict. Default true.
   */
  timestamps?: boolean;
  /** How long to wait while another process holds the file's lock (default 6 s). */
  lockTimeoutMs?: number;
  /** How the flags directory is named in messages (default: its folder name). */
  displayDir?: string;
  /**
   * @internal The filesystem used for writing (tests inject failures here).
   * Typed with Node's fs, so it is left out of the published declarations.
   */
  fs?: AtomicFs;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface FlagEditResult {
  key: string;
  /** The file that holds the flag (the real file when it is reached through a link). */
  file: string;
  /** False when the flag already was in the requested state: nothing was written. */
  changed: boolean;
  /** The fields written, `updatedAt` included. */
  changes: FieldChange[];
  /** The flag as it is now, when it is valid (a kill may be written into an invalid flag). */
  flag?: Flag;
  /** The changed flag's validation findings after the edit (warnings; errors only for a safety edit of an invalid flag). */
  diagnostics: Diagnostic[];
  /** Errors elsewhere in the flags directory, found on the way; they never block an edit. */
  otherErrors: Diagnostic[];
}

/**
 * Whether the flag takes part in evaluation (in `env`, when given) and why,
 * in the evaluator's order (SPEC 2): kill switch, environment override, `enabled`.
 */
export interface EffectiveState {
  on: boolean;
  reason: 'ENABLED' | 'ENVIRONMENT_OVERRIDE' | 'KILL_SWITCH' | 'ENVIRONMENT_DISABLED' | 'DISABLED';
}

export interface ToggleResult extends FlagEditResult {
  action: 'toggle';
  env?: string;
  /** The value now in `enabled` (or `environments.<env>.enabled`). */
  enabled: boolean;
  effective: EffectiveState;
}

export interface KillResult extends FlagEditResult {
  action: 'kill';
  killSwitch: true;
  enabled: false;
}

export interface ReviveResult extends FlagEditResult {
  action: 'revive';
  killSwitch: false;
  enabled: boolean;
  effective: EffectiveState;
}

export interface SetFieldResult extends FlagEditResult {
  action: 'set';
  path: string;
  before: unknown;
  after: unknown;
}

export interface RolloutResult extends FlagEditResult {
  action: 'rollout';
  /** `fallthrough`, or the id of the rule. */
  target: { fallthrough: true } | { rule: string };
  before: number | undefined;
  percentage: number;
}

export interface CreateFlagSpec {
  key: string;
  type: FlagType;
  defaultValue: JsonValue;
  name?: string;
  description?: string;
  owner?: string;
  tags?: string[];
  /** An A/B split (an experiment's arms), written in block style after `rules`. */
  variants?: Variant[];
  /** `expiresAt` (a date, YYYY-MM-DD): validate warns EXPIRED from that day on. */
  expiresAt?: string;
  /** What contexts no rule matches get once the flag is on (`create --on-value/--rollout`), written after `rules`. */
  fallthrough?: Fallthrough;
}

export interface CreateResult {
  action: 'create';
  key: string;
  file: string;
  changed: true;
  flag: Flag;
  diagnostics: Diagnostic[];
  otherErrors: Diagnostic[];
}

// ---- plans ----

/** A flag as the file holds it: not validated. */
export type RawFlag = Record<string, unknown>;

/** One edit of one flag, as plain data: what to set and how to describe the outcome. */
export interface EditPlan<R> {
  sets: FlagFieldSet[];
  /**
   * The change only makes the flag safer (kill, turn off): it is written even
   * when the flag has other schema errors, as long as the file parses.
   */
  safety: boolean;
  /** The operation's own result fields, from the flag's data after the edit. */
  describe(after: Record<string, unknown>): R;
  /**
   * Edits of lists (SPEC 6 authoring: insert, remove or move a rule, a tag),
   * applied to the file's text before `sets`; `prefix` is the flag's path in
   * the document. rule-edits.ts builds these with yaml-seq-edit.ts.
   */
  textEdit?: (text: string, prefix: (string | number)[]) => string;
  /** What `textEdit` changes, for the result's `changes`. */
  textChanges?: FieldChange[];
}

/** A value to set, with a path relative to the flag's mapping. */
export interface FlagFieldSet {
  path: (string | number)[];
  value: JsonValue;
  after?: string[];
  before?: string[];
}
