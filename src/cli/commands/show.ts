import { FlagsError, UsageError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { renderFlagDetails, withDefaults } from '../render/flag.js';

export async function runShow(ctx: CommandContext, key: string | undefined, opts: { segment?: string }): Promise<void> {
  if (opts.segment !== undefined && key !== undefined) throw new UsageError('give either a flag KEY or --segment KEY, not both');
  if (opts.segment === undefined && key === undefined) throw new UsageError('missing flag KEY (or --segment KEY)');
  const set = await ctx.loadFlags();
  if (opts.segment !== undefined) return (await import('./segments.js')).runShowSegment(ctx, set, opts.segment);
  if (key === undefined) return;
  const flag = set.flags.get(key);
  if (!flag) {
    if (set.invalidKeys.has(key)) throw new FlagsError('FLAG_INVALID', `flag "${key}" has errors and is not served; run \`flags validate\``);
    throw new FlagsError('FLAG_NOT_FOUND', `no flag "${key}" in ${ctx.relative(ctx.flagsDir)}`);
  }
  if (ctx.json) return ctx.printJson(withDefaults(flag));
  ctx.out(renderFlagDetails(flag, ctx.chalk));
}
