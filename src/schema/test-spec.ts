/**
 * Flag test specs (issue 20, `flags test`): `flags/tests/**\/*.yaml` files
 * stating what given contexts must get, and which share of a population a
 * rollout must reach. zod is the single source of truth for the format; every
 * problem is a finding at file:line:col like a flag file's.
 *
 *   tests:
 *     - flag: new-orchestrator-v2
 *       context: {tenant: {id: tenant-beta-1}}
 *       environment: production              # optional: sets context.environment
 *       expect: {value: true, reason: RULE_MATCH, ruleId: beta-testers}
 *     - flag: new-orchestrator-v2
 *       contexts: 10000                      # N generated users, or a JSON Lines file
 *       expectShare: {value: true, share: 0.10, tolerance: 0.01}   # or share: "10% ± 1%"
 */
import * as z from 'zod/mini';
import type { Diagnostic } from '../errors.js';
import { REASONS } from '../evaluation/types.js';
import type { Finding } from './checks.js';
import { flagSchemas, KEY_PATTERN, type JsonValue } from './flag.js';
import { parseYamlFile, type ParsedYaml } from './parse-file.js';
import { diagnosticsOf, findingsOfIssues, type ObjectShapeAt } from './validate.js';
import type { PathSegment } from './locate.js';

/** Generated populations are capped: a typo of three zeros should not hang CI. */
export const MAX_GENERATED_CONTEXTS = 1_000_000;

const { JsonValueSchema } = flagSchemas();
const FlagKeySchema = z.string().check(z.regex(KEY_PATTERN, 'must be a flag key'));
const ContextSchema = z.record(z.string(), JsonValueSchema);

export const ExpectSchema = z.strictObject({
  value: JsonValueSchema,
  reason: z.optional(z.enum(REASONS)),
  ruleId: z.optional(z.string()),
  variant: z.optional(z.string()),
});

export const TestCaseSchema = z.strictObject({
  flag: FlagKeySchema,
  description: z.optional(z.string()),
  context: z._default(ContextSchema, {}),
  environment: z.optional(z.string().check(z.minLength(1))),
  expect: ExpectSchema,
});

/** `0.10 ± 0.01`, `10% ± 1%` (also `+-` and `+/-`). */
const SHARE_TEXT = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*(?:(?:±|\+-|\+\/-)\s*(\d+(?:\.\d+)?)\s*(%?))?\s*$/;

export const ExpectShareSchema = z.strictObject({
  value: JsonValueSchema,
  // One message for both forms: a union's own ("Invalid input") says nothing.
  share: z.union([z.number(), z.string()]).check(
    z.refine((v) => (typeof v === 'number' ? v >= 0 && v <= 1 : SHARE_TEXT.test(v)), 'must be a share from 0 to 1 (0.10), or text like "10%" or "10% ± 1%"'),
  ),
  tolerance: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

export const RolloutTestSchema = z.strictObject({
  flag: FlagKeySchema,
  description: z.optional(z.string()),
  /** A number of generated users, or a JSON Lines file of contexts (relative to the spec file). */
  contexts: z.union([z.number(), z.string()]).check(
    z.refine(
      (v) => (typeof v === 'number' ? Number.isInteger(v) && v >= 1 && v <= MAX_GENERATED_CONTEXTS : v.length > 0),
      `must be a number of generated users (1 to ${MAX_GENERATED_CONTEXTS.toLocaleString('en-US')}) or a JSON Lines file of contexts`,
    ),
  ),
  /** Merged under every generated user (ignored for a file). */
  context: z._default(ContextSchema, {}),
  environment: z.optional(z.string().check(z.minLength(1))),
  /** Generated user ids are `<seed>-<n>`; default: the flag key. */
  seed: z.optional(z.string()),
  expectShare: ExpectShareSchema,
});

export const TestSpecFileSchema = z.strictObject({
  description: z.optional(z.string()),
  tests: z.array(z.unknown()),
});

export type TestCase = z.infer<typeof TestCaseSchema>;
export type RolloutTest = z.infer<typeof RolloutTestSchema>;

export interface LocatedTest<T> {
  test: T;
  /** The spec file, as given. */
  file: string;
  line: number;
  column: number;
  /** 0-based position in `tests`. */
  index: number;
}

export interface ParsedTestSpec {
  file: string;
  cases: LocatedTest<TestCase>[];
  rollouts: LocatedTest<RolloutTest>[];
  diagnostics: Diagnostic[];
}

/** An expected share with its tolerance (default ±0.01), from the number or text form. */
export function shareOf(expect: RolloutTest['expectShare']): { share: number; tolerance: number } {
  if (typeof expect.share === 'number') return { share: expect.share, tolerance: expect.tolerance ?? 0.01 };
  const m = SHARE_TEXT.exec(expect.share)!;
  const share = Number(m[1]) / (m[2] ? 100 : 1);
  const tolerance = m[3] !== undefined ? Number(m[3]) / (m[4] || m[2] ? 100 : 1) : (expect.tolerance ?? 0.01);
  return { share, tolerance };
}

const fieldsOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);

const fileShapeAt: ObjectShapeAt = (p) => (p.length === 0 ? { fields: fieldsOf(TestSpecFileSchema), what: 'test spec' } : { fields: [], what: 'mapping' });

/** Shapes inside one test (issue paths are relative to the test: it is checked on its own). */
function testShapeAt(kind: 'case' | 'rollout'): ObjectShapeAt {
  return (p: readonly PathSegment[]) => {
    if (p.length === 0) return kind === 'case' ? { fields: fieldsOf(TestCaseSchema), what: 'test case' } : { fields: fieldsOf(RolloutTestSchema), what: 'rollout test' };
    if (p[0] === 'expect' && p.length === 1) return { fields: fieldsOf(ExpectSchema), what: 'expect' };
    if (p[0] === 'expectShare' && p.length === 1) return { fields: fieldsOf(ExpectShareSchema), what: 'expectShare' };
    return { fields: [], what: 'mapping' };
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and checks one spec file: YAML findings, then the schema of the file and of each test. */
export function parseTestSpecFile(file: string, text: string): ParsedTestSpec {
  const parsed = parseYamlFile(file, text);
  const out: ParsedTestSpec = { file, cases: [], rollouts: [], diagnostics: [...parsed.diagnostics] };
  if (!parsed.syntaxOk) return out;
  const findings = (base: PathSegment[], fs: Finding[]) => diagnosticsOf(parsed as ParsedYaml, base, fs);

  const top = TestSpecFileSchema.safeParse(parsed.js);
  if (!top.success) {
    const missing = !isObj(parsed.js);
    const fs = missing
      ? [{ code: 'INVALID_FILE_FORM' as const, severity: 'error' as const, message: 'not a test spec: expected a mapping with "tests:" (a list of cases)', path: [] }]
      : findingsOfIssues(top.error.issues, parsed.js, fileShapeAt);
    out.diagnostics.push(...findings([], fs));
    return out;
  }
  top.data.tests.forEach((raw, index) => {
    const kind = isObj(raw) && ('expectShare' in raw || 'contexts' in raw) ? 'rollout' : 'case';
    const schema = kind === 'rollout' ? RolloutTestSchema : TestCaseSchema;
    const r = schema.safeParse(raw);
    const base: PathSegment[] = ['tests', index];
    if (!r.success) {
      out.diagnostics.push(...findings(base, findingsOfIssues(r.error.issues, raw, testShapeAt(kind))));
      return;
    }
    // Where the test starts, for failure messages (a finding's location without a finding).
    const [where] = findings(base, [{ code: 'INVALID_VALUE', severity: 'error', message: '', path: [] }]);
    const located = { file, line: where.line, column: where.column, index };
    if (kind === 'rollout') out.rollouts.push({ ...located, test: r.data as RolloutTest });
    else out.cases.push({ ...located, test: r.data as TestCase });
  });
  return out;
}

export type { JsonValue };
