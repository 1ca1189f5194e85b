/**
 * `flags diff [BASE]`: the flag set at git revision BASE (default HEAD) against
 * the working tree, with risk and blast radius (SPEC 3). Exits 0 whether or
 * not there are changes, so CI can post the report and let reviewers decide;
 * an unknown revision or a malformed contexts file is exit 1. Invalid files on
 * either side (a file at BASE that is not UTF-8 among them) are listed in the
 * report and what they define is not compared; the rest is diffed.
 */
import path from 'node:path';
import type { EvaluationContext } from '../../evaluation/index.js';
import { FlagsError, UsageError, type Diagnostic } from '../../errors.js';
import { DEFAULT_USERS_PER_SEGMENT } from '../../review/blast-radius.js';
import { reviewFlagChanges, reviewOverContexts, type FlagReview } from '../../review/review.js';
import type { FlagSet } from '../../schema/validate.js';
import { readExperimentFilesAtRevision, readFlagSetAtRevision } from '../../store/git.js';
import { diffExperiments, type ExperimentDiff } from '../../review/diff-experiments.js';
import type { ParsedExperimentFile } from '../../schema/parse-file.js';
import { readExperimentsSync } from '../../store/experiment-repo.js';
import { readJsonLines } from '../../store/jsonl.js';
import { isPlainObject } from '../context-args.js';
import type { CommandContext } from '../context.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText, type DiffReport } from '../render/diff.js';
import { neutralizeControls } from '../render/terminal.js';
import { relativizeDiagnostics } from '../render/diagnostics.js';

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
  const invalid = errorsOf(ctx, working.diagnostics, fileNamesOf(working));
  const invalidExperiments = errorsOf(ctx, experiments.invalid.head);
  // The stderr line every command prints about broken files (SPEC 1.1); the report also lists them.
  ctx.warnAboutErrors([...working.diagnostics, ...experiments.invalid.head]);
  // The base's invalid files, except those broken the same way on the new side (listed there once).
  const seen = new Set([...invalid, ...invalidExperiments].map(diagnosticId));
  const invalidAtBase = errorsOf(ctx, [...old.flagSet.diagnostics, ...experiments.invalid.base], fileNamesOf(old.flagSet)).filter((d) => !seen.has(diagnosticId(d)));

  const report: DiffReport = {
    base: revision,
    commit: old.commit,
    baseHasFlagsDir: old.hasFlagsDir,
    review,
    files: filesOf(ctx, working),
    baseFiles: filesOf(ctx, old.flagSet),
    invalid,
    invalidExperiments,
    invalidAtBase,
    contextsLabel: opts.contexts === undefined ? undefined : opts.contexts === '-' ? 'stdin' : ctx.relative(path.resolve(ctx.io.cwd, opts.contexts)),
    usersPerSegment: DEFAULT_USERS_PER_SEGMENT,
    experiments: experiments.diff,
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

/** The errors among `diagnostics`, with paths (in messages too, for `files`) relative to the current directory. */
function errorsOf(ctx: CommandContext, diagnostics: readonly Diagnostic[], files: readonly string[] = []): Diagnostic[] {
  return relativizeDiagnostics(
    diagnostics.filter((d) => d.severity === 'error'),
    ctx.io.cwd,
    files,
  );
}

/** The flag and segment files of a set, which messages may name. */
function fileNamesOf(set: FlagSet): string[] {
  return [...set.files.map((f) => f.file), ...(set.segments?.fileNames ?? [])];
}

function diagnosticId(d: Diagnostic): string {
  return [d.file, d.line, d.column, d.code, d.message].join('\0');
}

/**
 * The experiment definitions of both sides (the working tree's, or `head`'s),
 * compared. A definition whose file is not UTF-8 on either side is not
 * compared (its decoded text would show changes nobody made): its file is
 * listed among that side's invalid files instead.
 */
async function experimentChanges(ctx: CommandContext, base: string, head: string | undefined): Promise<{ diff: ExperimentDiff; invalid: { base: Diagnostic[]; head: Diagnostic[] } }> {
  const before = experimentSide(await readExperimentFilesAtRevision(ctx.flagsDir, base));
  const after = experimentSide(head !== undefined ? await readExperimentFilesAtRevision(ctx.flagsDir, head) : readExperimentsSync(ctx.flagsDir));
  // Skipped by id, and by file name on the other side: an id with the bad byte in it reads differently there.
  const skip = new Set<string>();
  for (const [side, other] of [
    [before, after],
    [after, before],
  ]) {
    for (const f of side.notUtf8) {
      skip.add(side.idOf.get(f)!);
      const id = other.idOf.get(f);
      if (id !== undefined) skip.add(id);
    }
  }
  return { diff: diffExperiments(before.byId, after.byId, skip), invalid: { base: before.invalid, head: after.invalid } };
}

/** One side's definitions by id (as written, valid or not), the id of each file name, and its files that are not UTF-8. */
function experimentSide(files: readonly ParsedExperimentFile[]) {
  const byId = new Map<string, unknown>();
  const idOf = new Map<string, string>();
  const notUtf8: string[] = [];
  const invalid: Diagnostic[] = [];
  for (const f of files) {
    const name = path.basename(f.file);
    const js = f.js as Record<string, unknown> | undefined;
    const id = js && typeof js.id === 'string' ? js.id : name.replace(/\.ya?ml$/i, '');
    byId.set(id, js ?? null);
    idOf.set(name, id);
    const bad = f.diagnostics.filter((d) => d.code === 'INVALID_UTF8');
    if (bad.length > 0) notUtf8.push(name);
    invalid.push(...bad);
  }
  return { byId, idOf, notUtf8, invalid };
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
