import type { CommandContext } from '../context.js';
import { withDefaults } from '../render/flag.js';
import { invalidFlagPlaces } from '../render/invalid-flag.js';
import { renderTable } from '../render/table.js';
import { loadServedFlags } from '../served-flags.js';

export async function runList(ctx: CommandContext, opts: { tag?: string; segments?: boolean }): Promise<void> {
  if (opts.segments) return (await import('./segments.js')).runListSegments(ctx, await ctx.loadFlags());
  const set = await loadServedFlags(ctx);
  let flags = [...set.flags.values()];
  if (opts.tag !== undefined) flags = flags.filter((f) => f.tags.includes(opts.tag!));
  // Invalid flags stay in view (marked), unless a tag filter is asked for: their tags cannot be trusted.
  const invalid = opts.tag === undefined ? invalidFlagPlaces(set) : [];
  if (ctx.json) {
    const marked = invalid.map((v) => ({ key: v.key, invalid: true, problems: v.problems.length, file: ctx.relative(v.file), line: v.line }));
    return ctx.printJson([...flags.map(withDefaults), ...marked]);
  }
  if (flags.length === 0 && invalid.length === 0) {
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
  for (const v of invalid) {
    const n = v.problems.length;
    rows.push([v.key, chalk.red('INVALID'), '', `${n} problem${n === 1 ? '' : 's'}`, '', `${ctx.relative(v.file)}:${v.line}`]);
  }
  ctx.out(renderTable(['key', 'enabled', 'type', 'tags', 'kill switch', 'owner'], rows, { color: ctx.color }));
  if (invalid.length > 0) {
    ctx.out(chalk.yellow(`${invalid.length} invalid flag${invalid.length === 1 ? ' is' : 's are'} not served (callers get their own default); run \`flags validate\` or \`flags show KEY\``));
  }
}
