/**
 * The experiment-changing operations (SPEC 4.1): create an experiment with its
 * flag, and apply a lifecycle action (start, pause, resume, complete, cancel).
 *
 * Each touches two files, the definition `flags/experiments/<id>.yaml` and the
 * flag it drives, with the same guarantees as the flag edits (SPEC 3): locked,
 * re-read under the lock, byte-exact edits, validated, written atomically.
 * Two files cannot be written in one atomic step, so the order is chosen for
 * what a crash or a refusal leaves behind:
 * - create writes the flag first and removes it again when the definition
 *   cannot be written, so a failed create leaves nothing;
 * - a transition switches the flag first (a refused flag edit then changes
 *   nothing), the definition second. A crash between the two leaves the old
 *   status, so the same action is still legal and simply runs again; and an
 *   action whose target status the definition already has (the other way
 *   round: someone toggled the flag, or an older version wrote the definition
 *   first) brings the flag in line instead of being refused. `validate` warns
 *   about either half-done state.
 */
import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { FlagsError, type Diagnostic } from '../errors.js';
import { armsFromVariants, computeArmWeights, flagEnabledFor, transition, type ArmSpec, type LifecycleAction } from '../experiments/lifecycle.js';
import { validateExperimentFile } from '../schema/experiment-checks.js';
import { EXPERIMENT_STATUSES, ExperimentSchema, type Experiment, type ExperimentStatus } from '../schema/experiment.js';
import { KEY_PATTERN, type Flag } from '../schema/flag.js';
import { parseExperimentFile } from '../schema/parse-file.js';
import { didYouMean } from '../schema/suggest.js';
import { resolveWriteTarget, writeFileAtomic } from './atomic-write.js';
import { experimentFile, experimentsDir, readExperiments } from './experiment-repo.js';
import { createFlag } from './create-flag.js';
import { displayOf, editFileText, timestamp } from './edit-cycle.js';
import type { EditOptions, FieldChange, ToggleResult } from './edit-results.js';
import { setEnabled } from './flag-edits.js';
import { readEditableText, readFlagSet } from './flag-repo.js';
import { reservedNameProblem } from '../schema/portable.js';
import { withFileLock } from './lock.js';
import { editYaml, renderInline, type YamlSet } from './yaml-edit.js';

// ---- create ----

export interface CreateExperimentSpec {
  id: string;
  name: string;
  description?: string;
  /** The flag to create, or an existing flag with variants whose keys become the arms (SPEC 8). */
  flagKey: string;
  /** Required for a new flag; for an existing one, which variant is the control (default: the first). */
  control?: { key: string; name?: string };
  /** Treatments without a weight share what the given weights leave evenly with the control (SPEC 4.1); for an existing flag, optional. */
  treatments?: ArmSpec[];
  primaryMetric: string;
  secondaryMetrics?: string[];
  /** Owner of the new flag (default: empty). */
  owner?: string;
}

export interface CreateExperimentResult {
  action: 'create';
  id: string;
  file: string;
  flagKey: string;
  flagFile: string;
  experiment: Experiment;
  flag: Flag;
  /** True when the experiment uses a flag that already existed (left unchanged). */
  existingFlag: boolean;
  changed: true;
  /** Errors elsewhere in the flags directory, found on the way; they never block the change. */
  otherErrors: Diagnostic[];
}

/** Tag of the flags `experiment create` makes, so `flags list --tag experiment` finds them. */
export const EXPERIMENT_FLAG_TAG = 'experiment';

/**
 * Writes `flags/experiments/<id>.yaml` (status draft) and the flag
 * `<flagKey>.yaml`: type string, disabled, one variant per arm whose value is
 * the arm's key, the control's key as default value. Refuses an unsafe or
 * existing id, an existing flag, and arms or weights that do not make a valid
 * experiment; nothing is written then.
 */
export async function createExperiment(dir: string, spec: CreateExperimentSpec, opts: EditOptions = {}): Promise<CreateExperimentResult> {
  const shown = displayOf(dir, opts.displayDir);
  checkKey(spec.id, 'experiment id');
  checkKey(spec.flagKey, 'flag key');
  for (const arm of [...(spec.control ? [spec.control] : []), ...(spec.treatments ?? [])]) checkKey(arm.key, 'arm key');
  if (spec.primaryMetric.trim() === '') throw new FlagsError('INVALID_VALUE', 'the primary metric must not be empty');
  const metrics = [spec.primaryMetric, ...(spec.secondaryMetrics ?? [])];
  const repeated = metrics.find((m, i) => metrics.indexOf(m) !== i);
  if (repeated !== undefined) throw new FlagsError('INVALID_VALUE', `metric "${repeated}" is given twice`);

  const flagSet = await readFlagSet(dir);
  const existingFlag = flagSet.flags.get(spec.flagKey);
  if (!existingFlag && flagSet.entries.has(spec.flagKey)) {
    throw new FlagsError('FLAG_INVALID', `flag "${spec.flagKey}" has errors; fix them (\`flags validate\`) before using it in an experiment`);
  }
  if (!existingFlag && !spec.control) {
    throw new FlagsError('INVALID_ARMS', `flag "${spec.flagKey}" does not exist: give --control (and --treatment) to create it, or name an existing flag with variants`);
  }
  const arms = existingFlag
    ? armsFromVariants(spec.flagKey, existingFlag.variants ?? [], { control: spec.control, treatments: spec.treatments })
    : computeArmWeights(spec.control!, spec.treatments ?? []);
  if (!arms.ok) throw new FlagsError('INVALID_ARMS', arms.message);
  const experiment: Experiment = {
    id: spec.id,
    name: spec.name,
    description: spec.description ?? '',
    flagKey: spec.flagKey,
    control: { key: arms.control.key, name: arms.control.name },
    treatment: arms.treatments.map((t) => ({ key: t.key, name: t.name, weight: t.weight })),
    primaryMetric: spec.primaryMetric,
    ...(spec.secondaryMetrics?.length ? { secondaryMetrics: spec.secondaryMetrics } : {}),
    status: 'draft',
  };
  const checked = ExperimentSchema.safeParse(experiment);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new FlagsError('EXPERIMENT_INVALID', `invalid experiment: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  const text = renderNewExperiment(experiment);

  const file = experimentFile(dir, spec.id);
  const files = await readExperiments(dir);
  const existing = files.filter((f) => f.id === spec.id || sameName(f.file, spec.id));
  if (existing.length > 0) {
    throw new FlagsError('EXPERIMENT_EXISTS', `experiment "${spec.id}" already exists (${existing.map((f) => shown(f.file)).join(', ')})`);
  }
  const user = files.find((f) => (f.raw as { flagKey?: unknown } | undefined)?.flagKey === spec.flagKey);
  if (user) {
    throw new FlagsError('FLAG_IN_USE', `flag "${spec.flagKey}" is already the flag of experiment "${user.id ?? '?'}" (${shown(user.file)}); an experiment needs a flag of its own`);
  }

  if (existingFlag) {
    // The flag stays as it is: its variants are the arms and its weights the split users already get.
    mkdirSync(experimentsDir(dir), { recursive: true });
    try {
      await writeFileAtomic(file, text, { root: dir, exclusive: true, displayName: shown(file), fs: opts.fs });
    } catch (e) {
      if (e instanceof FlagsError && e.code === 'FILE_EXISTS') {
        throw new FlagsError('EXPERIMENT_EXISTS', `experiment "${spec.id}" already exists (${shown(file)})`, { cause: e });
      }
      throw e;
    }
    const entry = flagSet.entries.get(spec.flagKey)?.[0];
    return {
      action: 'create', id: spec.id, file, flagKey: spec.flagKey, flagFile: entry?.file ?? '', experiment, flag: existingFlag,
      existingFlag: true, changed: true, otherErrors: flagSet.diagnostics.filter((d) => d.severity === 'error'),
    };
  }
  const created = await createFlag(
    dir,
    {
      key: spec.flagKey,
      type: 'string',
      defaultValue: experiment.control.key,
      name: spec.name,
      description: spec.description,
      owner: spec.owner,
      tags: [EXPERIMENT_FLAG_TAG],
      variants: [
        { key: arms.control.key, name: arms.control.name, value: arms.control.key, weight: arms.control.weight },
        ...arms.treatments.map((t) => ({ key: t.key, name: t.name, value: t.key, weight: t.weight })),
      ],
    },
    opts,
  );
  // Bytes: "untouched" is exact (two different bad bytes both decode to U+FFFD).
  const flagBytes = readFileSync(created.file);
  try {
    mkdirSync(experimentsDir(dir), { recursive: true });
    await writeFileAtomic(file, text, { root: dir, exclusive: true, displayName: shown(file), fs: opts.fs });
  } catch (e) {
    // Leave nothing behind: a flag without its experiment would make the next
    // `experiment create` fail with "flag exists". Only our own, untouched file is removed.
    try {
      if (readFileSync(created.file).equals(flagBytes)) unlinkSync(created.file);
    } catch {
      // already gone or unreadable: nothing more to undo
    }
    if (e instanceof FlagsError && e.code === 'FILE_EXISTS') {
      throw new FlagsError('EXPERIMENT_EXISTS', `experiment "${spec.id}" already exists (${shown(file)})`, { cause: e });
    }
    throw e;
  }
  return {
    action: 'create',
    id: spec.id,
    file,
    flagKey: spec.flagKey,
    flagFile: created.file,
    experiment,
    flag: created.flag,
    existingFlag: false,
    changed: true,
    otherErrors: created.otherErrors,
  };
}

/** The definition file `create` writes, in SPEC 4.1 order, block style. */
export function renderNewExperiment(exp: Experiment): string {
  const v = (x: unknown) => renderInline(x, { flow: false });
  const lines = [
    `id: ${v(exp.id)}`,
    `name: ${v(exp.name)}`,
    `description: ${v(exp.description)}`,
    `flagKey: ${v(exp.flagKey)}`,
    'control:',
    `  key: ${v(exp.control.key)}`,
    `  name: ${v(exp.control.name)}`,
    'treatment:',
    ...exp.treatment.flatMap((t) => [`  - key: ${v(t.key)}`, `    name: ${v(t.name)}`, `    weight: ${v(t.weight)}`]),
    `primaryMetric: ${v(exp.primaryMetric)}`,
    ...(exp.secondaryMetrics?.length ? ['secondaryMetrics:', ...exp.secondaryMetrics.map((m) => `  - ${v(m)}`)] : []),
    `status: ${v(exp.status)}`,
  ];
  return lines.join('\n') + '\n';
}

// ---- lifecycle ----

export interface ExperimentActionResult {
  action: LifecycleAction;
  id: string;
  /** The definition file (the real file when it is reached through a link). */
  file: string;
  flagKey: string;
  /** Status before and after. */
  from: ExperimentStatus;
  status: ExperimentStatus;
  /**
   * The definition already had the action's target status: nothing was
   * written to it, only the flag was brought in line (SPEC 4.1 "running it
   * again repairs a half-done one").
   */
  repair: boolean;
  /** True when the definition file was written. */
  changed: boolean;
  /** The definition's fields written (status, startDate, endDate). */
  changes: FieldChange[];
  experiment: Experiment;
  /** What the flag's `enabled` must be in the new status. */
  flagEnabled: boolean;
  /** The flag edit; null when the flag does not exist (only for actions that turn it off). */
  flag: ToggleResult | null;
  /** Errors elsewhere in the flags directory, found on the way; they never block the change. */
  otherErrors: Diagnostic[];
}

/**
 * Applies a lifecycle action: checks it against the definition as it is on
 * disk (under its lock), switches the flag's `enabled` through the safe flag
 * edit, then writes the status (and startDate/endDate) into the definition.
 * An illegal action is refused, naming the allowed ones, unless the
 * definition already has the action's target status: then the action repairs
 * the flag (see the module comment).
 */
export async function applyExperimentAction(dir: string, id: string, action: LifecycleAction, opts: EditOptions = {}): Promise<ExperimentActionResult> {
  const now = timestamp(opts.now);
  const shown = displayOf(dir, opts.displayDir);
  const files = await readExperiments(dir);
  const found = files.filter((f) => f.id === id);
  if (found.length === 0) {
    const named = files.find((f) => sameName(f.file, id));
    if (named) throw new FlagsError('EXPERIMENT_INVALID', `experiment file ${shown(named.file)} has errors (no valid id); run \`flags validate\``);
    const ids = files.flatMap((f) => (f.id === undefined ? [] : [f.id]));
    throw new FlagsError('EXPERIMENT_NOT_FOUND', `no experiment "${id}" in ${shown(experimentsDir(dir))}${didYouMean(id, ids)}`);
  }
  if (found.length > 1) {
    throw new FlagsError('DUPLICATE_EXPERIMENT_ID', `experiment "${id}" is defined in ${found.length} files (${found.map((f) => shown(f.file)).join(', ')}); remove the duplicate first`);
  }
  const file = found[0].file;
  const name = shown(file);
  const target = await resolveWriteTarget(file, { root: dir, fs: opts.fs, name });

  // Lock order is always definition, then flag (inside setEnabled); nothing
  // takes them the other way round, so two transitions cannot deadlock.
  return withFileLock(target, { timeoutMs: opts.lockTimeoutMs, displayName: name }, async (lock) => {
    const flags = await readFlagSet(dir);
    const { bytes, text } = readEditableText(target, name);
    const parsed = parseExperimentFile(file, text);
    const fileErrors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (fileErrors.length > 0) throw invalidDefinition(name, fileErrors);
    const { experiment, diagnostics } = validateExperimentFile(parsed, flags);
    if (!experiment) throw invalidDefinition(name, diagnostics.filter((d) => d.severity === 'error'));
    if (experiment.id !== id) throw new FlagsError('EXPERIMENT_NOT_FOUND', `experiment "${id}" is no longer in ${name}`);

    const result = transition(experiment, action, { now });
    let next: Experiment;
    let flagEnabled: boolean;
    let repair = false;
    if (result.ok) {
      next = result.experiment;
      flagEnabled = result.flagEnabled;
    } else if (experiment.status === targetStatus(experiment, action, now)) {
      next = experiment;
      flagEnabled = flagEnabledFor(experiment.status);
      repair = true;
    } else {
      throw new FlagsError('ILLEGAL_TRANSITION', result.message);
    }

    // Turning the split on with a definition that does not match its flag
    // would record exposures nobody can analyse; turning it off always goes ahead.
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (flagEnabled && errors.length > 0) {
      const d = errors[0];
      throw new FlagsError('EXPERIMENT_INVALID', `cannot ${action} experiment "${id}": ${shown(d.file)}:${d.line}:${d.column} ${d.message}; run \`flags validate\``);
    }
    const flag = !flagEnabled && !flags.entries.has(experiment.flagKey) ? null : await setEnabled(dir, experiment.flagKey, flagEnabled, { ...opts, now });

    const sets: YamlSet[] = [];
    const changes: FieldChange[] = [];
    for (const field of ['status', 'startDate', 'endDate'] as const) {
      if (isDeepStrictEqual(experiment[field], next[field])) continue;
      sets.push({ path: [field], value: next[field], after: field === 'status' ? [] : field === 'startDate' ? ['status'] : ['startDate', 'status'] });
      changes.push({ path: field, before: experiment[field], after: next[field] });
    }
    if (sets.length > 0) {
      const newText = editFileText(name, () => editYaml(text, sets));
      const check = ExperimentSchema.safeParse(parseExperimentFile(file, newText).raw);
      if (!check.success || !isDeepStrictEqual(check.data, next)) {
        throw new FlagsError('EDIT_FAILED', `refusing to write ${name}: the edited definition does not read back as intended; edit it by hand`);
      }
      lock.assertHeld();
      await writeFileAtomic(target, newText, { root: dir, displayName: name, fs: opts.fs, expect: bytes, beforeRename: () => lock.assertHeld() });
    }
    return {
      action,
      id,
      file: target,
      flagKey: experiment.flagKey,
      from: experiment.status,
      status: next.status,
      repair,
      changed: sets.length > 0,
      changes,
      experiment: next,
      flagEnabled,
      flag,
      otherErrors: (flag?.otherErrors ?? flags.diagnostics).filter((d) => d.severity === 'error'),
    };
  });
}

/**
 * The status an action leads to, asked of the core rather than copied: the
 * result of applying it to the experiment in any status it is legal from.
 */
function targetStatus(experiment: Experiment, action: LifecycleAction, now: string): ExperimentStatus | undefined {
  for (const status of EXPERIMENT_STATUSES) {
    const r = transition({ ...experiment, status }, action, { now });
    if (r.ok) return r.experiment.status;
  }
  return undefined;
}

// ---- small helpers ----

function checkKey(key: string, what: string): void {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new FlagsError(
      'INVALID_KEY',
      `invalid ${what} ${JSON.stringify(key)}: use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters`,
    );
  }
  const reserved = reservedNameProblem(key);
  if (reserved) throw new FlagsError('INVALID_KEY', `invalid ${what} ${JSON.stringify(key)}: ${reserved}`);
}

function sameName(file: string, id: string): boolean {
  return path.basename(file).replace(/\.ya?ml$/i, '') === id;
}

function invalidDefinition(name: string, errors: Diagnostic[]): FlagsError {
  const d = errors[0];
  const where = d ? `:${d.line}:${d.column} ${d.message}` : '';
  return new FlagsError('EXPERIMENT_INVALID', `${name}${where}; the experiment has errors, run \`flags validate\``, {
    location: d ? { file: d.file, line: d.line, column: d.column } : undefined,
  });
}

