/**
 * `flags test [PATH…] [--format text|json|github]` (issue 20): runs the flag
 * test specs against the working tree's flags. Exit 1 when a spec is invalid
 * or any test fails. Also run by `flags validate --tests`.
 */
import path from 'node:path';
import { createFlagEvaluator, type EvaluationContext, type FlagEvaluator } from '../../evaluation/index.js';
import { FlagsError, UsageError, type Diagnostic } from '../../errors.js';
import { generatedUsers, runTestCase, ShareCounter, type FlagTestResult } from '../../hygiene/flag-tests.js';
import type { LocatedTest, RolloutTest } from '../../schema/test-spec.js';
import type { FlagSet } from '../../schema/validate.js';
import { readJsonLines } from '../../store/jsonl.js';
import { defaultTestsDir, listTestSpecFiles, readTestSpec } from '../../store/test-specs.js';
import { isPlainObject } from '../context-args.js';
import type { CommandContext } from '../context.js';
import { relativizeDiagnostics } from '../render/diagnostics.js';
import { renderTestsGithub, renderTestsJson, renderTestsText, type TestReport } from '../render/flag-tests.js';

export const TEST_FORMATS = ['text', 'json', 'github'] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

export interface TestOptions {
  format?: TestFormat;
}

export async function runTest(ctx: CommandContext, paths: string[], opts: TestOptions): Promise<void> {
  if (ctx.json && opts.format !== undefined && opts.format !== 'json') throw new UsageError(`--json means --format json; it cannot be combined with --format ${opts.format}`);
  const format: TestFormat = ctx.json ? 'json' : (opts.format ?? 'text');
  const flags = await ctx.loadFlags();
  const report = await runFlagTests(ctx, flags, paths);
  if (format === 'json') ctx.printJson(renderTestsJson(report));
  else if (format === 'github') ctx.out(renderTestsGithub(report));
  else ctx.out(renderTestsText(report, ctx.chalk));
  ctx.exitCode = report.passed ? 0 : 1;
}

/** Reads the specs (default: `<flags dir>/tests`) and runs every test; shared with `validate --tests`. */
export async function runFlagTests(ctx: CommandContext, flags: Pick<FlagSet, 'flags' | 'invalidKeys'>, paths: readonly string[]): Promise<TestReport> {
  const given = paths.length > 0;
  const roots = given ? paths.map((p) => path.resolve(ctx.io.cwd, p)) : [defaultTestsDir(ctx.flagsDir)];
  let files: string[];
  try {
    files = listTestSpecFiles(roots);
  } catch (e) {
    if (!given && e instanceof FlagsError) files = [];
    else throw e;
  }
  if (files.length === 0) {
    throw new FlagsError('TESTS_NOT_FOUND', `no test specs found in ${roots.map((r) => ctx.relative(r)).join(', ')} (*.yaml files with a "tests:" list; see docs/hygiene.md)`);
  }
  const evaluator = createFlagEvaluator(flags.flags.values(), { invalid: flags.invalidKeys });
  const diagnostics: Diagnostic[] = [];
  const results: FlagTestResult[] = [];
  for (const file of files) {
    const spec = readTestSpec(file);
    diagnostics.push(...spec.diagnostics);
    // Cases and rollouts in file order, so the report reads like the spec.
    const tests = [...spec.cases.map((c) => ({ index: c.index, run: async () => runTestCase(evaluator, c) })), ...spec.rollouts.map((r) => ({ index: r.index, run: () => runRollout(ctx, evaluator, r) }))];
    tests.sort((a, b) => a.index - b.index);
    for (const t of tests) results.push({ ...(await t.run()), file: ctx.relative(file) });
  }
  const failed = results.filter((r) => !r.passed).length;
  const invalid = relativizeDiagnostics(diagnostics, ctx.io.cwd);
  return { files: files.length, results, failed, diagnostics: invalid, passed: failed === 0 && !invalid.some((d) => d.severity === 'error') };
}

async function runRollout(ctx: CommandContext, evaluator: FlagEvaluator, located: LocatedTest<RolloutTest>) {
  const counter = new ShareCounter(evaluator, located);
  const { test } = located;
  if (typeof test.contexts === 'number') {
    for (const c of generatedUsers(test, test.contexts)) counter.add(c);
    return counter.finish();
  }
  // A contexts file is relative to the spec that names it.
  const file = path.resolve(path.dirname(located.file), test.contexts);
  const label = ctx.relative(file);
  try {
    await readJsonLines(file, ctx.io.stdin, (value, line) => {
      if (!isPlainObject(value)) throw new FlagsError('CONTEXT_INVALID', `${label}:${line}: a context must be a JSON object`);
      counter.add(value as EvaluationContext);
    }, { label });
  } catch (e) {
    if (e instanceof FlagsError) return counter.finish(e.message);
    throw e;
  }
  return counter.finish();
}
