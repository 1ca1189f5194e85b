/**
 * Pure text → text edits of a YAML sequence (the `rules` of a flag, its
 * `tags`, the `flags:` of a list file): insert an item, remove one, reorder.
 * The companion of yaml-edit.ts, which sets values in mappings; the same
 * reason holds (see its header): splice the source at node ranges so
 * comments, quoting and every other line stay byte for byte, then re-parse
 * and check the result holds exactly the intended data.
 *
 * A block sequence is cut into one text block per item, from the line of its
 * `- ` (with the comment lines right above it) to the next item's block.
 * Reordering permutes whole blocks, so moving an item and moving it back
 * gives the original bytes.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { MAX_ALIAS_COUNT, parseYaml } from '../schema/parse-file.js';
import { ownAt } from '../objects.js';
import { renderInline, renderKey, YamlEditError, type YamlPath } from './yaml-edit.js';

export type SeqEdit =
  | { kind: 'insert'; index: number; value: unknown }
  | { kind: 'remove'; index: number }
  | { kind: 'move'; from: number; to: number };

/** Applies one edit to the sequence at `path` (which must exist) and returns the new text. */
export function editYamlSeq(text: string, path: YamlPath, edit: SeqEdit): string {
  const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  const source = bom ? text.slice(1) : text;
  const { doc } = parseYaml(source);
  if (doc.errors.length > 0) throw new YamlEditError(`the file has YAML errors (${doc.errors[0].message.split('\n')[0]}); fix them before editing`);
  const before = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  const { pair, seq } = locateSeq(doc, path);
  const list = ownAt(before, path);
  if (!Array.isArray(list)) throw new YamlEditError(`${path.join('.')} is not a list`);
  const expectedList = applyToArray(list, edit);
  const eol = source.includes('\r\n') ? '\r\n' : '\n';

  let out: string;
  if (seq.flow || seq.items.length === 0) {
    // A flow list (`tags: [a, b]`, `rules: []`) is rewritten as a whole: one line either way,
    // except that an empty list receiving a mapping becomes a block list under its key.
    const range = seq.range!;
    if (expectedList.length > 0 && expectedList.some((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
      const keyStart = (pair.key as Node).range![0];
      const indent = column(source, keyStart) + 2;
      const body = expectedList.map((v) => renderBlockItem(v, indent, eol)).join('');
      const start = source.lastIndexOf(':', range[0]) + 1;
      const end = endOfLine(source, range[1]);
      out = source.slice(0, start) + eol + body + source.slice(end);
    } else {
      out = source.slice(0, range[0]) + renderInline(expectedList, { flow: true }) + source.slice(range[1]);
    }
  } else {
    out = editBlockSeq(source, pair, seq, edit, eol);
  }
  const { doc: after } = parseYaml(out);
  const expected = setIn(before, path, expectedList);
  if (after.errors.length > 0 || !isDeepStrictEqual(after.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), expected)) {
    throw new YamlEditError(`cannot edit ${path.join('.')} in place without changing other values (YAML anchors, aliases or tags around it?); edit the file by hand`);
  }
  return bom + out;
}

function editBlockSeq(source: string, pair: Pair, seq: YAMLSeq, edit: SeqEdit, eol: string): string {
  const items = seq.items as Node[];
  const starts = items.map((item) => blockStart(source, item));
  const last = items[items.length - 1];
  let regionEnd = endOfLine(source, last.range![1] - (source[last.range![1] - 1] === '\n' ? 1 : 0));
  // Trailing blank or comment-only lines at the item indentation stay with the last item only when they are indented under it.
  const regionStart = starts[0];
  let region = source.slice(regionStart, regionEnd);
  const addedNewline = !region.endsWith('\n');
  if (addedNewline) region += eol;
  const blocks = starts.map((s, i) => region.slice(s - regionStart, i + 1 < starts.length ? starts[i + 1] - regionStart : region.length));
  let next: string[];
  switch (edit.kind) {
    case 'move': {
      next = blocks.slice();
      const [b] = next.splice(edit.from, 1);
      next.splice(edit.to, 0, b);
      break;
    }
    case 'remove':
      next = blocks.filter((_, i) => i !== edit.index);
      if (next.length === 0) {
        // An empty list must stay a list: `rules: []` on the key's line.
        const colon = source.lastIndexOf(':', regionStart) + 1;
        const tail = source.slice(regionEnd);
        return source.slice(0, colon) + ' []' + eol + tail;
      }
      break;
    case 'insert': {
      const indent = column(source, dashOf(source, items[0]));
      next = blocks.slice();
      next.splice(edit.index, 0, renderBlockItem(edit.value, indent, eol));
      break;
    }
  }
  let joined = next.join('');
  if (addedNewline) joined = joined.slice(0, -eol.length);
  void pair;
  return source.slice(0, regionStart) + joined + source.slice(regionEnd);
}

/** The start of an item's block: the line of its `- `, moved up over comment lines right above it. */
function blockStart(source: string, item: Node): number {
  let start = lineStart(source, dashOf(source, item));
  for (;;) {
    if (start === 0) return start;
    const prev = lineStart(source, start - 1);
    const line = source.slice(prev, start).trim();
    if (!line.startsWith('#')) return start;
    start = prev;
  }
}

/** The offset of the `-` that introduces a block sequence item. */
function dashOf(source: string, item: Node): number {
  const at = source.lastIndexOf('-', item.range![0]);
  if (at < 0) throw new YamlEditError('cannot find the list item indicator');
  return at;
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

function endOfLine(source: string, offset: number): number {
  if (offset > 0 && source[offset - 1] === '\n') return offset;
  const nl = source.indexOf('\n', offset);
  return nl === -1 ? source.length : nl + 1;
}

function column(source: string, offset: number): number {
  return offset - lineStart(source, offset);
}

/** `- key: value` lines of a block sequence item at `indent`, one field per line; lists of mappings nest as block lists. */
export function renderBlockItem(value: unknown, indent: number, eol = '\n'): string {
  const pad = ' '.repeat(indent);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${pad}- ${renderInline(value, { flow: false })}${eol}`;
  const lines = renderMappingLines(value as Record<string, unknown>, indent + 2, eol);
  return pad + '- ' + lines.slice(indent + 2);
}

function renderMappingLines(value: Record<string, unknown>, indent: number, eol: string): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const key = renderKey(k, false);
    if (Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      out += `${pad}${key}:${eol}` + v.map((x) => renderBlockItem(x, indent + 2, eol)).join('');
    } else {
      out += `${pad}${key}: ${renderInline(v, { flow: false })}${eol}`;
    }
  }
  return out;
}

function locateSeq(doc: Document, path: YamlPath): { pair: Pair; seq: YAMLSeq } {
  let node = doc.contents as Node | null;
  let pair: Pair | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg === 'number') {
      if (!isSeq(node)) throw new YamlEditError(`${path.slice(0, i).join('.')} is not a list`);
      node = node.items[seg] as Node | null;
      continue;
    }
    if (!isMap(node)) throw new YamlEditError(`${path.slice(0, i).join('.') || 'the document'} is not a mapping`);
    pair = (node as YAMLMap).items.find((p) => isScalar(p.key) && String(p.key.value) === seg) as Pair | undefined;
    if (!pair) throw new YamlEditError(`${path.slice(0, i + 1).join('.')} does not exist`);
    node = pair.value as Node | null;
  }
  if (!isSeq(node) || !pair || !node.range) throw new YamlEditError(`${path.join('.')} is not a list`);
  return { pair, seq: node };
}

function applyToArray(list: unknown[], edit: SeqEdit): unknown[] {
  const out = list.slice();
  switch (edit.kind) {
    case 'insert':
      if (edit.index < 0 || edit.index > out.length) throw new YamlEditError(`position ${edit.index + 1} is outside the list (1–${out.length + 1})`);
      out.splice(edit.index, 0, structuredClone(edit.value));
      return out;
    case 'remove':
      if (edit.index < 0 || edit.index >= out.length) throw new YamlEditError(`the list has no item ${edit.index + 1}`);
      out.splice(edit.index, 1);
      return out;
    case 'move': {
      if (edit.from < 0 || edit.from >= out.length || edit.to < 0 || edit.to >= out.length) throw new YamlEditError('position outside the list');
      const [x] = out.splice(edit.from, 1);
      out.splice(edit.to, 0, x);
      return out;
    }
  }
}

function setIn(data: unknown, path: YamlPath, value: unknown): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let cur = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return copy;
}
