/**
 * `flags diff [BASE]`: the flag set at git revision BASE (default HEAD) against
 * the working tree, with risk and blast radius (SPEC 3). Exits 0 whether or
 * not there are changes, so CI can post the report and let reviewers decide;
 * an unknown revision or a malformed contexts file is exit 1.
 */
import path from 'node:path';
import type { EvaluationContext } from '../../evaluation/index.js';
import { FlagsError, UsageError } from '../../errors.js';
import { DEFAULT_USERS_PER_SEGMENT } from '../../review/blast-radius.js';
import { reviewFlagChanges, reviewOverContexts, type FlagReview } from '../../review/review.js';
import type { FlagSet } from '../../schema/validate.js';
import { readExperimentTextsAtRevision, readFlagSetAtRevision } from '../../store/git.js';
import { readFileSync } from 'node:fs';
import { diffExperiments, type ExperimentDiff } from '../../review/diff-experiments.js';
import { parseExperimentFile } from '../../schema/parse-file.js';
import { listExperimentFiles } from '../../store/experiment-repo.js';
import { readJsonLines } from '../../store/jsonl.js';
import { isPlainObject } from '../context-args.js';
import type { CommandContext } from '../context.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffReport } from '../render/diff.js';
import { neutralizeControls } from '../render/terminal.js';

export const DIFF_FORMATS = ['text', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffOptions {
  format?: DiffFormat;
  contexts?: string;
}

export async function runDiff(ctx: CommandContext, base: string | undefined, opts: DiffOptions, head?: string): Promise<void> {
  if (ctx.json && opts.format !== undefined && opts.format !== 'json') throw new UsageError(`--json means --format json; it cannot be combined with --format ${opts.format}`);
  const format: DiffFormat = ctx.json ? 'json' : (opts.format ?? 'text');
  const revision = base ?? 'HEAD';

  // `flags diff A B` compares two revisions; otherwise the new side is the working tree.
  const headSet = head === undefined ? undefined : await readFlagSetAtRevision(ctx.flagsDir, head);
  const working = headSet?.flagSet ?? (await ctx.loadFlags({ warn: false }));
  const old = await readFlagSetAtRevision(ctx.flagsDir, revision, { unchanged: new Map(working.files.map((f) => [f.file, f])) });
  const review = opts.contexts === undefined ? reviewFlagChanges(old.flagSet, working) : await reviewWithContexts(ctx, old.flagSet, working, opts.contexts);

  const experiments = await experimentChanges(ctx, revision, head);
  const invalid = working.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, file: ctx.relative(d.file) }));
  // The stderr line every command prints about broken files (SPEC 1.1); the report also lists them.
  ctx.warnAboutErrors(working.diagnostics);

  const report: DiffReport = {
    base: revision,
    commit: old.commit,
    baseHasFlagsDir: old.hasFlagsDir,
    review,
    files: filesOf(ctx, working),
    baseFiles: filesOf(ctx, old.flagSet),
    invalid,
    contextsLabel: opts.contexts === undefined ? undefined : opts.contexts === '-' ? 'stdin' : ctx.relative(path.resolve(ctx.io.cwd, opts.contexts)),
    usersPerSegment: DEFAULT_USERS_PER_SEGMENT,
    experiments,
    addedFlags: new Map(review.added.flatMap((k) => (working.flags.has(k) ? [[k, working.flags.get(k)!] as const] : []))),
    ...(headSet && head !== undefined && { head: { revision: head, commit: headSet.commit } }),
  };
  if (format === 'json') return ctx.printJson(renderDiffJson(report));
  if (format === 'markdown') {
    // Markdown is also read in terminals (and CI logs): control characters from flag files are shown, never obeyed.
    ctx.io.stdout.write(neutralizeControls(renderDiffMarkdown(report), { color: false }));
    return;
  }
  ctx.out(renderDiffText(report, ctx.chalk));
}

/** The experiment definitions of both sides, compared (the working tree's, or `head`'s). */
async function experimentChanges(ctx: CommandContext, base: string, head: string | undefined): Promise<ExperimentDiff> {
  const byId = (texts: Iterable<[string, string]>) => {
    const out = new Map<string, unknown>();
    for (const [name, text] of texts) {
      const js = parseExperimentFile(name, text).js as Record<string, unknown> | undefined;
      const id = js && typeof js.id === 'string' ? js.id : name.replace(/\.ya?ml$/i, '');
      out.set(id, js ?? null);
    }
    return out;
  };
  const before = byId(await readExperimentTextsAtRevision(ctx.flagsDir, base));
  const afterTexts =
    head !== undefined
      ? await readExperimentTextsAtRevision(ctx.flagsDir, head)
      : new Map(listExperimentFiles(ctx.flagsDir).map((f): [string, string] => [path.basename(f), safeRead(f)]));
  return diffExperiments(before, byId(afterTexts));
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Streams the contexts file once, feeding every changed flag's counter. */
async function reviewWithContexts(ctx: CommandContext, before: FlagSet, after: FlagSet, source: string): Promise<FlagReview> {
  const review = reviewOverContexts(before, after);
  const file = source === '-' ? '-' : path.resolve(ctx.io.cwd, source);
  const label = source === '-' ? 'stdin' : ctx.relative(file);
  await readJsonLines(
    file,
    ctx.io.stdin,
    (value, line) => {
      if (!isPlainObject(value)) {
        throw new FlagsError('CONTEXT_INVALID', `${label}:${line}: a context must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
      }
      review.add(value as EvaluationContext);
    },
    { label },
  );
  return review.finish();
}

/** Key → the file that defines it, relative to the current directory (the first place for a duplicate). */
function filesOf(ctx: CommandContext, set: FlagSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, entries] of set.entries) if (entries.length > 0) out.set(key, ctx.relative(entries[0].file));
  return out;
}
