/**
 * The authoring commands of SPEC 6: `rule add|remove|move`, `weights`, `tag`,
 * `delete`. Thin: parse the options (the `--when` language in schema/when.ts),
 * call the store's edit, render like every other edit.
 */
import { UsageError } from '../../errors.js';
import { parseWhen } from '../../schema/when.js';
import { addRule, deleteFlag, editTags, moveRule, removeRule, setWeights, type RuleEditResult } from '../../store/rule-edits.js';
import { parsePercentage, readInteger } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';
import { editOptions, renderEdit } from '../render/edit.js';
import { warnRunningExperiment } from '../running-experiment.js';

export interface RuleAddOptions {
  id?: string;
  when?: string[];
  value?: string;
  percentage?: string;
  before?: string;
  position?: string;
  env?: string;
  description?: string;
}

export async function runRuleAdd(ctx: CommandContext, key: string, opts: RuleAddOptions): Promise<void> {
  if (opts.id === undefined) throw new UsageError('missing --id ID (the new rule\'s id)');
  if (opts.value === undefined) throw new UsageError('missing --value V (what the rule serves)');
  const conditions = (opts.when ?? []).map(parseWhen);
  const result = await addRule(
    ctx.flagsDir,
    key,
    {
      id: opts.id,
      conditions,
      value: opts.value,
      ...(opts.percentage !== undefined && { percentage: parsePercentage(opts.percentage, 'percentage') }),
      ...(opts.description !== undefined && { description: opts.description }),
    },
    { ...editOptions(ctx), env: opts.env, before: opts.before, position: positionOption(opts.position) },
  );
  let message = `Added rule ${result.ruleId} to ${result.key}${envText(result)} at position ${result.order.indexOf(result.ruleId) + 1}: ${result.order.join(', ')}`;
  if (result.createdEnvironmentRules) message += `\nnote: environment "${result.env}" now has rules of its own, which replace the flag's rules there`;
  renderEdit(ctx, result, message);
}

export async function runRuleRemove(ctx: CommandContext, key: string, id: string, opts: { env?: string }): Promise<void> {
  const result = await removeRule(ctx.flagsDir, key, id, { ...editOptions(ctx), env: opts.env });
  renderEdit(ctx, result, `Removed rule ${id} from ${result.key}${envText(result)}; rules now: ${result.order.length ? result.order.join(', ') : 'none'}`);
}

export async function runRuleMove(ctx: CommandContext, key: string, id: string, opts: { before?: string; position?: string; env?: string }): Promise<void> {
  if (opts.before === undefined && opts.position === undefined) throw new UsageError('say where to move the rule: --before ID or --position N');
  const result = await moveRule(ctx.flagsDir, key, id, { ...editOptions(ctx), env: opts.env, before: opts.before, position: positionOption(opts.position) });
  const at = result.order.indexOf(id) + 1;
  renderEdit(ctx, result, result.changed ? `Moved rule ${id} of ${result.key}${envText(result)} to position ${at}: ${result.order.join(', ')}` : `Rule ${id} of ${result.key}${envText(result)} is already at position ${at} (nothing changed)`);
}

export async function runWeights(ctx: CommandContext, key: string, pairs: string[]): Promise<void> {
  if (pairs.length === 0) throw new UsageError('give the weights as VARIANT=WEIGHT…, e.g. blue=50 green=50');
  const weights = pairs.map((p): [string, number] => {
    const m = /^([^=]+)=(.*)$/.exec(p);
    if (!m) throw new UsageError(`"${p}" is not VARIANT=WEIGHT (e.g. blue=50)`);
    return [m[1], parsePercentage(m[2], `weight of ${m[1]}`)];
  });
  const result = await setWeights(ctx.flagsDir, key, weights, editOptions(ctx));
  const text = result.weights.map((w) => (w.before === w.after ? `${w.key} ${w.after}%` : `${w.key} ${w.before}% → ${w.after}%`)).join(', ');
  renderEdit(ctx, result, result.changed ? `Weights of ${result.key}: ${text}` : `Weights of ${result.key} are already ${text} (nothing changed)`);
  await warnRunningExperiment(ctx, key, result.changed, 'changing the weights');
}

export async function runTag(ctx: CommandContext, key: string, opts: { add?: string[]; remove?: string[] }): Promise<void> {
  if (!opts.add?.length && !opts.remove?.length) throw new UsageError('give --add TAG or --remove TAG (repeatable)');
  const result = await editTags(ctx.flagsDir, key, { add: opts.add, remove: opts.remove }, editOptions(ctx));
  const parts = [...result.added.map((t) => `+${t}`), ...result.removed.map((t) => `-${t}`)];
  renderEdit(ctx, result, result.changed ? `Tags of ${result.key}: ${parts.join(' ')} → ${result.tags.join(', ') || '(none)'}` : `Tags of ${result.key} are already ${result.tags.join(', ') || '(none)'} (nothing changed)`);
}

export async function runDelete(ctx: CommandContext, key: string): Promise<void> {
  const result = await deleteFlag(ctx.flagsDir, key, editOptions(ctx));
  if (ctx.json) return ctx.printJson({ ...result, file: ctx.relative(result.file) });
  ctx.out(result.removedFile ? `Deleted flag ${key} (removed ${ctx.relative(result.file)})` : `Deleted flag ${key} from ${ctx.relative(result.file)}`);
}

function envText(r: Pick<RuleEditResult, 'env'>): string {
  return r.env === undefined ? '' : ` in ${r.env}`;
}

function positionOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // The store checks the range against the rules there are (0 included, so its message names the top); a position past 2^53 is out of it anyway.
  const position = readInteger(text, 0, Number.MAX_SAFE_INTEGER);
  if (position === undefined) throw new UsageError(`--position must be a whole number from 1, got "${text}"`);
  return position;
}
