/**
 * `flags generate --lang ts [--out FILE] [--check]` (issue 20): a typed module
 * of flag keys and value types. Without --out it prints the module; with
 * --out it writes it atomically; --check writes nothing and exits 1 when the
 * file is missing or differs (for CI).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildCodegenModel, TEMPLATES, templateFor } from '../../codegen/index.js';
import { FlagsError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import type { CommandContext } from '../context.js';

export interface GenerateOptions {
  lang: string;
  out?: string;
  check?: boolean;
}

export async function runGenerate(ctx: CommandContext, opts: GenerateOptions): Promise<void> {
  const template = templateFor(opts.lang);
  if (!template) throw new UsageError(`--lang must be one of ${TEMPLATES.map((t) => t.lang).join(', ')}, got "${opts.lang}"`);
  if (opts.check && opts.out === undefined) throw new UsageError('--check needs --out FILE: the file to compare with');

  const flags = await ctx.loadFlags({ warn: false });
  // A flag that does not validate has no trustworthy type: generating without it would drop a key code may use.
  if (flags.invalidKeys.size > 0) {
    const keys = [...flags.invalidKeys].sort();
    throw new FlagsError('FLAGS_INVALID', `cannot generate: ${keys.length} flag${keys.length === 1 ? ' is' : 's are'} invalid (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}); run \`flags validate\``);
  }
  const out = opts.out === undefined ? undefined : path.resolve(ctx.io.cwd, opts.out);
  const command = `npx flags generate --lang ${template.lang}${out ? ` --out ${toPosix(ctx.relative(out))}` : ''}`;
  const text = template.render(buildCodegenModel(flags.flags.values()), { command });

  if (out === undefined) {
    ctx.io.stdout.write(text);
    return;
  }
  const shown = ctx.relative(out);
  if (opts.check) {
    // Compared as bytes: decoded loosely, a bad byte read as U+FFFD and matched a generated U+FFFD ("up to date").
    let current: Buffer | undefined;
    try {
      current = readFileSync(out);
    } catch {
      current = undefined;
    }
    if (current?.equals(Buffer.from(text, 'utf8'))) {
      ctx.out(`${shown} is up to date (${flags.flags.size} flags)`);
      return;
    }
    ctx.err(`${current === undefined ? `${shown} does not exist` : `${shown} is out of date`}; run \`${command}\``);
    ctx.exitCode = 1;
    return;
  }
  mkdirSync(path.dirname(out), { recursive: true });
  await writeFileAtomic(out, text, { displayName: shown });
  ctx.out(`Wrote ${shown}: ${template.name} types for ${flags.flags.size} flag${flags.flags.size === 1 ? '' : 's'}`);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
