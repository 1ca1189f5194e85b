/**
 * Validation of experiment definitions (SPEC 4.1, 1.3): the schema, located
 * like flag findings, then a named list of small pure checks of each
 * experiment against the flag it drives, then the set-wide duplicate ids.
 */
import type { Diagnostic } from '../errors.js';
import { hasAtMostTwoDecimals, type Finding } from './checks.js';
import { controlWeight, EXPERIMENT_FIELDS, experimentSchemas, type Experiment } from './experiment.js';
import type { Flag } from './flag.js';
import { KEY_PATTERN } from './flag.js';
import type { PathSegment } from './locate.js';
import type { ParsedExperimentFile } from './experiment-file.js';
import { compareDiagnostics, diagnosticsOf, duplicateDiagnostics, fileNameMismatch } from './diagnostics.js';
import type { FlagIndex } from './validate-set.js';
import { findingsOfIssues, type ObjectShapeAt } from './zod-findings.js';

/** What the experiment checks need of the flags: a FlagSet or a FlagIndex. */
export type FlagsForExperiments = Pick<FlagIndex, 'flags'> & { entries: ReadonlyMap<string, unknown> };

export interface ExperimentSet {
  files: ParsedExperimentFile[];
  /** The schema-valid experiments with a unique id (findings against their flag do not remove them). */
  experiments: Map<string, Experiment>;
  diagnostics: Diagnostic[];
}

/** What a check may know about the experiment's flag. */
export interface FlagLookup {
  /** The flag is defined somewhere (valid or not). */
  defined: boolean;
  /** The served flag, when it is valid and defined once; checks against it are skipped otherwise. */
  flag?: Flag;
}

export type ExperimentCheck = (experiment: Experiment, flag: FlagLookup) => Finding[];

/** Weights are compared to the hundredth (SPEC 1.3 tolerance for sums is 1e-9). */
const WEIGHT_TOLERANCE = 1e-9;

export const checkExperimentFlagExists: ExperimentCheck = (exp, { defined }) =>
  defined
    ? []
    : [{ code: 'EXPERIMENT_FLAG_MISSING', severity: 'error', message: `flag "${exp.flagKey}" does not exist (create it, or fix flagKey)`, path: ['flagKey'] }];

/** Every arm must be a variant of the flag and every variant an arm: users bucketed into a variant nobody analyses are lost. */
export const checkExperimentVariants: ExperimentCheck = (exp, { flag }) => {
  if (!flag) return [];
  const variants = flag.variants ?? [];
  if (variants.length === 0) {
    return [
      {
        code: 'EXPERIMENT_VARIANT_MISMATCH',
        severity: 'error',
        message: `flag "${flag.key}" has no variants; it needs one per arm (${armKeys(exp).join(', ')})`,
        path: ['flagKey'],
      },
    ];
  }
  const out: Finding[] = [];
  const variantKeys = new Set(variants.map((v) => v.key));
  const arms = armPaths(exp);
  for (const arm of arms) {
    if (!variantKeys.has(arm.key)) {
      out.push({
        code: 'EXPERIMENT_VARIANT_MISMATCH',
        severity: 'error',
        message: `flag "${flag.key}" has no variant "${arm.key}" (its variants: ${[...variantKeys].join(', ')})`,
        path: arm.keyPath,
      });
    }
  }
  const armKeySet = new Set(arms.map((a) => a.key));
  const extra = variants.filter((v) => !armKeySet.has(v.key)).map((v) => `"${v.key}"`);
  if (extra.length > 0) {
    out.push({
      code: 'EXPERIMENT_VARIANT_MISMATCH',
      severity: 'error',
      message: `flag "${flag.key}" has ${extra.length === 1 ? 'a variant' : 'variants'} ${extra.join(', ')} that ${extra.length === 1 ? 'is not an arm' : 'are not arms'} of the experiment`,
      path: ['flagKey'],
    });
  }
  return out;
};

/** Each arm's weight (the control's is 100 − the treatments') must be its variant's weight. */
export const checkExperimentWeights: ExperimentCheck = (exp, { flag }) => {
  if (!flag?.variants) return [];
  const weightOf = new Map(flag.variants.map((v) => [v.key, v.weight]));
  const out: Finding[] = [];
  for (const arm of armPaths(exp)) {
    const variantWeight = weightOf.get(arm.key);
    if (variantWeight === undefined || Math.abs(variantWeight - arm.weight) <= WEIGHT_TOLERANCE) continue;
    out.push({
      code: 'EXPERIMENT_WEIGHT_MISMATCH',
      severity: 'error',
      message:
        arm.role === 'control'
          ? `control "${arm.key}" has weight ${arm.weight} (100 − the treatments' weights) but its variant in flag "${flag.key}" has ${variantWeight}`
          : `treatment "${arm.key}" has weight ${arm.weight} but its variant in flag "${flag.key}" has ${variantWeight}`,
      path: arm.weightPath,
    });
  }
  return out;
};

/** Treatment weights are percentages too: at most two decimals, like the variants they must equal. */
export const checkExperimentWeightPrecision: ExperimentCheck = (exp) =>
  exp.treatment.flatMap((t, i) =>
    hasAtMostTwoDecimals(t.weight)
      ? []
      : [{ code: 'INVALID_PERCENTAGE' as const, severity: 'error' as const, message: `${t.weight} has more than two decimals (rollouts resolve 0.01%)`, path: ['treatment', i, 'weight'] }],
  );

/** running ⇔ flag on; every other status ⇔ flag off (a transition writes both files; a half-done one shows here). */
export const checkExperimentStatus: ExperimentCheck = (exp, { flag }) => {
  if (!flag) return [];
  const shouldBeOn = exp.status === 'running';
  if (flag.enabled === shouldBeOn) return [];
  return [
    {
      code: 'EXPERIMENT_STATUS_MISMATCH',
      severity: 'warning',
      message: shouldBeOn
        ? `experiment is running but flag "${flag.key}" is disabled (run \`flags experiment resume ${exp.id}\` or toggle the flag on)`
        : `experiment is ${exp.status} but flag "${flag.key}" is enabled (users are still split; re-run the last action, e.g. \`flags experiment pause ${exp.id}\`, or toggle the flag off)`,
      path: ['status'],
    },
  ];
};

export const EXPERIMENT_CHECKS: readonly ExperimentCheck[] = [
  checkExperimentFlagExists,
  checkExperimentVariants,
  checkExperimentWeights,
  checkExperimentWeightPrecision,
  checkExperimentStatus,
];

function armKeys(exp: Experiment): string[] {
  return [exp.control.key, ...exp.treatment.map((t) => t.key)];
}

function armPaths(exp: Experiment): { key: string; role: 'control' | 'treatment'; weight: number; keyPath: PathSegment[]; weightPath: PathSegment[] }[] {
  return [
    // The control has no weight field of its own: its key stands for it.
    { key: exp.control.key, role: 'control', weight: controlWeight(exp), keyPath: ['control', 'key'], weightPath: ['control', 'key'] },
    ...exp.treatment.map((t, i) => ({
      key: t.key,
      role: 'treatment' as const,
      weight: t.weight,
      keyPath: ['treatment', i, 'key'],
      weightPath: ['treatment', i, 'weight'],
    })),
  ];
}

const EXPERIMENT_SHAPES = {
  experiment: EXPERIMENT_FIELDS as readonly string[],
  control: ['key', 'name'],
  treatment: ['key', 'name', 'weight'],
};

export const experimentShapeAt: ObjectShapeAt = (p) => {
  if (p.length === 0) return { fields: EXPERIMENT_SHAPES.experiment, what: 'experiment' };
  if (p[0] === 'control' && p.length === 1) return { fields: EXPERIMENT_SHAPES.control, what: 'control arm' };
  if (p[0] === 'treatment' && p.length === 2) return { fields: EXPERIMENT_SHAPES.treatment, what: 'treatment arm' };
  return { fields: [], what: 'mapping' };
};

function lookup(flags: FlagsForExperiments, key: string): FlagLookup {
  return { defined: flags.entries.has(key), flag: flags.flags.get(key) };
}

/** Validates one parsed experiment file against the flag set. */
export function validateExperimentFile(file: ParsedExperimentFile, flags: FlagsForExperiments): { experiment?: Experiment; diagnostics: Diagnostic[] } {
  if (!file.syntaxOk || file.raw === undefined) return { diagnostics: [] };
  const raw = file.raw as Record<string, unknown>;
  const flagKey = typeof raw.flagKey === 'string' ? raw.flagKey : undefined;
  const extra = { flagKey };
  const parsed = experimentSchemas().ExperimentSchema.safeParse(raw);
  if (!parsed.success) {
    const findings = findingsOfIssues(parsed.error.issues, raw, experimentShapeAt);
    // Whether the flag exists does not depend on the rest of the definition.
    if (flagKey !== undefined && KEY_PATTERN.test(flagKey) && !flags.entries.has(flagKey)) {
      findings.push(...checkExperimentFlagExists({ flagKey } as Experiment, { defined: false }));
    }
    return { diagnostics: diagnosticsOf(file, [], findings, extra) };
  }
  const exp = parsed.data;
  const found = lookup(flags, exp.flagKey);
  const findings: Finding[] = [];
  for (const check of EXPERIMENT_CHECKS) for (const f of check(exp, found)) findings.push(f);
  const diagnostics = diagnosticsOf(file, [], findings, extra);
  const mismatch = fileNameMismatch(file.file, 'experiment id', exp.id, { position: file.position, flagKey: exp.flagKey, path: 'id' });
  if (mismatch) diagnostics.push(mismatch);
  return { experiment: exp, diagnostics };
}

/** Validates every experiment file: each against its flag, then duplicate ids across files. */
export function validateExperimentFiles(files: ParsedExperimentFile[], flags: FlagsForExperiments): ExperimentSet {
  const diagnostics: Diagnostic[] = [];
  const experiments = new Map<string, Experiment>();
  const places = new Map<string, ParsedExperimentFile[]>();
  for (const file of files) {
    for (const d of file.diagnostics) diagnostics.push(d);
    if (file.id !== undefined) places.set(file.id, [...(places.get(file.id) ?? []), file]);
    const result = validateExperimentFile(file, flags);
    for (const d of result.diagnostics) diagnostics.push(d);
    if (result.experiment && file.diagnostics.every((d) => d.severity !== 'error')) experiments.set(result.experiment.id, result.experiment);
  }
  for (const [id, list] of places) {
    if (list.length < 2) continue;
    experiments.delete(id);
    for (const d of duplicateDiagnostics('DUPLICATE_EXPERIMENT_ID', `experiment id "${id}"`, list)) diagnostics.push({ ...d, path: 'id' });
  }
  diagnostics.sort(compareDiagnostics);
  return { files, experiments, diagnostics };
}
