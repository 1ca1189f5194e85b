/**
 * `flags create KEY --type T --default V [--name] [--description] [--owner] [--tag T]…`
 * (SPEC 3): writes `<flags dir>/KEY.yaml` in the one-flag form, disabled.
 */
import { UsageError } from '../../errors.js';
import { FLAG_TYPES, type Fallthrough, type FlagType, type JsonValue } from '../../schema/flag.js';
import { servesOnlyDefault } from '../../schema/no-effect.js';
import { createFlag, parseFlagValue, type CreateResult } from '../../store/flag-edits.js';
import { parsePercentage } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';
import { editOptions, renderEdit } from '../render/edit.js';
import { renderValue } from '../render/flag.js';

export interface CreateOptions {
  type: string;
  default: string;
  name?: string;
  description?: string;
  owner?: string;
  tag?: string[];
  expires?: string;
  onValue?: string;
  rollout?: string;
}

export async function runCreate(ctx: CommandContext, key: string, opts: CreateOptions): Promise<void> {
  if (!(FLAG_TYPES as readonly string[]).includes(opts.type)) throw new UsageError(`--type must be one of ${FLAG_TYPES.join(', ')}, got "${opts.type}"`);
  const type = opts.type as FlagType;
  const defaultValue = parseFlagValue(type, opts.default, '--default');
  const fallthrough = fallthroughOf(type, defaultValue, opts);
  const result = await createFlag(
    ctx.flagsDir,
    {
      key,
      type,
      defaultValue,
      fallthrough,
      name: opts.name,
      description: opts.description,
      owner: opts.owner,
      tags: opts.tag,
      ...(opts.expires !== undefined && { expiresAt: parseExpiryDate(opts.expires) }),
    },
    editOptions(ctx),
  );
  renderEdit(ctx, result, createMessage(ctx, result));
}

/**
 * `--on-value V` and `--rollout P` write a fallthrough: what the flag serves
 * once it is turned on. A boolean flag's on-value defaults to the opposite of
 * its default; other types need --on-value with --rollout.
 */
function fallthroughOf(type: FlagType, defaultValue: JsonValue, opts: CreateOptions): Fallthrough | undefined {
  if (opts.onValue === undefined && opts.rollout === undefined) return undefined;
  let value: JsonValue;
  if (opts.onValue !== undefined) value = parseFlagValue(type, opts.onValue, '--on-value');
  else if (type === 'boolean') value = defaultValue !== true;
  else throw new UsageError(`--rollout of a ${type} flag needs --on-value: the value to roll out`);
  if (opts.rollout === undefined) return { value };
  return { percentage: parsePercentage(opts.rollout, '--rollout'), value };
}

export function createMessage(ctx: CommandContext, r: CreateResult): string {
  const ft = r.flag.fallthrough;
  const serves = ft ? `: it then serves ${renderValue(ft.value)} to ${ft.percentage === undefined ? 'every context' : `${ft.percentage}% of contexts`} no rule matches` : '';
  const note = !ft || servesOnlyDefault({ ...r.flag, enabled: true }) ? '; it serves its default value until it gets a rule or a fallthrough (--on-value, --rollout)' : '';
  return `Created flag ${r.key} in ${ctx.relative(r.file)} (disabled; turn it on with \`flags toggle ${r.key} --on\`${serves}${note})`;
}

/** `--expires 2027-03-01`: a real calendar date (2027-02-30 is refused), written as given. */
export function parseExpiryDate(raw: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== raw) throw new UsageError(`--expires must be a date like 2027-03-01, got "${raw}"`);
  return raw;
}
