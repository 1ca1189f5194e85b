/**
 * The flags directory as commands that serve or list flags need it: the
 * served flags, where each key is defined, the keys not served, the findings
 * and the segments. Validated one file at a time (as `flags validate` reads
 * them), each YAML document let go once checked: these commands never need
 * the nodes, and holding every document (ctx.loadFlags) made `eval --all`
 * take twice the memory of `validate` (221 against 111 MiB for 5,000 flags)
 * and `list` 1,060 MiB for 50,000. Same findings, same warning on stderr.
 */
import type { Diagnostic } from '../errors.js';
import { compareDiagnostics } from '../schema/diagnostics.js';
import { FlagSetValidator, type FlagIndex } from '../schema/validate.js';
import type { CommandContext } from './context.js';

export type ServedFlags = Pick<FlagIndex, 'flags' | 'entries' | 'invalidKeys' | 'diagnostics' | 'segments'>;

export async function loadServedFlags(ctx: CommandContext): Promise<ServedFlags> {
  const { listFlagFilesSync, readFlagFileSync, readSegments } = await import('../store/flag-repo.js');
  const problems: Diagnostic[] = [];
  const validator = new FlagSetValidator({ keepEntries: false, segments: readSegments(ctx.flagsDir) });
  for (const file of listFlagFilesSync(ctx.flagsDir, problems)) validator.add(readFlagFileSync(file));
  const index = validator.finish();
  if (problems.length > 0) index.diagnostics = [...index.diagnostics, ...problems].sort(compareDiagnostics);
  ctx.warnAboutErrors(index.diagnostics);
  return index;
}
