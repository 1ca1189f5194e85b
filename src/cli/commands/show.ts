import { FlagsError, UsageError } from '../../errors.js';
import { didYouMean } from '../../schema/suggest.js';
import type { CommandContext } from '../context.js';
import { relativizeDiagnostics, renderDiagnosticLine } from '../render/diagnostics.js';
import { renderFlagDetails, withDefaults } from '../render/flag.js';
import { invalidFlags } from '../render/invalid-flag.js';

export async function runShow(ctx: CommandContext, key: string | undefined, opts: { segment?: string }): Promise<void> {
  if (opts.segment !== undefined && key !== undefined) throw new UsageError('give either a flag KEY or --segment KEY, not both');
  if (opts.segment === undefined && key === undefined) throw new UsageError('missing flag KEY (or --segment KEY)');
  const set = await ctx.loadFlags();
  if (opts.segment !== undefined) return (await import('./segments.js')).runShowSegment(ctx, set, opts.segment);
  if (key === undefined) return;
  const flag = set.flags.get(key);
  if (!flag) {
    if (set.invalidKeys.has(key)) return showInvalid(ctx, set, key);
    throw new FlagsError('FLAG_NOT_FOUND', `no flag "${key}" in ${ctx.relative(ctx.flagsDir)}${didYouMean(key, [...set.entries.keys()])}`);
  }
  if (ctx.json) return ctx.printJson(withDefaults(flag));
  ctx.out(renderFlagDetails(flag, ctx.chalk));
}

/** An invalid flag: as written, then its problems; exit 1 (it is not served). */
function showInvalid(ctx: CommandContext, set: Awaited<ReturnType<CommandContext['loadFlags']>>, key: string): void {
  const [view] = invalidFlags(set, key);
  ctx.exitCode = 1;
  const problems = relativizeDiagnostics(view?.problems ?? [], ctx.io.cwd);
  const file = view ? ctx.relative(view.file) : '';
  if (ctx.json) {
    ctx.printJson({ key, invalid: true, served: false, file, line: view?.line, source: view ? view.source : '', problems });
    return;
  }
  const n = problems.length;
  ctx.out(ctx.chalk.red.bold(`${key}: INVALID, not served (evaluates to PARSE_ERROR; callers get their own default)`));
  ctx.out(`${n} problem${n === 1 ? '' : 's'}:`);
  for (const d of problems) ctx.out(`  ${renderDiagnosticLine(d, ctx.chalk)}`);
  ctx.out('');
  // As `experiment show` says it: the text decoded loosely would show U+FFFD as what is written.
  if (view?.source === null) return ctx.out(`as written in ${file}: not shown, it is not valid UTF-8 (the problem above names the first bad byte)`);
  ctx.out(`as written in ${file}:${view?.line ?? 1}:`);
  for (const line of (view?.source ?? '').split('\n')) ctx.out(`  ${line}`);
}
