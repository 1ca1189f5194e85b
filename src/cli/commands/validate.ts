/**
 * `flags validate [--format text|json|github] [--strict]` (SPEC 1.3, 3): every
 * finding of every flag and experiment file, at its file:line:col.
 * Exit 0 when valid, 1 on any error (with --strict: any warning).
 */
import { Chalk } from 'chalk';
import { UsageError, type Diagnostic } from '../../errors.js';
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
  const { listFlagFiles, readFlagFile } = await import('../../store/flag-repo.js');
  const validator = new FlagSetValidator({ keepEntries: false });
  const problems: Diagnostic[] = [];
  for (const file of await listFlagFiles(ctx.flagsDir, problems)) validator.add(await readFlagFile(file));
  const flags = validator.finish();
  const experiments = await readExperimentSet(ctx.flagsDir, flags);
  const files = [...flags.fileNames, ...experiments.files.map((f) => f.file)];
  const diagnostics = relativizeDiagnostics([...flags.diagnostics, ...problems, ...experiments.diagnostics].sort(compareDiagnostics), ctx.io.cwd, files);
  const totals = { flags: flags.flags.size, experiments: experiments.experiments.size, files: files.length };

  if (format === 'json') {
    ctx.out(renderDiagnosticsJson(diagnostics, { strict }));
  } else if (format === 'github') {
    if (diagnostics.length > 0) ctx.out(renderDiagnosticsGithub(diagnostics));
    // A plain line is only a log line for the runner; it says what happened when nothing was annotated.
    ctx.out(renderSummary(diagnostics, totals, { chalk: noColour, strict }));
  } else {
    ctx.out(renderDiagnosticsText(diagnostics, totals, { chalk: ctx.chalk, strict }));
  }
  ctx.exitCode = isPassing(diagnostics, { strict }) ? 0 : 1;
}

// Workflow commands are parsed by the runner: never colour them, whatever the terminal.
const noColour = new Chalk({ level: 0 });
