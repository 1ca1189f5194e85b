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
    },
    editOptions(ctx),
  );
  renderEdit(ctx, result, createMessage(ctx, result));
}

export function createMessage(ctx: CommandContext, r: CreateResult): string {
  return `Created flag ${r.key} in ${ctx.relative(r.file)} (disabled; turn it on with \`flags toggle ${r.key} --on\`)`;
}
