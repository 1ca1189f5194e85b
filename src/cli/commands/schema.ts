/**
 * `flags schema [--experiment]`: the JSON Schema of a flag file (both forms of
 * SPEC 1.1), generated from the zod schema so it can never drift from the
 * validator, for editors: VS Code's YAML extension completes and checks flag
 * files while typing (`# yaml-language-server: $schema=…`, docs/validation.md).
 * The cross-field checks (value vs type, weights, regex…) stay `flags validate`'s.
 */
import type { $ZodType } from 'zod/v4/core';
import * as z from 'zod/mini';
import { UsageError } from '../../errors.js';
import { ExperimentSchema } from '../../schema/experiment.js';
import { CONFIG_FIELD_DOCS, ProjectConfigSchema } from '../../schema/project-config.js';
import {
  ConditionSchema,
  EnvironmentSchema,
  FallthroughSchema,
  FlagSchema,
  JsonValueSchema,
  PercentageSchema,
  RuleSchema,
  VariantSchema,
} from '../../schema/flag.js';
import type { CommandContext } from '../context.js';
import { SegmentSchema } from '../../schema/segment.js';

type Meta = { id?: string; title?: string; description?: string };
type AnySchema = $ZodType;

/** Hover texts in the editor (SPEC 1.2, in a sentence each). */
const FLAG_FIELD_DOCS: Record<string, string> = {
  key: 'Unique flag key: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters.',
  name: 'Human-readable name.',
  description: 'What the flag controls (may be empty).',
  type: 'Every value of the flag must be of this type (json: any JSON value).',
  defaultValue: 'Returned when the flag is off, killed, or nothing matches.',
  enabled: 'Whether rules, variants and fallthrough are evaluated.',
  rules: 'Targeting rules, evaluated in order; the first that matches wins.',
  fallthrough: 'Value when the flag is enabled and no rule matched, optionally for a percentage of contexts.',
  variants: 'A/B split: weights are percentages that must sum to 100.',
  bucketBy: 'Attribute path (device.id, tenant.id) whose value is the bucket key of rollouts and the split; contexts without it are in no rollout and skip the split. Default: user.id || tenant.id || "anonymous".',
  tags: 'Free-form labels (flags list --tag).',
  owner: 'Team or person responsible for the flag.',
  killSwitch: 'true: always serve defaultValue, whatever else is set.',
  environments: 'Per-environment overrides, checked before `enabled`; an environment\'s own rules and fallthrough replace the flag\'s there.',
  createdAt: 'ISO-8601 timestamp, written by the CLI.',
  updatedAt: 'ISO-8601 timestamp, written by the CLI.',
  expiresAt: 'Date (YYYY-MM-DD) from which `flags validate` warns EXPIRED, unless temporary is false.',
  temporary: 'Default true. false: a permanent flag (e.g. a kill switch for a dependency): never expires, never reported stale.',
};

function flagRegistry() {
  const registry = z.registry<Meta>();
  const add = (schema: unknown, meta: Meta) => registry.add(schema as AnySchema, meta);
  add(FlagSchema, { id: 'flag', title: 'Feature flag', description: 'One feature flag (SPEC 1.2).' });
  add(RuleSchema, { id: 'rule', description: 'A targeting rule: all conditions must hold; an empty list matches every context.' });
  add(ConditionSchema, {
    id: 'condition',
    description: 'attribute (a dot path into the context), operator and the value it needs; in_segment / not_in_segment take no attribute and a list of segment keys.',
  });
  add(FallthroughSchema, { id: 'fallthrough' });
  add(VariantSchema, { id: 'variant' });
  add(EnvironmentSchema, { id: 'environment', description: 'enabled: false serves defaultValue in this environment; a value overrides it.' });
  add(JsonValueSchema, { id: 'value', description: 'A value of the flag’s type.' });
  add(PercentageSchema, { id: 'percentage', description: '0–100, at most two decimals.' });
  for (const [field, description] of Object.entries(FLAG_FIELD_DOCS)) {
    const fieldSchema = (FlagSchema.shape as Record<string, unknown>)[field];
    if (fieldSchema && !registry.has(fieldSchema as AnySchema)) add(fieldSchema, { description });
  }
  return registry;
}

/** The flag file: one flag, or `{ flags: [flag, …] }`. */
export function flagFileJsonSchema(): Record<string, unknown> {
  const file = z.union([FlagSchema, z.strictObject({ flags: z.array(FlagSchema) })]);
  const schema = z.toJSONSchema(file, { target: 'draft-07', io: 'input', metadata: flagRegistry(), cycles: 'ref', reused: 'ref', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'flags: feature flag file',
    description: 'One flag (a mapping with "key") or a list of flags under "flags:". Run `flags validate` for the checks a schema cannot express.',
    ...withoutKey(schema, '$schema'),
  };
}

/** A segment, `flags/segments/<key>.yaml` (SPEC 6). */
export function segmentFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SegmentSchema as unknown as AnySchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'flags: segment',
    description: 'A reusable list of conditions (all must hold), referenced by rules with in_segment / not_in_segment.',
    ...withoutKey(schema, '$schema'),
  };
}

/** An experiment definition, `flags/experiments/<id>.yaml` (SPEC 4.1). */
export function experimentFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExperimentSchema as unknown as AnySchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'flags: experiment definition',
    description: 'An A/B experiment on a flag: the control takes 100 minus the treatments’ weights.',
    ...withoutKey(schema, '$schema'),
  };
}

/** flags.config.yaml (SPEC 5), with each setting's sentence as its description. */
export function configFileJsonSchema(): Record<string, unknown> {
  const registry = z.registry<Meta>();
  for (const [field, description] of Object.entries(CONFIG_FIELD_DOCS)) {
    registry.add((ProjectConfigSchema.shape as Record<string, unknown>)[field] as AnySchema, { description });
  }
  const schema = z.toJSONSchema(ProjectConfigSchema as unknown as AnySchema, { target: 'draft-07', io: 'input', metadata: registry, unrepresentable: 'any' });
  return {
    $schema: schema.$schema,
    title: 'flagyard: project settings (flags.config.yaml)',
    description: 'Optional settings for the flags CLI, found by walking up from the current directory to the repository root. Run `flags config` to see the settings in force.',
    ...withoutKey(schema, '$schema'),
  };
}

function withoutKey(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = o;
  return rest;
}

export async function runSchema(ctx: CommandContext, opts: { experiment?: boolean; config?: boolean; segment?: boolean }): Promise<void> {
  if ([opts.experiment, opts.config, opts.segment].filter(Boolean).length > 1) throw new UsageError('--experiment, --segment and --config name different schemas: give one');
  ctx.out(JSON.stringify(opts.config ? configFileJsonSchema() : opts.experiment ? experimentFileJsonSchema() : opts.segment ? segmentFileJsonSchema() : flagFileJsonSchema(), null, 2));
}
