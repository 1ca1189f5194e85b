/**
 * The evaluator for applications: loads the flags directory once, compiles it,
 * and with `watch: true` reloads when files change, so a kill switch committed
 * and deployed as a file reaches a running service within a second, without a
 * restart. A flag whose file turns invalid keeps its last valid version (and
 * the problem is reported), so a typo never silently turns a feature off.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import type { Diagnostic } from '../errors.js';
import { createFlagEvaluator, type FlagEvaluator } from '../evaluation/index.js';
import type { Segment } from '../schema/segment.js';
import type { Flag } from '../schema/flag.js';
import { filesSignature, readFlagSet, resolveFlagsDir, type FlagSet } from './flag-repo.js';

export interface LiveEvaluatorOptions {
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

export interface LiveEvaluator extends FlagEvaluator {
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
        flags.set(key, flag);
        files.set(key, file!);
        invalid.delete(key);
      }
    }
  }
  return { flags, files, invalid };
}

export async function createEvaluator(options: LiveEvaluatorOptions = {}): Promise<LiveEvaluator> {
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

  const evaluator: LiveEvaluator = {
    evaluate: (key, context, defaultValue) => current.evaluate(key, context, defaultValue),
    isEnabled: (key, context) => current.isEnabled(key, context),
    getBoolean: (key, context, d) => current.getBoolean(key, context, d),
    getString: (key, context, d) => current.getString(key, context, d),
    getNumber: (key, context, d) => current.getNumber(key, context, d),
    getJson: (key, context, d) => current.getJson(key, context, d),
    evaluateAll: (context) => current.evaluateAll(context),
    keys: () => current.keys(),
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
