/**
 * `flags build [--env E]… [--out DIR]` (SPEC 7): a JSON bundle per environment
 * and one without, for the runtime, the OpenFeature provider and `flags serve
 * --bundle`. Nothing is written unless every flag file is valid: a bundle
 * built from a broken set would silently drop the broken flags.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { FlagsError, UsageError } from '../../errors.js';
import { buildBundle, environmentsOf, renderBundle } from '../../bundle/build.js';
import { compareDiagnostics } from '../../schema/validate.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import type { CommandContext } from '../context.js';
import { relativizeDiagnostics, renderDiagnosticLine } from '../render/diagnostics.js';

export interface BuildOptions {
  env?: string[];
  out?: string;
}

/** Environment names become file names: nothing that could leave the output folder or hide. */
const FILE_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The file a bundle is written to, relative to the output folder. */
export function bundleFileName(environment: string | null): string {
  return environment === null ? 'flags.json' : `flags.${environment}.json`;
}

export async function runBuild(ctx: CommandContext, opts: BuildOptions): Promise<void> {
  for (const env of opts.env ?? []) {
    if (!FILE_SAFE.test(env)) throw new UsageError(`invalid --env "${env}": use letters, digits, ".", "_" and "-"`);
  }
  const set = await ctx.loadFlags({ warn: false });
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const shown = relativizeDiagnostics(errors.sort(compareDiagnostics), ctx.io.cwd, set.files.map((f) => f.file));
    for (const d of shown) ctx.err(renderDiagnosticLine(d, ctx.chalk));
    throw new FlagsError('BUILD_INVALID', `${errors.length} error${errors.length === 1 ? '' : 's'} in the flag files: no bundle written (run \`flags validate\`)`);
  }
  const flags = [...set.flags.values()];
  const environments = opts.env?.length ? [...new Set(opts.env)] : environmentsOf(flags);
  for (const env of environments) {
    if (!FILE_SAFE.test(env)) throw new FlagsError('BUILD_INVALID', `environment "${env}" cannot name a bundle file: use letters, digits, ".", "_" and "-" (or pass --env)`);
  }
  const out = path.resolve(ctx.io.cwd, opts.out ?? 'bundles');
  // Every bundle is built before the first is written: a failure leaves the folder as it was.
  // Segments (SPEC 6) travel with the flags that use them; only what evaluation needs (key, conditions).
  const segments = new Map([...(set.segments?.segments.values() ?? [])].map((s) => [s.key, { key: s.key, conditions: s.conditions }]));
  const bundles = [null, ...environments].map((environment) => ({ environment, bundle: buildBundle(flags, { environment, segments }) }));
  mkdirSync(out, { recursive: true });
  const written: { file: string; environment: string | null; version: string; flags: number }[] = [];
  for (const { environment, bundle } of bundles) {
    const file = path.join(out, bundleFileName(environment));
    await writeFileAtomic(file, renderBundle(bundle));
    written.push({ file: ctx.relative(file), environment, version: bundle.version, flags: Object.keys(bundle.flags).length });
  }
  if (ctx.json) {
    ctx.printJson({ bundles: written });
    return;
  }
  const width = Math.max(...written.map((w) => w.file.length));
  const envName = (w: (typeof written)[number]) => w.environment ?? '(no environment)';
  const envWidth = Math.max(...written.map((w) => envName(w).length));
  for (const w of written) ctx.out(`${w.file.padEnd(width)}  ${envName(w).padEnd(envWidth)}  ${w.flags} flag${w.flags === 1 ? '' : 's'}  ${w.version}`);
}
