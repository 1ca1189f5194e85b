/**
 * `flags eval`: one context (value and reason), every flag (`--all`), or a
 * stream of contexts (`--contexts`, JSON Lines in → one result per line out).
 */
import path from 'node:path';
import type { JsonValue } from '../../schema/flag.js';
import { createFlagEvaluator, type EvaluationResult, type FlagEvaluator } from '../../evaluation/index.js';
import { FlagsError, UsageError, type Diagnostic } from '../../errors.js';
import { readJsonLines } from '../../store/jsonl.js';
import { applyOverrides, buildContext, isPlainObject, type ContextOptions } from '../context-args.js';
import type { CommandContext } from '../context.js';
import { renderValue } from '../render/flag.js';
import { createProgress } from '../render/progress.js';
import { renderTable } from '../render/table.js';
import { didYouMean } from '../../schema/suggest.js';
import { loadServedFlags, type ServedFlags } from '../served-flags.js';

export interface EvalOptions extends ContextOptions {
  all?: boolean;
  contexts?: string;
  summary?: boolean;
  /** SPEC 6: every step, rule and condition verdict, and the bucket numbers. */
  explain?: boolean;
}

type Result = EvaluationResult<JsonValue | undefined>;

export async function runEval(ctx: CommandContext, key: string | undefined, opts: EvalOptions): Promise<void> {
  if (opts.all && key !== undefined) throw new UsageError('give either a flag KEY or --all, not both');
  if (!opts.all && key === undefined) throw new UsageError('missing flag KEY (or use --all)');
  if (opts.contexts !== undefined && (opts.all || opts.context !== undefined)) throw new UsageError('--contexts cannot be combined with --all or --context');
  if (opts.summary && opts.contexts === undefined) throw new UsageError('--summary needs --contexts');
  if (opts.explain && (opts.all || opts.contexts !== undefined)) throw new UsageError('--explain explains one flag for one context: it cannot be combined with --all or --contexts');

  const set = await loadServedFlags(ctx);
  const evaluator = createFlagEvaluator(set.flags.values(), { invalid: set.invalidKeys, segments: set.segments?.segments.values() });

  if (opts.contexts !== undefined) return runBatch(ctx, evaluator, key!, opts, set);

  const context = await buildContext(opts, ctx.io);
  if (opts.all) {
    const results = evaluator.evaluateAll(context);
    if (Object.values(results).some((r) => r.reason === 'ERROR')) ctx.exitCode = 1;
    if (ctx.json) return ctx.printJson(results);
    const rows = Object.entries(results).map(([k, r]) => [k, renderValue(r.value), reasonColour(ctx, r), detail(r)]);
    ctx.out(renderTable(['key', 'value', 'reason', 'detail'], rows, { color: ctx.color }));
    return;
  }
  const result = evaluator.evaluate(key!, context);
  if (result.reason === 'ERROR') ctx.exitCode = 1;
  explainMissing(ctx, set, key!, result);
  const flag = set.flags.get(key!);
  if (opts.explain && flag !== undefined && result.reason !== 'ERROR') {
    const { explainEvaluation } = await import('../../evaluation/explain.js');
    const e = explainEvaluation(flag, context, { segments: set.segments?.segments.values() });
    if (ctx.json) {
      const { result: r, ...explain } = e;
      return ctx.printJson({ key, ...r, explain });
    }
    const { renderExplanation } = await import('../render/explain.js');
    ctx.out(renderExplanation(key!, e, ctx.chalk));
    return;
  }
  if (ctx.json) return ctx.printJson({ key, ...result });
  ctx.out(renderResultLine(ctx, result));
}

function detail(r: Result): string {
  if (r.ruleId !== undefined) return r.ruleId;
  if (r.variant !== undefined) return `variant ${r.variant}`;
  return r.errorCode ?? '';
}

function reasonColour(ctx: CommandContext, r: Result): string {
  const { chalk } = ctx;
  if (r.reason === 'ERROR') return chalk.red(r.reason);
  if (r.reason === 'KILL_SWITCH' || r.reason === 'DISABLED' || r.reason === 'ENVIRONMENT_DISABLED') return chalk.yellow(r.reason);
  return chalk.green(r.reason);
}

/** `true  RULE_MATCH beta-testers`, `"green"  SPLIT variant green`, `undefined  ERROR FLAG_NOT_FOUND`. */
function renderResultLine(ctx: CommandContext, r: Result): string {
  const d = detail(r);
  return `${ctx.chalk.bold(renderValue(r.value))}  ${reasonColour(ctx, r)}${d ? ' ' + d : ''}`;
}

/** The one stderr line for a key that is not a served flag: which, and the closest key. */
function explainMissing(ctx: CommandContext, set: ServedFlags, key: string, r: Result): void {
  if (r.errorCode === 'FLAG_NOT_FOUND') ctx.err(`${ctx.chalk.red('error:')} no flag "${key}" in ${ctx.relative(ctx.flagsDir)}${didYouMean(key, [...set.entries.keys()])}`);
  else if (r.errorCode === 'PARSE_ERROR') ctx.err(`${ctx.chalk.red('error:')} flag "${key}" has errors and is not served; run \`flags show ${key}\` or \`flags validate\``);
}

async function runBatch(ctx: CommandContext, evaluator: FlagEvaluator, key: string, opts: EvalOptions, set: ServedFlags): Promise<void> {
  const probe = evaluator.evaluate(key, {});
  if (probe.reason === 'ERROR' && (probe.errorCode === 'FLAG_NOT_FOUND' || probe.errorCode === 'PARSE_ERROR')) {
    ctx.exitCode = 1;
    explainMissing(ctx, set, key, probe);
    if (ctx.json || !opts.summary) ctx.out(JSON.stringify({ key, ...probe }));
    else ctx.out(renderResultLine(ctx, probe));
    return;
  }
  const source = opts.contexts === '-' ? '-' : path.resolve(ctx.io.cwd, opts.contexts!);
  const label = source === '-' ? 'stdin' : ctx.relative(source);
  const progress = createProgress(ctx.io.stderr, 'evaluated');
  const counts = new Map<string, { value: Result['value']; reason: string; detail: string; count: number }>();
  let n = 0;
  let out = '';
  const keyJson = JSON.stringify(key);
  const stdout = ctx.io.stdout as typeof ctx.io.stdout & { once?: (ev: string, cb: () => void) => void };
  const hasOverrides = (opts.set?.length ?? 0) > 0 || opts.env !== undefined;
  // Checked once before any line, so a bad --set is a usage error and not a failure at line 1.
  if (hasOverrides) applyOverrides({}, opts);

  const onRecord = (value: unknown, line: number) => {
    if (!isPlainObject(value)) {
      throw new FlagsError('CONTEXT_INVALID', `${label}:${line}: a context must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    // --set and --env apply on top of each line, exactly as on top of --context.
    const r = evaluator.evaluate(key, hasOverrides ? applyOverrides(value, opts) : value);
    n++;
    if (opts.summary) {
      const d = detail(r);
      const id = `${JSON.stringify(r.value)}\u0000${r.reason}\u0000${d}`;
      const c = counts.get(id);
      if (c) c.count++;
      else counts.set(id, { value: r.value, reason: r.reason, detail: d, count: 1 });
    } else {
      // Hand-built to avoid a spread per line; same keys and order as `eval --json`.
      out += `{"key":${keyJson},"value":${JSON.stringify(r.value)},"reason":"${r.reason}"${r.ruleId !== undefined ? `,"ruleId":${JSON.stringify(r.ruleId)}` : ''}${r.variant !== undefined ? `,"variant":${JSON.stringify(r.variant)}` : ''}${r.errorCode !== undefined ? `,"errorCode":"${r.errorCode}"` : ''}}\n`;
    }
  };
  const flush = async () => {
    if (out === '') return;
    const ok = stdout.write(out);
    out = '';
    if (ok === false && stdout.once) await new Promise<void>((resolve) => stdout.once!('drain', resolve));
  };
  try {
    await readJsonLines(source, ctx.io.stdin, onRecord, {
      label,
      // Output line N answers input line N: a blank line gets a blank line.
      onBlank: opts.summary ? undefined : () => (out += '\n'),
      onProgress: (read, total) => progress.update(read, total, n),
      onChunkEnd: flush,
    });
  } catch (e) {
    // The results of the lines before a bad one are printed whatever chunk they were read in.
    if (out !== '') stdout.write(out);
    out = '';
    throw e;
  } finally {
    progress.done();
  }
  if (!opts.summary) return;

  const rows = [...counts.values()].sort((a, b) => b.count - a.count);
  if (ctx.json) {
    ctx.printJson({ key, contexts: n, results: rows.map((r) => ({ value: r.value, reason: r.reason, ...(r.detail && { detail: r.detail }), count: r.count, share: n ? r.count / n : 0 })) });
    return;
  }
  ctx.out(`${key} over ${n.toLocaleString('en-US')} contexts from ${label}`);
  ctx.out(
    renderTable(
      ['value', 'reason', 'detail', 'contexts', 'share'],
      rows.map((r) => [renderValue(r.value), r.reason, r.detail, r.count.toLocaleString('en-US'), `${((r.count / n) * 100).toFixed(1)}%`]),
      { color: ctx.color },
    ),
  );
}
