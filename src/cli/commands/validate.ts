/**
 * `flags validate [--format text|json|github] [--strict]` (SPEC 1.3, 3): every
 * finding of every flag and experiment file, at its file:line:col.
 * Exit 0 when valid, 1 on any error (with --strict: any warning).
 */
import { Chalk } from 'chalk';
import { UsageError, type Diagnostic } from '../../errors.js';
import { unknownEnvironmentFindings } from '../../schema/project-config.js';
import { compareDiagnostics, FlagSetValidator } from '../../schema/validate.js';
import { readExperimentSet } from '../../store/experiment-repo.js';
import type { CommandContext } from '../context.js';
import {
  DIAGNOSTIC_FORMATS,
  isPassing,
  relativizeDiagnostics,
  renderDiagnosticsGithub,
  renderDiagnosticsJson,
  renderDiagnosticsText,
  renderSummary,
  type DiagnosticFormat,
} from '../render/diagnostics.js';

export interface ValidateOptions {
  format?: string;
  strict?: boolean;
  /** Also run the flag test specs (issue 20): one CI step for both. */
  tests?: boolean;
}

export async function runValidate(ctx: CommandContext, opts: ValidateOptions): Promise<void> {
  // The global --json is the json format; an explicit --format wins.
  const format = (opts.format ?? (ctx.json ? 'json' : 'text')) as DiagnosticFormat;
  if (!DIAGNOSTIC_FORMATS.includes(format)) throw new UsageError(`unknown format "${format}" (use text, json or github)`);
  const strict = opts.strict === true;

  // Read and check one file at a time and let each document go: a flags
  // directory of thousands of files is what CI runs this on, and holding every
  // parsed document until the end costs more (in garbage collection) than all
  // the checks together. Other commands keep the documents (ctx.loadFlags).
  const { listFlagFilesSync, readFlagFileSync, readSegments } = await import('../../store/flag-repo.js');
  // Project settings (SPEC 5): names under `environments:` the project does not list are warnings.
  const known = ctx.settings.environments.value;
  const validator = new FlagSetValidator({
    keepEntries: false,
    segments: readSegments(ctx.flagsDir),
    now: ctx.now(),
    entryChecks: known ? [(raw) => unknownEnvironmentFindings(raw, known)] : [],
  });
  const problems: Diagnostic[] = [];
  for (const file of listFlagFilesSync(ctx.flagsDir, problems)) validator.add(readFlagFileSync(file));
  const flags = validator.finish();
  const experiments = await readExperimentSet(ctx.flagsDir, flags);
  const files = [...flags.fileNames, ...experiments.files.map((f) => f.file)];
  const diagnostics = relativizeDiagnostics([...flags.diagnostics, ...problems, ...experiments.diagnostics].sort(compareDiagnostics), ctx.io.cwd, files);
  const totals = { flags: flags.flags.size, experiments: experiments.experiments.size, files: files.length };

  // ---- validate --tests (issue 20): the specs run against the flags just validated ----
  const tests = opts.tests ? await (await import('./test.js')).runFlagTests(ctx, flags, []) : undefined;
  const render = tests && (await import('../render/flag-tests.js'));

  if (format === 'json') {
    const out = renderDiagnosticsJson(diagnostics, { strict });
    ctx.out(tests && render ? JSON.stringify({ ...JSON.parse(out), tests: render.renderTestsJson(tests) }, null, 2) : out);
  } else if (format === 'github') {
    if (diagnostics.length > 0) ctx.out(renderDiagnosticsGithub(diagnostics));
    // A plain line is only a log line for the runner; it says what happened when nothing was annotated.
    ctx.out(renderSummary(diagnostics, totals, { chalk: noColour, strict }));
    if (tests && render) ctx.out(render.renderTestsGithub(tests));
  } else {
    ctx.out(renderDiagnosticsText(diagnostics, totals, { chalk: ctx.chalk, strict }));
    if (tests && render) ctx.out('\n' + render.renderTestsText(tests, ctx.chalk));
  }
  ctx.exitCode = isPassing(diagnostics, { strict }) && (tests?.passed ?? true) ? 0 : 1;
}

// Workflow commands are parsed by the runner: never colour them, whatever the terminal.
const noColour = new Chalk({ level: 0 });
