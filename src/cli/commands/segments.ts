/** `flags list --segments` and `flags show --segment KEY` (SPEC 6). */
import { FlagsError } from '../../errors.js';
import { flagSegmentReferences, segmentReferences } from '../../schema/segment-checks.js';
import type { Segment } from '../../schema/segment.js';
import { didYouMean } from '../../schema/suggest.js';
import type { FlagSet } from '../../schema/validate.js';
import type { CommandContext } from '../context.js';
import { renderCondition } from '../render/flag.js';
import { renderTable } from '../render/table.js';

/** Segment key → the keys of the flags (and segments) that refer to it, directly. */
export function segmentUsers(set: FlagSet): Map<string, { flags: string[]; segments: string[] }> {
  const out = new Map<string, { flags: string[]; segments: string[] }>();
  const entry = (k: string) => {
    let e = out.get(k);
    if (!e) out.set(k, (e = { flags: [], segments: [] }));
    return e;
  };
  for (const flag of set.flags.values()) for (const k of new Set(flagSegmentReferences(flag).map((r) => r.key))) entry(k).flags.push(flag.key);
  for (const s of set.segments?.segments.values() ?? []) for (const k of new Set(segmentReferences(s.conditions, []).map((r) => r.key))) entry(k).segments.push(s.key);
  return out;
}

export async function runListSegments(ctx: CommandContext, set: FlagSet): Promise<void> {
  const segments = [...(set.segments?.segments.values() ?? [])];
  const users = segmentUsers(set);
  if (ctx.json) return ctx.printJson(segments.map((s) => ({ ...s, usedBy: users.get(s.key) ?? { flags: [], segments: [] } })));
  const invalid = [...(set.segments?.invalidKeys ?? [])];
  if (segments.length === 0 && invalid.length === 0) {
    ctx.out(`no segments in ${ctx.relative(ctx.flagsDir)}/segments`);
    return;
  }
  const rows = segments.map((s) => {
    const u = users.get(s.key);
    const used = [...(u?.flags ?? []), ...(u?.segments ?? []).map((k) => `segment ${k}`)];
    return [s.key, s.conditions.length === 0 ? 'every context' : s.conditions.map(renderCondition).join(' and '), used.length ? used.join(', ') : ctx.chalk.yellow('unused')];
  });
  for (const k of invalid) rows.push([k, ctx.chalk.red('invalid: run `flags validate`'), '']);
  ctx.out(renderTable(['key', 'conditions', 'used by'], rows, { color: ctx.color }));
}

export async function runShowSegment(ctx: CommandContext, set: FlagSet, key: string): Promise<void> {
  const segment: Segment | undefined = set.segments?.segments.get(key);
  if (!segment) {
    if (set.segments?.invalidKeys.has(key)) throw new FlagsError('SEGMENT_INVALID', `segment "${key}" has errors and is not served; run \`flags validate\``);
    throw new FlagsError('SEGMENT_NOT_FOUND', `no segment "${key}" in ${ctx.relative(ctx.flagsDir)}/segments${didYouMean(key, [...(set.segments?.places.keys() ?? [])])}`);
  }
  const users = segmentUsers(set).get(key) ?? { flags: [], segments: [] };
  if (ctx.json) return ctx.printJson({ ...segment, usedBy: users });
  const { chalk } = ctx;
  const lines = [chalk.bold(segment.key)];
  if (segment.description) lines.push(segment.description);
  lines.push('');
  lines.push(chalk.bold('conditions (all must hold)'));
  if (segment.conditions.length === 0) lines.push('  every context');
  for (const c of segment.conditions) lines.push(`  ${renderCondition(c)}`);
  lines.push('');
  lines.push(`${chalk.bold('used by flags')}  ${users.flags.length ? users.flags.join(', ') : 'none'}`);
  if (users.segments.length) lines.push(`${chalk.bold('used by segments')}  ${users.segments.join(', ')}`);
  ctx.out(lines.join('\n'));
}
