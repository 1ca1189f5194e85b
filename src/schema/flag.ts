/**
 * The flag file format (SPEC 1.2). zod is the single source of truth: the
 * `Flag` type used everywhere is inferred from these schemas.
 * Objects are strict: an unknown field is a finding, never silently dropped.
 * Checks that span fields (value vs type, duplicate ids, weights, operator
 * value shapes, regex, semver) live in checks.ts so each has a name and a path.
 */
// zod/mini: the same validator and issue format as classic zod, but tree-shakable
// (about 50 KB instead of 750 KB in the bundle), which keeps `flags` start-up
// close to bare Node (docs/performance.md).
import * as z from 'zod/mini';
import { lazyObject, once } from './lazy.js';

export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const FLAG_TYPES = ['boolean', 'string', 'number', 'json'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

// The operator names live in a zod-free module so the evaluator (and
// flagyard/runtime) can use them without loading zod.
export { OPERATORS, SEGMENT_OPERATORS, CONDITION_OPERATORS, isSegmentOperator } from '../evaluation/operators/names.js';
export type { Operator, SegmentOperator, ConditionOperator } from '../evaluation/operators/names.js';
import { OPERATORS, CONDITION_OPERATORS } from '../evaluation/operators/names.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The schemas, built on first call (lazy.ts says why); the exported
 * `…Schema` constants below are stand-ins for these.
 */
export const flagSchemas = once(() => {
  const JsonValueSchema: z.ZodMiniType<JsonValue> = z.json();

  /** 0–100; the two-decimal limit is a named check (checks.ts) so it gets its own code. */
  const PercentageSchema = z.number().check(z.minimum(0), z.maximum(100));

  const ConditionSchema = z.strictObject({
    // Required for every operator but in_segment/not_in_segment, which must not have one (checks.ts).
    attribute: z.optional(z.string().check(z.minLength(1))),
    operator: z.enum(CONDITION_OPERATORS),
    // Required for every operator but exists/not_exists; the shape per operator is checked in checks.ts.
    value: z.optional(JsonValueSchema),
  });

  const RuleSchema = z.strictObject({
    id: z.string().check(z.minLength(1)),
    description: z.optional(z.string()),
    conditions: z.array(ConditionSchema),
    percentage: z.optional(PercentageSchema),
    value: JsonValueSchema,
  });

  const FallthroughSchema = z.strictObject({
    percentage: z.optional(PercentageSchema),
    value: JsonValueSchema,
  });

  const VariantSchema = z.strictObject({
    key: z.string().check(z.minLength(1)),
    name: z.string(),
    value: JsonValueSchema,
    weight: PercentageSchema,
  });

  /** SPEC 6: `rules` and `fallthrough`, when present, replace the flag's own in this environment. */
  const EnvironmentSchema = z.strictObject({
    enabled: z.boolean(),
    value: z.optional(JsonValueSchema),
    rules: z.optional(z.array(RuleSchema)),
    fallthrough: z.optional(FallthroughSchema),
  });

  const TimestampSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

  const FlagSchema = z.strictObject({
    key: z.string().check(z.regex(KEY_PATTERN, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$')),
    name: z.string(),
    description: z.string(),
    type: z.enum(FLAG_TYPES),
    defaultValue: JsonValueSchema,
    enabled: z.boolean(),
    rules: z.array(RuleSchema),
    fallthrough: z.optional(FallthroughSchema),
    variants: z.optional(z.array(VariantSchema)),
    /** SPEC 6: an attribute path whose value is the bucket key instead of `user.id || tenant.id || 'anonymous'`. */
    bucketBy: z.optional(z.string().check(z.minLength(1))),
    tags: z.array(z.string()),
    owner: z.string(),
    killSwitch: z._default(z.boolean(), false),
    environments: z.optional(z.record(z.string(), EnvironmentSchema)),
    createdAt: z.optional(TimestampSchema),
    updatedAt: z.optional(TimestampSchema),
    // ---- hygiene (issue 20): a temporary flag past expiresAt is an EXPIRED warning (schema/expiry.ts) ----
    expiresAt: z.optional(TimestampSchema),
    // Default true, but not filled in (optional): a Flag built in code without it stays valid, and
    // readers test `temporary !== false`. false: a permanent flag (a kill switch for a dependency).
    temporary: z.optional(z.boolean()),
  });

  /** The list form of a flag file: `flags: [ ... ]`. Items are validated one by one. */
  const FlagListFileSchema = z.strictObject({ flags: z.array(z.unknown()) });

  return { JsonValueSchema, PercentageSchema, ConditionSchema, RuleSchema, FallthroughSchema, VariantSchema, EnvironmentSchema, TimestampSchema, FlagSchema, FlagListFileSchema };
});
type FlagSchemas = ReturnType<typeof flagSchemas>;

export const JsonValueSchema: FlagSchemas['JsonValueSchema'] = lazyObject(() => flagSchemas().JsonValueSchema);
export const PercentageSchema: FlagSchemas['PercentageSchema'] = lazyObject(() => flagSchemas().PercentageSchema);
export const ConditionSchema: FlagSchemas['ConditionSchema'] = lazyObject(() => flagSchemas().ConditionSchema);
export const RuleSchema: FlagSchemas['RuleSchema'] = lazyObject(() => flagSchemas().RuleSchema);
export const FallthroughSchema: FlagSchemas['FallthroughSchema'] = lazyObject(() => flagSchemas().FallthroughSchema);
export const VariantSchema: FlagSchemas['VariantSchema'] = lazyObject(() => flagSchemas().VariantSchema);
export const EnvironmentSchema: FlagSchemas['EnvironmentSchema'] = lazyObject(() => flagSchemas().EnvironmentSchema);
export const FlagSchema: FlagSchemas['FlagSchema'] = lazyObject(() => flagSchemas().FlagSchema);
export const FlagListFileSchema: FlagSchemas['FlagListFileSchema'] = lazyObject(() => flagSchemas().FlagListFileSchema);

export type Flag = z.infer<typeof FlagSchema>;
export type FlagInput = z.input<typeof FlagSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type Condition = z.infer<typeof ConditionSchema>;
export type Variant = z.infer<typeof VariantSchema>;
export type Fallthrough = z.infer<typeof FallthroughSchema>;
export type EnvironmentOverride = z.infer<typeof EnvironmentSchema>;

/**
 * The field names of a flag, in the order the README documents them: the
 * schema's (test/schema/flag-fast.test.ts holds them equal), written out so
 * that reading a flag file does not build the schema.
 */
export const FLAG_FIELDS: (keyof Flag)[] = [
  'key', 'name', 'description', 'type', 'defaultValue', 'enabled', 'rules', 'fallthrough', 'variants', 'bucketBy',
  'tags', 'owner', 'killSwitch', 'environments', 'createdAt', 'updatedAt', 'expiresAt', 'temporary',
];
