import type { CommandContext } from '../context.js';
import { withDefaults } from '../render/flag.js';
import { renderTable } from '../render/table.js';

export async function runList(ctx: CommandContext, opts: { tag?: string; segments?: boolean }): Promise<void> {
  const set = await ctx.loadFlags();
  if (opts.segments) return (await import('./segments.js')).runListSegments(ctx, set);
  let flags = [...set.flags.values()];
  if (opts.tag !== undefined) flags = flags.filter((f) => f.tags.includes(opts.tag!));
  if (ctx.json) return ctx.printJson(flags.map(withDefaults));
  if (flags.length === 0) {
    ctx.out(opts.tag === undefined ? `no flags in ${ctx.relative(ctx.flagsDir)}` : `no flags tagged "${opts.tag}"`);
    return;
  }
  const { chalk } = ctx;
  const rows = flags.map((f) => [
    f.key,
    f.enabled ? chalk.green('on') : chalk.yellow('off'),
    f.type,
    f.tags.join(', '),
    f.killSwitch ? chalk.red('KILLED') : '',
    f.owner,
  ]);
  ctx.out(renderTable(['key', 'enabled', 'type', 'tags', 'kill switch', 'owner'], rows, { color: ctx.color }));
}
