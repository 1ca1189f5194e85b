/**
 * Maps a path inside a parsed YAML document (as zod and the checks report it)
 * back to the node's source position, so every finding points at the
 * offending node itself: `file:line:col`.
 *
 * Positions come from node ranges and yaml's LineCounter over the text the
 * parser saw (BOM stripped), so CRLF files and files with a byte order mark
 * get the line and column an editor shows.
 */
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/**
 * Which node of a path a finding points at:
 * - `value`: the node at the path (`defaultValue: 3` → the `3`);
 * - `key`: the mapping key of the last segment (an unknown field is reported at its name);
 * - `parent`: the mapping that holds the last segment (a missing field is reported where it should be).
 */
export type Anchor = 'value' | 'key' | 'parent';

/**
 * The node at `path` below `root`, or the deepest node that exists on the way.
 * A key without a value (`defaultValue:`) has only an empty, zero-width scalar
 * after its colon; the key itself is the better place to point at then.
 */
export function findNode(root: Node | null | undefined, path: readonly PathSegment[], opts: { anchor?: Anchor; key?: boolean } = {}): Node | null {
  const anchor = opts.anchor ?? (opts.key ? 'key' : 'value');
  const steps = anchor === 'parent' ? path.slice(0, -1) : path;
  let node: Node | null | undefined = root;
  for (let i = 0; i < steps.length; i++) {
    const seg = steps[i];
    const last = i === steps.length - 1;
    if (isMap(node)) {
      const name = String(seg);
      const pair =
        node.items.find((p) => isScalar(p.key) && String(p.key.value) === name) ??
        // A collection used as a key is stringified in the plain data (`[ a, b ]`): the first such key is the best guess.
        (/^[[{]/.test(name) ? node.items.find((p) => p.key != null && !isScalar(p.key)) : undefined);
      if (!pair) return node;
      const keyNode = (pair.key as Node | null) ?? node;
      if (last && anchor === 'key') return keyNode;
      const value = pair.value as Node | null;
      if (isEmptyNode(value)) return keyNode;
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

function isEmptyNode(node: Node | null | undefined): boolean {
  if (node == null) return true;
  const range = node.range;
  return range == null || (isScalar(node) && range[0] === range[1]);
}

export function positionOf(node: Node | null | undefined, lineCounter: LineCounter): Position {
  return positionAt(node?.range?.[0] ?? 0, lineCounter);
}

export function positionAt(offset: number, lineCounter: LineCounter): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** Position of the node a path points at, for a finding anchored as `anchor`. */
export function locatePath(root: Node | null | undefined, path: readonly PathSegment[], lineCounter: LineCounter, anchor: Anchor = 'value'): Position {
  return positionOf(findNode(root, path, { anchor }), lineCounter);
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}
