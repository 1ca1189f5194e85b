/** Where things live; a tiny module so the CLI can resolve paths without loading the parser. */
import path from 'node:path';

/** `--dir` wins over FLAGS_DIR, which wins over ./flags (SPEC 1.1). */
export function resolveFlagsDir(option: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  return path.resolve(cwd, option ?? env.FLAGS_DIR ?? 'flags');
}

/** Default path of the event log below the flags directory (SPEC 4.2). */
export const DEFAULT_EVENT_LOG = 'experiments/events.jsonl';

/** True when `target` is `root` or lies below it. */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
