import { FlagsError } from '../../errors.js';
import { didYouMean } from '../../schema/suggest.js';
import type { CommandContext } from '../context.js';
import { renderFlagDetails, withDefaults } from '../render/flag.js';

export async function runShow(ctx: CommandContext, key: string, _opts: object): Promise<void> {
  const set = await ctx.loadFlags();
  const flag = set.flags.get(key);
  if (!flag) {
    if (set.invalidKeys.has(key)) throw new FlagsError('FLAG_INVALID', `flag "${key}" has errors and is not served; run \`flags validate\``);
    throw new FlagsError('FLAG_NOT_FOUND', `no flag "${key}" in ${ctx.relative(ctx.flagsDir)}${didYouMean(key, [...set.entries.keys()])}`);
  }
  if (ctx.json) return ctx.printJson(withDefaults(flag));
  ctx.out(renderFlagDetails(flag, ctx.chalk));
}
