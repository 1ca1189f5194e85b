/**
 * `flags experiment create|start|pause|resume|complete|cancel|list|show`
 * (SPEC 4.1): thin wrappers over the store's experiment edits and reader.
 * Events are in experiment-events.ts, results in experiment-results.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type Diagnostic } from '../../errors.js';
import type { ArmSpec, LifecycleAction } from '../../experiments/lifecycle.js';
import { hasAtMostTwoDecimals } from '../../schema/checks.js';
import { decodeUtf8Text } from '../../schema/utf8.js';
import { applyExperimentAction, createExperiment } from '../../store/experiment-edits.js';
import { readNumber, withReason } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';
import { renderActionMessage, renderCreateMessage, renderExperimentDetails, renderExperimentList } from '../render/experiment.js';
import { editOptions } from '../render/edit.js';
import { findExperiment, loadExperiments } from './experiment-common.js';
import { relativizeDiagnostics, renderDiagnosticLine } from '../render/diagnostics.js';

export interface ExperimentCreateOptions {
  flag: string;
  name: string;
  description?: string;
  control?: string;
  treatment?: string[];
  metric: string;
  secondaryMetric?: string[];
  owner?: string;
}

export async function runExperimentCreate(ctx: CommandContext, id: string, opts: ExperimentCreateOptions): Promise<void> {
  if (opts.control === undefined || !opts.treatment?.length) {
    // Arms may come from an existing flag's variants (SPEC 8); for a new flag they are required options.
    const flags = await ctx.loadFlags();
    if (!flags.entries.has(opts.flag)) {
      throw new UsageError(`flag "${opts.flag}" does not exist: give --control KEY[:NAME] and at least one --treatment KEY[:NAME][:WEIGHT] to create it, or name an existing flag with variants`);
    }
  }
  const result = await createExperiment(
    ctx.flagsDir,
    {
      id,
      name: opts.name,
      description: opts.description,
      flagKey: opts.flag,
      ...(opts.control === undefined ? {} : { control: parseControl(opts.control) }),
      ...(opts.treatment?.length ? { treatments: opts.treatment.map(parseTreatment) } : {}),
      primaryMetric: opts.metric,
      secondaryMetrics: opts.secondaryMetric,
      owner: opts.owner,
    },
    editOptions(ctx),
  );
  ctx.warnAboutErrors(result.otherErrors);
  if (ctx.json) {
    const { otherErrors: _, ...rest } = result;
    return ctx.printJson({ ...rest, file: ctx.relative(result.file), flagFile: ctx.relative(result.flagFile) });
  }
  ctx.out(renderCreateMessage(ctx, result));
}

export async function runExperimentAction(ctx: CommandContext, action: LifecycleAction, id: string): Promise<void> {
  const result = await applyExperimentAction(ctx.flagsDir, id, action, editOptions(ctx));
  ctx.warnAboutErrors(result.otherErrors);
  if (ctx.json) {
    const { otherErrors: _, flag, ...rest } = result;
    return ctx.printJson({
      ...rest,
      file: ctx.relative(result.file),
      flag: flag && { key: flag.key, file: ctx.relative(flag.file), changed: flag.changed, enabled: flag.enabled, effective: flag.effective },
    });
  }
  ctx.out(renderActionMessage(ctx, result));
}

export async function runExperimentList(ctx: CommandContext): Promise<void> {
  const { experiments } = await loadExperiments(ctx);
  const list = [...experiments.experiments.values()].sort((a, b) => a.id.localeCompare(b.id));
  if (ctx.json) return ctx.printJson(list);
  ctx.out(renderExperimentList(ctx, list));
}

export async function runExperimentShow(ctx: CommandContext, id: string): Promise<void> {
  const { flags, experiments } = await loadExperiments(ctx);
  const invalid = experiments.experiments.has(id) ? [] : experiments.files.filter((f) => f.id === id || path.basename(f.file).replace(/\.ya?ml$/i, '') === id);
  if (invalid.length === 1) return showInvalidExperiment(ctx, id, invalid[0].file, experiments.diagnostics);
  const experiment = findExperiment(ctx, experiments, id);
  if (ctx.json) return ctx.printJson(experiment);
  // Findings about this experiment (a status that disagrees with its flag, …) belong on its page.
  const findings = relativizeDiagnostics(
    experiments.diagnostics.filter((d) => experiments.files.some((f) => f.file === d.file && f.id === id)),
    ctx.io.cwd,
  );
  ctx.out(renderExperimentDetails(ctx, experiment, flags.flags.get(experiment.flagKey), findings));
}

/** An invalid experiment stays visible: its problems, then the definition as written; exit 1. */
function showInvalidExperiment(ctx: CommandContext, id: string, file: string, diagnostics: Diagnostic[]): void {
  ctx.exitCode = 1;
  const problems = relativizeDiagnostics(diagnostics.filter((d) => d.file === file && d.severity === 'error'), ctx.io.cwd);
  // null when the file is not UTF-8: the text decoded loosely would show U+FFFD as what is written (its problem names the byte).
  let source: string | null = '';
  try {
    const decoded = decodeUtf8Text(readFileSync(file));
    source = decoded.ok ? decoded.text.replace(/\s+$/, '') : null;
  } catch {
    // Unreadable: its problems say so.
  }
  if (ctx.json) return ctx.printJson({ id, invalid: true, file: ctx.relative(file), source, problems });
  const n = problems.length;
  ctx.out(ctx.chalk.red.bold(`experiment ${id}: INVALID (${n} problem${n === 1 ? '' : 's'}); no lifecycle action or result until fixed`));
  for (const d of problems) ctx.out(`  ${renderDiagnosticLine(d, ctx.chalk)}`);
  ctx.out('');
  if (source === null) return ctx.out(`as written in ${ctx.relative(file)}: not shown, it is not valid UTF-8 (the problem above names the first bad byte)`);
  ctx.out(`as written in ${ctx.relative(file)}:`);
  for (const line of source.split('\n')) ctx.out(`  ${line}`);
}

// ---- arm options ----

/** `--control KEY[:NAME]`: everything after the first colon is the name. */
export function parseControl(raw: string): { key: string; name?: string } {
  const colon = raw.indexOf(':');
  if (colon === 0) throw new UsageError(`--control expects KEY[:NAME], got "${raw}"`);
  if (colon < 0) return { key: raw };
  const name = raw.slice(colon + 1);
  return { key: raw.slice(0, colon), ...(name === '' ? {} : { name }) };
}

/**
 * `--treatment KEY[:NAME][:WEIGHT]`: the key is up to the first colon; a last
 * part that is a number (optionally with %) is the weight, so `green:20`,
 * `green::20` and `green:Green:20` all give green 20%, and a name may contain colons.
 */
export function parseTreatment(raw: string): ArmSpec {
  const colon = raw.indexOf(':');
  if (colon === 0 || raw === '') throw new UsageError(`--treatment expects KEY[:NAME][:WEIGHT], got "${raw}"`);
  if (colon < 0) return { key: raw };
  const key = raw.slice(0, colon);
  const rest = raw.slice(colon + 1);
  const last = rest.lastIndexOf(':');
  const tail = rest.slice(last + 1);
  let name = rest;
  let weight: number | undefined;
  // Read like every percentage on the command line (flag-values.ts): `20`, `12.5`, `20%`, `2e1`.
  const reading = readNumber(tail.trim().replace(/\s*%$/, ''));
  if (reading.ok) {
    if (reading.value < 0 || reading.value > 100 || !hasAtMostTwoDecimals(reading.value)) {
      throw new UsageError(`--treatment ${raw}: weight ${tail} must be 0–100 with at most two decimals`);
    }
    weight = reading.value;
    name = last < 0 ? '' : rest.slice(0, last);
  } else if (reading.reason !== undefined || (last >= 0 && tail !== '' && /^[\d.%+-]+$/.test(tail))) {
    // A decimal no number holds (`1e999`), or digits and signs that read as no number (`1.2.3`, `-`).
    throw new UsageError(withReason(`--treatment ${raw}: weight "${tail}" is not a percentage (0–100, up to two decimals)`, reading));
  }
  return { key, ...(name === '' ? {} : { name }), ...(weight === undefined ? {} : { weight }) };
}

