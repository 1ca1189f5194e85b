/**
 * The history of every flag, per flag and not per file (issue 20, `flags
 * stale`): one `git log` pass over the flags directory lists, commit by
 * commit, the flag files that changed with their old and new blob ids; every
 * distinct blob is read in one `git cat-file --batch` and parsed once. A flag
 * changed in a commit when its parsed value (timestamps aside) differs
 * between the commit's old and new versions of the files it touched: an edit
 * of another flag in the same file, a comment, a reordering or a move to
 * another file is not a change of this flag.
 *
 * A version that is not UTF-8 is unreadable, not decoded into U+FFFD: the
 * values of the flags in it at that commit are unknown (their keys, plain
 * ASCII, are not: a flag removed there is removed), so its commit changes none
 * of them, and the next readable version is compared with the last
 * readable one (a file re-saved in Latin-1 and back is no change at all; a
 * change made in the Latin-1 version counts at the next readable one). Each
 * such version is listed in `unreadable`, for a warning.
 */
import { canonicalJson, flagState, type FlagState } from '../hygiene/flag-state.js';
import type { CommitRef } from '../hygiene/stale.js';
import { FlagSchema } from '../schema/flag.js';
import { parseFlagFile } from '../schema/parse-file.js';
import { decodeUtf8, utf8Problem } from '../schema/utf8.js';
import { MAX_FLAG_FILE_BYTES } from './flag-repo.js';
import { git, gitFailure, isFlagFilePath, locateInGit, readBlobs, type GitLocation } from './git.js';

export interface FlagChange extends CommitRef {
  /**
   * The flag's state after the commit; `deleted` when the commit removed it,
   * `invalid` when it did not pass the schema. Computed on first use: a report
   * only looks at the last few changes of each flag.
   */
  readonly state: FlagState | 'deleted' | 'invalid';
  /** The flag's value after the commit, canonical JSON without timestamps ('' when deleted). */
  value: string;
}

export interface FlagHistory {
  where: GitLocation;
  /** Commits that touched the flags directory (first-parent line of HEAD). */
  commits: number;
  /** Per key, the commits that changed the flag's value, oldest first. */
  changes: Map<string, FlagChange[]>;
  /** Versions that are not UTF-8, in commit order: the commit that wrote each, its path from the repository top, and the first bad byte. */
  unreadable: UnreadableVersion[];
}

export interface UnreadableVersion {
  commit: string;
  /** Path from the repository's top-level folder, with `/` separators. */
  path: string;
  /** `not valid UTF-8: byte 0xE9 at line 3, column 18 …` */
  problem: string;
}

/** The flags of a version that is not UTF-8: their keys are known, their values are not. */
const UNREADABLE = Symbol('unreadable');
type Read = Version | typeof UNREADABLE;

interface Version {
  value: string;
  raw: unknown;
}

const NO_BLOB = /^0+$/;

/**
 * A flag's comparable value: its data without the timestamps every edit
 * rewrites and without fields that only spell out a default (`killSwitch:
 * false`, `temporary: true`), as canonical JSON. Not the schema's parse: that
 * costs as much as the YAML parsing again for every version in the history,
 * and a version's state is needed only for the last few (FlagChange.state).
 */
export function versionOf(raw: unknown): Version {
  const data: Record<string, unknown> = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as object) } : { raw };
  delete data.createdAt;
  delete data.updatedAt;
  if (data.killSwitch === false) delete data.killSwitch;
  if (data.temporary === true) delete data.temporary;
  return { value: canonicalJson(data), raw };
}

function stateOfRaw(raw: unknown): FlagState | 'invalid' {
  const parsed = FlagSchema.safeParse(raw);
  return parsed.success ? flagState(parsed.data) : 'invalid';
}

function change(ref: CommitRef, version: Version | undefined): FlagChange {
  let state: FlagChange['state'] | undefined = version === undefined ? 'deleted' : undefined;
  return {
    ...ref,
    value: version?.value ?? '',
    get state() {
      return (state ??= stateOfRaw(version?.raw));
    },
  };
}

/**
 * Reads the history of every flag below `flagsDir` on the first-parent line of
 * HEAD: the main line, with each merge's changes at the time it landed. An
 * empty repository has an empty history.
 */
export async function readFlagHistory(flagsDir: string): Promise<FlagHistory> {
  const where = await locateInGit(flagsDir);
  const changes = new Map<string, FlagChange[]>();
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: where.root });
  if (head.code !== 0) return { where, commits: 0, changes, unreadable: [] };

  const args = ['log', '--first-parent', '--reverse', '--no-renames', '--no-abbrev', '--raw', '-z', '--format=%x1e%H%x1f%ct%x1f%an', 'HEAD'];
  if (where.prefix !== '') args.push('--', `:(top,literal)${where.prefix}/`);
  const r = await git(args, { cwd: where.root });
  if (r.code !== 0) throw gitFailure('cannot read the history of the flags directory', r);

  const strip = where.prefix === '' ? 0 : where.prefix.length + 1;
  const commits: { ref: CommitRef; files: { old: string; new: string; path: string }[] }[] = [];
  const blobs = new Set<string>();
  for (const record of r.stdout.toString('utf8').split('\x1e')) {
    if (record === '') continue;
    const nul = record.indexOf('\0');
    const [commit, ct, author] = (nul < 0 ? record : record.slice(0, nul)).split('\x1f');
    const tokens = nul < 0 ? [] : record.slice(nul + 1).split('\0');
    const files: { old: string; new: string; path: string }[] = [];
    // Raw entries: ":<old mode> <new mode> <old blob> <new blob> <status>" NUL "<path>" NUL.
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const meta = tokens[i].replace(/^\n/, '');
      if (!meta.startsWith(':')) break;
      const [oldMode, newMode, oldBlob, newBlob] = meta.slice(1).split(' ');
      if (!isFlagFilePath(tokens[i + 1].slice(strip))) continue;
      // Symbolic links and submodules are not flag files of their own.
      const old = oldMode === '100644' || oldMode === '100755' ? oldBlob : '';
      const neu = newMode === '100644' || newMode === '100755' ? newBlob : '';
      for (const b of [old, neu]) if (b !== '' && !NO_BLOB.test(b)) blobs.add(b);
      files.push({ old: NO_BLOB.test(old) ? '' : old, new: NO_BLOB.test(neu) ? '' : neu, path: tokens[i + 1] });
    }
    if (files.length > 0) commits.push({ ref: { commit, time: Number(ct) * 1000, author: author ?? '' }, files });
  }
  if (commits.length === 0) return { where, commits: 0, changes, unreadable: [] };

  const contents = await readBlobs(where.root, [...blobs]);
  const parsedBlobs = new Map<string, { flags: Map<string, Read>; problem?: string }>();
  const read = (blob: string): { flags: Map<string, Read>; problem?: string } => {
    if (blob === '') return { flags: new Map() };
    let out = parsedBlobs.get(blob);
    if (out) return out;
    out = { flags: new Map() };
    const buf = contents.get(blob);
    // A version over the size limit was never a readable flag file: it holds no flags for the history either.
    const bytes = buf === undefined || buf.length > MAX_FLAG_FILE_BYTES ? Buffer.alloc(0) : buf;
    const decoded = decodeUtf8(bytes);
    // Not UTF-8: parsed as far as it goes for its keys, as the working tree is; its values are unknown.
    const parsed = parseFlagFile('history.yaml', decoded.ok ? decoded.text : bytes.toString('utf8'));
    if (!decoded.ok) out.problem = utf8Problem(decoded);
    for (const e of parsed.entries) if (e.key !== undefined && !out.flags.has(e.key)) out.flags.set(e.key, decoded.ok ? versionOf(e.raw) : UNREADABLE);
    parsedBlobs.set(blob, out);
    // The text is not needed again: a blob is parsed once.
    contents.delete(blob);
    return out;
  };

  const unreadable: UnreadableVersion[] = [];
  // Per key, its value in the last readable version: what a version after unreadable ones is compared with.
  const lastRead = new Map<string, Version | undefined>();
  for (const { ref, files } of commits) {
    // A flag moved from one file to another in the same commit keeps its value: compare per key across the commit's files.
    const before = new Map<string, Read>();
    const after = new Map<string, Read>();
    for (const f of files) {
      for (const [k, v] of read(f.old).flags) if (!before.has(k)) before.set(k, v);
      const neu = read(f.new);
      for (const [k, v] of neu.flags) if (!after.has(k)) after.set(k, v);
      if (neu.problem !== undefined) unreadable.push({ commit: ref.commit, path: f.path, problem: neu.problem });
    }
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const a = after.get(key);
      // Its value after this commit is unknown: no change is known either.
      if (a === UNREADABLE) continue;
      const b = before.get(key);
      const was = b === UNREADABLE ? lastRead.get(key) : b;
      lastRead.set(key, a);
      if (was?.value === a?.value) continue;
      const c = change(ref, a);
      const list = changes.get(key);
      if (list) list.push(c);
      else changes.set(key, [c]);
    }
  }
  return { where, commits: commits.length, changes, unreadable };
}

/**
 * Since when the flag has been in its last recorded state: the first commit of
 * the trailing run of changes in that state.
 */
export function stateSinceOf(changes: readonly FlagChange[]): FlagChange | null {
  if (changes.length === 0) return null;
  let i = changes.length - 1;
  while (i > 0 && changes[i - 1].state === changes[changes.length - 1].state) i--;
  return changes[i];
}
