/**
 * The experiment definition (SPEC 4.1), `flags/experiments/<id>.yaml`.
 * zod is the single source of truth: `Experiment` is inferred from the schema.
 * Checks against the experiment's flag (it exists, its variants match the
 * arms) need the flag set and live with the other cross-file checks.
 */
// zod/mini, like flag.ts: the full zod build would add ~35 ms to every start-up.
import * as z from 'zod/mini';
import { flagSchemas, KEY_PATTERN } from './flag.js';
import { lazyObject, once } from './lazy.js';

export const EXPERIMENT_STATUSES = ['draft', 'running', 'paused', 'completed', 'cancelled'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export const METRIC_KINDS = ['conversion', 'revenue'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];
export const METRIC_DIRECTIONS = ['increase', 'decrease'] as const;
export type MetricDirection = (typeof METRIC_DIRECTIONS)[number];
export const ANALYSIS_MODES = ['fixed', 'sequential'] as const;
export type AnalysisMode = (typeof ANALYSIS_MODES)[number];

/** The schemas, built on first call (lazy.ts): a project without experiments never needs them. */
export const experimentSchemas = once(() => {
  // Same shapes flag.ts accepts for createdAt/updatedAt, so both file kinds read alike.
  const DateSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

  const KeySchema = z.string().check(z.regex(KEY_PATTERN, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'));

  const ControlArmSchema = z.strictObject({
    key: z.string().check(z.minLength(1)),
    name: z.string(),
  });

  const TreatmentArmSchema = z.strictObject({
    key: z.string().check(z.minLength(1)),
    name: z.string(),
    weight: flagSchemas().PercentageSchema,
  });


  /** A declared metric (SPEC 8): how it is measured and which way is good. */
  const MetricSchema = z.strictObject({
    key: z.string().check(z.minLength(1)),
    kind: z.enum(METRIC_KINDS),
    direction: z.optional(z.enum(METRIC_DIRECTIONS)),
    guardrail: z.optional(z.boolean()),
  });

  const ExperimentSchema = z
    .strictObject({
      // The id names the file (`<id>.yaml`), so it is held to the flag-key pattern: no `/`, no `..`.
      id: KeySchema,
      name: z.string(),
      description: z.string(),
      flagKey: KeySchema,
      control: ControlArmSchema,
      treatment: z.array(TreatmentArmSchema).check(z.minLength(1, 'an experiment needs at least one treatment')),
      primaryMetric: z.string().check(z.minLength(1)),
      secondaryMetrics: z.optional(z.array(z.string().check(z.minLength(1)))),
      metrics: z.optional(z.array(MetricSchema)),
      analysis: z.optional(z.enum(ANALYSIS_MODES)),
      status: z.enum(EXPERIMENT_STATUSES),
      startDate: z.optional(DateSchema),
      endDate: z.optional(DateSchema),
    })
    .check(
      z.superRefine((exp, ctx) => {
      // The control's weight is implied (100 minus the treatments'), so the only
      // way for the weights to be wrong is treatments that leave nothing for it.
      // Checked here, not in checks.ts, so every parsed Experiment has a usable
      // control weight and the core never meets a negative one.
      const total = exp.treatment.reduce((sum, t) => sum + t.weight, 0);
      if (total >= 100 - 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['treatment'],
          message: `treatment weights sum to ${round2(total)}, leaving nothing for the control (they must sum to less than 100)`,
        });
      }
      const seen = new Set<string>([exp.control.key]);
      exp.treatment.forEach((t, i) => {
        if (seen.has(t.key)) {
          ctx.addIssue({ code: 'custom', path: ['treatment', i, 'key'], message: `arm key "${t.key}" is used twice` });
        }
        seen.add(t.key);
      });
      const metricKeys = new Set<string>();
      exp.metrics?.forEach((m, i) => {
        if (metricKeys.has(m.key)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'key'], message: `metric "${m.key}" is declared twice` });
        metricKeys.add(m.key);
      });
      }),
    );
  return { ControlArmSchema, TreatmentArmSchema, MetricSchema, ExperimentSchema };
});
type ExperimentSchemas = ReturnType<typeof experimentSchemas>;
export const ControlArmSchema: ExperimentSchemas['ControlArmSchema'] = lazyObject(() => experimentSchemas().ControlArmSchema);
export const TreatmentArmSchema: ExperimentSchemas['TreatmentArmSchema'] = lazyObject(() => experimentSchemas().TreatmentArmSchema);
/** A declared metric (SPEC 8): how it is measured and which way is good. */
export const MetricSchema: ExperimentSchemas['MetricSchema'] = lazyObject(() => experimentSchemas().MetricSchema);
export type MetricDefinition = z.infer<typeof MetricSchema>;
export const ExperimentSchema: ExperimentSchemas['ExperimentSchema'] = lazyObject(() => experimentSchemas().ExperimentSchema);

export type Experiment = z.infer<typeof ExperimentSchema>;
export type ExperimentInput = z.input<typeof ExperimentSchema>;
export type ControlArm = z.infer<typeof ControlArmSchema>;
export type TreatmentArm = z.infer<typeof TreatmentArmSchema>;

/** The field names of an experiment, in SPEC order: the schema's (test/schema/flag-fast.test.ts holds them equal), written out so that reading a file does not build it. */
export const EXPERIMENT_FIELDS: (keyof Experiment)[] = [
  'id', 'name', 'description', 'flagKey', 'control', 'treatment', 'primaryMetric', 'secondaryMetrics', 'metrics', 'analysis', 'status', 'startDate', 'endDate',
];

/** The control's weight: 100 minus the treatments' weights, to two decimals (SPEC 4.1). */
export function controlWeight(experiment: Pick<Experiment, 'treatment'>): number {
  // Summed in hundredths so 100 − 33.33 − 33.33 is exactly 33.34, not 33.340000000000003.
  const cents = experiment.treatment.reduce((sum, t) => sum + Math.round(t.weight * 100), 0);
  return (10000 - cents) / 100;
}

/** Every arm with its weight, control first, in file order: the order of the flag's variants. */
export function armWeights(experiment: Pick<Experiment, 'control' | 'treatment'>): { key: string; weight: number }[] {
  return [
    { key: experiment.control.key, weight: controlWeight(experiment) },
    ...experiment.treatment.map((t) => ({ key: t.key, weight: t.weight })),
  ];
}

/** A metric as the analysis sees it: declared or implied, with its defaults filled in. */
export interface ExperimentMetric {
  key: string;
  kind: MetricKind;
  direction: MetricDirection;
  guardrail: boolean;
  primary: boolean;
}

/**
 * Every metric the analysis covers, primary first: the primary metric, the
 * secondary metrics, then metrics only declared under `metrics` (guardrails,
 * typically), each once. A metric named but not declared is a conversion
 * metric where more is better (SPEC 8), so seed definitions keep their meaning.
 */
export function experimentMetrics(experiment: Pick<Experiment, 'primaryMetric' | 'secondaryMetrics' | 'metrics'>): ExperimentMetric[] {
  const declared = new Map((experiment.metrics ?? []).map((m) => [m.key, m]));
  const keys = [experiment.primaryMetric, ...(experiment.secondaryMetrics ?? []), ...(experiment.metrics ?? []).map((m) => m.key)];
  const seen = new Set<string>();
  const out: ExperimentMetric[] = [];
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const d = declared.get(key);
    out.push({
      key,
      kind: d?.kind ?? 'conversion',
      direction: d?.direction ?? 'increase',
      guardrail: d?.guardrail ?? false,
      primary: key === experiment.primaryMetric,
    });
  }
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
