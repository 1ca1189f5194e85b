/** Rendering shared by the commands that change flag files. */
import type { EditOptions, FlagEditResult } from '../../store/flag-edits.js';
import type { CommandContext } from '../context.js';
import { relativizeDiagnostics, renderDiagnosticLine } from './diagnostics.js';

/** What every edit result has (the create result too). */
type EditOutcome = Pick<FlagEditResult, 'key' | 'file' | 'flag' | 'diagnostics' | 'otherErrors'>;

export function editOptions(ctx: CommandContext): EditOptions {
  // Time comes through the injected io (tests pin it); edits write it to the second.
  return { displayDir: ctx.relative(ctx.flagsDir), timestamps: ctx.settings.timestamps.value, now: ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/**
 * Prints an edit's outcome: `--json` gets the result object (paths relative to
 * the current directory); otherwise the message on stdout, the changed flag's
 * warnings and the one-line note about broken files elsewhere on stderr.
 */
export function renderEdit(ctx: CommandContext, result: EditOutcome, message: string, opts: { explained?: string[] } = {}): void {
  const diagnostics = relativizeDiagnostics(result.diagnostics, ctx.io.cwd);
  const { otherErrors, ...rest } = result;
  ctx.warnAboutErrors(otherErrors);
  if (ctx.json) {
    ctx.printJson({ ...rest, file: ctx.relative(result.file), diagnostics });
    return;
  }
  ctx.out(message);
  // The flag's own errors (a kill written into a broken flag) are one line: the edit itself succeeded.
  const errors = diagnostics.filter((d) => d.severity === 'error');
  for (const d of diagnostics) {
    if (d.severity === 'error' || opts.explained?.includes(d.code)) continue;
    ctx.err(`${ctx.chalk.yellow('warning:')} ${renderDiagnosticLine(d, ctx.chalk)}`);
  }
  if (errors.length > 0) {
    const first = errors[0];
    const n = errors.length;
    // True for running services too: they keep the last valid version, with a kill or `enabled: false` applied (live-evaluator.ts).
    ctx.err(
      ctx.chalk.yellow(
        `warning: flag ${result.key} has ${n} error${n === 1 ? '' : 's'} (first: ${first.file}:${first.line}:${first.column} ${first.code}): \`flags eval\` and services started now do not serve it until they are fixed; running services keep its last valid version with the file's kill switch and \`enabled: false\` applied; run \`flags validate\``,
      ),
    );
  }
}
