/**
 * Maps a path inside a parsed YAML document (as zod and the checks report it)
 * back to the node's source position, so every finding points at the
 * offending node itself: `file:line:col`.
 */
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/**
 * The node at `path` below `root`, or the deepest node that exists on the way
 * (a missing field is reported at the mapping that lacks it). With
 * `{ key: true }` the last segment resolves to the mapping key itself (an
 * unknown field is reported at its name, not at its value).
 */
export function findNode(root: Node | null | undefined, path: readonly PathSegment[], opts: { key?: boolean } = {}): Node | null {
  let node: Node | null | undefined = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return node;
      if (last && opts.key) return (pair.key as Node) ?? node;
      const value = pair.value as Node | null;
      // `key:` with no value has no node; point at the key then.
      if (value == null || (isScalar(value) && value.range == null)) return (pair.key as Node) ?? node;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return node;
      node = isPair(item) ? ((item.key as Node) ?? node) : item;
    } else {
      return node ?? null;
    }
  }
  return node ?? null;
}

export function positionOf(node: Node | null | undefined, lineCounter: LineCounter): Position {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}
