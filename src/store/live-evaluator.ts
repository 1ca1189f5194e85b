/**
 * The evaluator for applications: loads the flags directory once, compiles it,
 * and with `watch: true` reloads when files change, so a kill switch committed
 * and deployed as a file reaches a running service within a second, without a
 * restart. A flag whose file turns invalid keeps its last valid version (and
 * the problem is reported), so a typo never silently turns a feature off; but
 * a kill written into an invalid flag still reaches it (withSafetyFields).
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import type { Diagnostic } from '../errors.js';
import { createFlagEvaluator, forwardingEvaluator, type FlagEvaluator } from '../evaluation/index.js';
import type { Segment } from '../schema/segment.js';
import type { Flag } from '../schema/flag.js';
import type { FlagEntry } from '../schema/parse-file.js';
import { filesSignature, readFlagSet, resolveFlagsDir, type FlagSet } from './flag-repo.js';

export interface DirectoryEvaluatorOptions {
  /** The flags directory (default: $FLAGS_DIR or ./flags). */
  dir?: string;
  /** Reload when files under the directory change. */
  watch?: boolean;
  /** Called after each load with the validation findings (errors and warnings). */
  onDiagnostics?: (diagnostics: Diagnostic[]) => void;
  /** Called after a reload with the keys whose served version changed. */
  onReload?: (changedKeys: string[]) => void;
  /** Called when a reload fails as a whole (e.g. the directory disappeared); the last good set stays. */
  onError?: (error: Error) => void;
  /** Polling interval in ms, a safety net for file systems where change events are unreliable (default 1000; 0 disables). */
  pollInterval?: number;
}

export interface DirectoryEvaluator extends FlagEvaluator {
  /** The flags served now. */
  flags(): ReadonlyMap<string, Flag>;
  /** Findings of the last load. */
  diagnostics(): readonly Diagnostic[];
  /** Re-reads the directory now. */
  reload(): Promise<void>;
  /** Stops watching. */
  close(): void;
}

interface Served {
  flags: Map<string, Flag>;
  files: Map<string, string>;
  invalid: Set<string>;
}

/**
 * Merges a freshly read set with what was served: a flag that is no longer
 * valid keeps its last valid version while its file still exists with errors;
 * a flag whose file was removed, or that a valid file no longer defines, goes.
 */
export function mergeServed(previous: Served | null, set: FlagSet): Served {
  const flags = new Map(set.flags);
  const files = new Map<string, string>();
  for (const [key, entries] of set.entries) if (entries[0]) files.set(key, entries[0].file);
  const invalid = new Set(set.invalidKeys);
  if (previous) {
    const broken = new Set(set.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
    for (const [key, flag] of previous.flags) {
      if (flags.has(key)) continue;
      const file = previous.files.get(key);
      const stillThere = set.files.some((f) => f.file === file);
      if (invalid.has(key) || (file !== undefined && stillThere && broken.has(file))) {
        flags.set(key, withSafetyFields(flag, safetyRaw(set, key)));
        files.set(key, file!);
        invalid.delete(key);
      }
    }
  }
  return { flags, files, invalid };
}

/**
 * The fields of a flag's current, invalid version that only make it safer —
 * `killSwitch: true`, `enabled: false`, `environments.NAME.enabled: false`,
 * exactly the edits `flags kill`/`toggle`/`set` write into an invalid flag —
 * applied on top of its last valid version. Anything else in the invalid
 * version is ignored: serving a guess at it could turn a feature on.
 */
export function withSafetyFields(lastValid: Flag, raw: unknown): Flag {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return lastValid;
  const r = raw as Record<string, unknown>;
  let flag = lastValid;
  if (r.killSwitch === true && !flag.killSwitch) flag = { ...flag, killSwitch: true };
  if (r.enabled === false && flag.enabled) flag = { ...flag, enabled: false };
  const envs = r.environments;
  if (envs !== null && typeof envs === 'object' && !Array.isArray(envs)) {
    for (const [name, env] of Object.entries(envs)) {
      if (env === null || typeof env !== 'object' || (env as Record<string, unknown>).enabled !== false) continue;
      if (flag.environments && Object.hasOwn(flag.environments, name) && flag.environments[name].enabled === false) continue;
      const environments = { ...flag.environments };
      Object.defineProperty(environments, name, { value: { ...(flag.environments && Object.hasOwn(flag.environments, name) ? flag.environments[name] : {}), enabled: false }, enumerable: true, writable: true, configurable: true });
      flag = { ...flag, environments };
    }
  }
  return flag;
}

/** The plain data of a key's one definition, when its file's structure is what the author wrote. */
function safetyRaw(set: FlagSet, key: string): unknown {
  const entries = set.entries.get(key) as FlagEntry[] | undefined;
  if (!entries || entries.length !== 1 || !('raw' in entries[0])) return undefined;
  const file = set.files.find((f) => f.file === entries[0].file);
  return file?.syntaxOk ? entries[0].raw : undefined;
}

/**
 * An evaluator over the flags directory: read and compiled once, and with
 * `watch: true` reloaded within a second of a file change.
 */
export async function createDirectoryEvaluator(options: DirectoryEvaluatorOptions = {}): Promise<DirectoryEvaluator> {
  const dir = resolveFlagsDir(options.dir, process.env, process.cwd());
  let served: Served = { flags: new Map(), files: new Map(), invalid: new Set() };
  let diagnostics: Diagnostic[] = [];
  let current: FlagEvaluator;
  // SPEC 6: like flags, a segment whose file broke keeps its last good version.
  let segments = new Map<string, Segment>();
  const install = (set: FlagSet) => {
    const before = served.flags;
    served = mergeServed(served, set);
    diagnostics = set.diagnostics;
    const next = new Map(set.segments?.segments ?? []);
    for (const key of set.segments?.invalidKeys ?? []) {
      const last = segments.get(key);
      if (last !== undefined) next.set(key, last);
    }
    segments = next;
    current = createFlagEvaluator(served.flags.values(), { invalid: served.invalid, segments: segments.values() });
    const keys = new Set([...before.keys(), ...served.flags.keys()]);
    return [...keys].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(served.flags.get(k)));
  };
  install(await readFlagSet(dir));
  let lastSignature = filesSignature(dir);
  options.onDiagnostics?.(diagnostics);

  let reloading: Promise<void> | null = null;
  let again = false;
  const reload = async (): Promise<void> => {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      do {
        again = false;
        try {
          lastSignature = filesSignature(dir);
          const changed = install(await readFlagSet(dir));
          options.onDiagnostics?.(diagnostics);
          if (changed.length) options.onReload?.(changed);
        } catch (e) {
          options.onError?.(e as Error);
        }
      } while (again);
    })().finally(() => {
      reloading = null;
    });
    return reloading;
  };

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  if (options.watch) {
    const schedule = () => {
      clearTimeout(timer);
      // Editors write in several steps (temp file, rename); settle first.
      timer = setTimeout(() => void reload(), 50);
      timer.unref();
    };
    try {
      watcher = fsWatch(dir, { recursive: true, persistent: false }, schedule);
      watcher.on('error', (e) => options.onError?.(e));
    } catch (e) {
      options.onError?.(e as Error);
    }
    const interval = options.pollInterval ?? 1000;
    if (interval > 0) {
      // Cheap: stats only; the directory is re-read when a size or mtime moved.
      poll = setInterval(() => {
        const sig = filesSignature(dir);
        if (sig !== lastSignature) void reload();
      }, interval);
      poll.unref();
    }
  }

  const evaluator: DirectoryEvaluator = {
    ...forwardingEvaluator(() => current),
    flags: () => served.flags,
    diagnostics: () => diagnostics,
    reload,
    close() {
      watcher?.close();
      clearTimeout(timer);
      clearInterval(poll);
    },
  };
  return evaluator;
}

/** @deprecated Use `createDirectoryEvaluator`: the same function under the name of 0.1.0. */
export const createEvaluator = createDirectoryEvaluator;
/** @deprecated Use `DirectoryEvaluator`. */
export type LiveEvaluator = DirectoryEvaluator;
/** @deprecated Use `DirectoryEvaluatorOptions`. */
export type LiveEvaluatorOptions = DirectoryEvaluatorOptions;
