/**
 * `flags create KEY --type T --default V [--name] [--description] [--owner] [--tag T]…`
 * (SPEC 3): writes `<flags dir>/KEY.yaml` in the one-flag form, disabled.
 */
import { UsageError } from '../../errors.js';
import { FLAG_TYPES, type FlagType } from '../../schema/flag.js';
import { createFlag, parseFlagValue, type CreateResult } from '../../store/flag-edits.js';
import type { CommandContext } from '../context.js';
import { editOptions, renderEdit } from '../render/edit.js';

export interface CreateOptions {
  type: string;
  default: string;
  name?: string;
  description?: string;
  owner?: string;
  tag?: string[];
  expires?: string;
}

export async function runCreate(ctx: CommandContext, key: string, opts: CreateOptions): Promise<void> {
  if (!(FLAG_TYPES as readonly string[]).includes(opts.type)) throw new UsageError(`--type must be one of ${FLAG_TYPES.join(', ')}, got "${opts.type}"`);
  const type = opts.type as FlagType;
  const result = await createFlag(
    ctx.flagsDir,
    {
      key,
      type,
      defaultValue: parseFlagValue(type, opts.default, '--default'),
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

export function createMessage(ctx: CommandContext, r: CreateResult): string {
  return `Created flag ${r.key} in ${ctx.relative(r.file)} (disabled; turn it on with \`flags toggle ${r.key} --on\`)`;
}

/** `--expires 2027-03-01`: a real calendar date (2027-02-30 is refused), written as given. */
export function parseExpiryDate(raw: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.toISOString().slice(0, 10) !== raw) throw new UsageError(`--expires must be a date like 2027-03-01, got "${raw}"`);
  return raw;
}
