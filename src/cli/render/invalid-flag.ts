/**
 * Invalid flags stay visible (issue 12): `list` marks them, `show KEY` prints
 * the flag as written with its problems. Nothing here is served.
 */
import type { Diagnostic } from '../../errors.js';
import type { FlagIndex, FlagSet } from '../../schema/validate.js';

export interface InvalidFlagView {
  key: string;
  file: string;
  line: number;
  /**
   * The flag's own text (its mapping, or the whole file for a file that did
   * not parse); null when the file is not UTF-8: decoded loosely it would show
   * U+FFFD as what is written (its INVALID_UTF8 problem names the byte).
   */
  source: string | null;
  problems: Diagnostic[];
}

/** Each key defined but not served, where (for a duplicate: the first place) and its errors: what `list` shows. */
export function invalidFlagPlaces(set: Pick<FlagIndex, 'invalidKeys' | 'entries' | 'diagnostics'>, only?: string): Omit<InvalidFlagView, 'source'>[] {
  const out: Omit<InvalidFlagView, 'source'>[] = [];
  for (const key of [...set.invalidKeys].sort()) {
    if (only !== undefined && key !== only) continue;
    const place = set.entries.get(key)?.[0];
    if (!place) continue;
    const problems = set.diagnostics.filter((d) => d.severity === 'error' && (d.flagKey === key || (d.file === place.file && d.flagKey === undefined)));
    out.push({ key, file: place.file, line: place.position.line, problems });
  }
  return out;
}

/** invalidFlagPlaces with each flag's own text (its mapping, or the whole file that did not parse): what `show` prints. */
export function invalidFlags(set: FlagSet, only?: string): InvalidFlagView[] {
  return invalidFlagPlaces(set, only).map((view) => {
    const entry = set.entries.get(view.key)![0]!;
    const file = set.files.find((f) => f.file === entry.file);
    const range = (entry.node as { range?: [number, number, number] } | undefined)?.range;
    if (set.diagnostics.some((d) => d.code === 'INVALID_UTF8' && d.file === entry.file)) return { ...view, source: null };
    const text = file ? (file.bom ? file.text.slice(1) : file.text) : '';
    const source = range && file?.syntaxOk !== false ? sourceLines(text, range[0], range[2]) : text;
    return { ...view, source: source.replace(/\s+$/, '') };
  });
}

/** Whole lines from the one holding `start` to the one holding `end`, indentation as written. */
function sourceLines(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  return text.slice(from, end);
}
