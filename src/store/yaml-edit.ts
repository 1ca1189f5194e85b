/**
 * Pure text → text edits of a YAML document that are byte-exact outside the
 * nodes they change (SPEC 3, "Every command that changes a file").
 *
 * Why splicing instead of `Document.toString()`: re-serialising a document
 * respaces flow sequences, refolds long strings, moves comments and drops CRLF
 * line endings, so a one-field change would show up as a rewrite of the file
 * in `git diff`. Instead each change is planned against the parsed document's
 * node ranges (offsets into the source text) and applied as one splice:
 * replace a value's source range, or insert one new `key: value` line (block
 * mappings) or `, key: value` (flow mappings) written in the style of its
 * siblings. Every edit is then verified by re-parsing: the result must hold
 * exactly the old data with the requested values set, or nothing is returned.
 */
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { FlagsError } from '../errors.js';
import { MAX_ALIAS_COUNT, parseYaml } from '../schema/parse-file.js';
import { FORBIDDEN_KEYS, isPlainObject } from '../objects.js';

export type YamlPath = readonly (string | number)[];

/** One value to set at a path from the document root. Missing mappings on the way are created. */
export interface YamlSet {
  path: YamlPath;
  /** Plain data: a scalar, a JSON value, or (for new keys) a nested plain object. */
  value: unknown;
  /**
   * Where a key that does not exist yet goes among its siblings: after the
   * first of `after` that exists, else just before the first of `before` that
   * exists, else last. Existing keys never move.
   */
  after?: readonly string[];
  before?: readonly string[];
}

/** Replace `source.slice(start, end)` with `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export class YamlEditError extends FlagsError {
  constructor(message: string) {
    super('YAML_EDIT', message);
    this.name = 'YamlEditError';
  }
}


/**
 * Applies the sets in order to `text` (which may start with a UTF-8 BOM and
 * use CRLF line endings; both are kept) and returns the new text. Throws a
 * YamlEditError when the document has YAML errors or when the result would
 * not hold exactly the intended data (an anchor shared with other nodes, a
 * tag that changes the meaning of the new value, …).
 */
export function editYaml(text: string, sets: readonly YamlSet[]): string {
  const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  let source = bom ? text.slice(1) : text;
  let { doc } = parseYaml(source);
  if (doc.errors.length > 0) throw new YamlEditError(`the file has YAML errors (${doc.errors[0].message.split('\n')[0]}); fix them before editing`);
  const expected = toData(doc);

  for (const set of sets) {
    for (const seg of set.path) {
      if (typeof seg === 'string' && FORBIDDEN_KEYS.has(seg)) throw new YamlEditError(`"${seg}" is not allowed in a path`);
    }
    const edit = planSet(source, doc, set);
    source = applyTextEdit(source, edit);
    doc = parseYaml(source).doc;
    setIn(expected, set.path, set.value);
  }

  // The safety net: whatever the splices did, the document must now hold
  // exactly the old data plus the requested values, and nothing else.
  if (doc.errors.length > 0 || !isDeepStrictEqual(toData(doc), expected)) {
    const paths = sets.map((s) => s.path.join('.')).join(', ');
    throw new YamlEditError(
      `cannot edit ${paths} in place without changing other values (YAML anchors, aliases or tags around it?); edit the file by hand`,
    );
  }
  return bom + source;
}

export function applyTextEdit(source: string, edit: TextEdit): string {
  return source.slice(0, edit.start) + edit.text + source.slice(edit.end);
}

/** Plans one set against the parsed `doc` of `source` (no BOM): the splice that performs it. */
export function planSet(source: string, doc: Document, set: YamlSet): TextEdit {
  const ctx = new EditContext(source, doc);
  const root = doc.contents as Node | null;
  if (set.path.length === 0) throw new YamlEditError('cannot replace the whole document');
  if (!isMap(root)) throw new YamlEditError('the document is not a mapping');

  let map: YAMLMap = root;
  let inFlow = Boolean(root.flow);
  for (let i = 0; i < set.path.length; i++) {
    const seg = set.path[i];
    const last = i === set.path.length - 1;
    const where = set.path.slice(0, i + 1).join('.');
    const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
    if (!pair) return ctx.insertPair(map, String(seg), nest(set.path.slice(i + 1), set.value), set, inFlow || Boolean(map.flow));
    inFlow ||= Boolean(map.flow);
    const value = pair.value as Node | null;
    if (last) return ctx.replaceValue(pair, set.value, inFlow);

    if (value == null || (isScalar(value) && value.value == null)) {
      // `environments:` with no value: the rest of the path becomes a new mapping there.
      return ctx.replaceValue(pair, nest(set.path.slice(i + 1), set.value), inFlow);
    }
    const next = set.path[i + 1];
    if (isMap(value)) {
      map = value;
      continue;
    }
    if (isSeq(value) && typeof next === 'number') {
      const item = value.items[next] as Node | undefined;
      inFlow ||= Boolean(value.flow);
      if (item == null) throw new YamlEditError(`${where} has no item ${next}`);
      if (i + 1 === set.path.length - 1) return ctx.replaceNode(item, set.value, inFlow);
      if (!isMap(item)) throw new YamlEditError(`${where}.${next} is not a mapping`);
      map = item;
      i++;
      continue;
    }
    throw new YamlEditError(`${where} is not a mapping`);
  }
  /* c8 ignore next */
  throw new YamlEditError('unreachable');
}

class EditContext {
  readonly eol: string;
  constructor(
    readonly source: string,
    readonly doc: Document,
  ) {
    this.eol = source.includes('\r\n') ? '\r\n' : '\n';
  }

  /** Replaces the value of an existing pair. */
  replaceValue(pair: Pair, value: unknown, inFlow: boolean): TextEdit {
    const node = pair.value as Node | null;
    if ((isMap(node) || isSeq(node)) && !node.flow) {
      // A block collection becomes a flow value on the key's line.
      const end = node.range![1];
      const endsLine = this.source[end - 1] === '\n';
      return { start: this.afterColon(pair), end, text: ' ' + renderInline(value, { flow: inFlow }) + (endsLine ? this.eol : '') };
    }
    if (node != null && !(isScalar(node) && node.range && node.range[0] === node.range[1])) return this.replaceNode(node, value, inFlow);
    // `key:` with an empty value: write after the colon.
    const at = node?.range ? node.range[0] : this.afterColon(pair);
    const text = renderInline(value, { flow: inFlow });
    const before = this.source[at - 1];
    const after = this.source[at];
    return {
      start: at,
      end: at,
      text: (before === ' ' || before === '\t' ? '' : ' ') + text + (after === '#' ? ' ' : ''),
    };
  }

  /** Replaces a scalar, alias or flow collection's own source text (its props, such as anchors and tags, stay). */
  replaceNode(node: Node, value: unknown, inFlow: boolean): TextEdit {
    const range = node.range;
    if (!range) throw new YamlEditError('node has no source position');
    if ((isMap(node) || isSeq(node)) && !node.flow) throw new YamlEditError('cannot replace a block collection inside a list');
    const [start, end] = range;
    const style = isScalar(node) ? node.type : undefined;
    const block = style === Scalar.BLOCK_LITERAL || style === Scalar.BLOCK_FOLDED;
    let text = renderInline(value, { flow: inFlow, style });
    // A block scalar's range ends after its last line break; keep one.
    if (block && this.source[end - 1] === '\n') text += this.eol;
    return { start, end, text };
  }

  /** Inserts a new `key: value` into a mapping, in the style of its siblings. */
  insertPair(map: YAMLMap, key: string, value: unknown, placement: YamlSet, inFlow: boolean): TextEdit {
    const pairs = map.items.filter((p) => isScalar(p.key)) as Pair<Scalar, unknown>[];
    const anchor = this.anchorPair(pairs, placement);
    if (map.flow) return this.insertFlowPair(map, pairs, anchor, key, value);

    const first = pairs[0];
    if (!first?.key.range) throw new YamlEditError(`cannot add "${key}": the mapping has no plain keys to align with`);
    const indent = this.column(first.key.range[0]);
    let at: number;
    const lineStart = (p: Pair<Scalar, unknown>) => p.key.range![0] - this.column(p.key.range![0]);
    const firstBefore = this.firstBefore(pairs, placement);
    if (!anchor && firstBefore && /^[ \t]*$/.test(this.source.slice(lineStart(firstBefore), firstBefore.key.range![0]))) {
      // Before a key that starts its own line: the new line goes right above it.
      at = lineStart(firstBefore);
    } else {
      at = this.endOfLine(this.pairEnd(anchor ?? pairs[pairs.length - 1]));
    }
    const prefix = ' '.repeat(indent) + renderKey(key, false) + ':';
    let body: string;
    if (isPlainObject(value)) {
      const flowSibling = pairs.find((p) => isMap(p.value) && (p.value as YAMLMap).flow);
      body = flowSibling
        ? ' ' + renderInline(value, { flow: true, padded: this.isPadded(flowSibling.value as YAMLMap) })
        : this.renderBlockMapping(value, indent + this.indentStep());
    } else {
      body = ' ' + renderInline(value, { flow: inFlow });
    }
    let text = prefix + body + this.eol;
    if (at === this.source.length && !this.source.endsWith('\n')) {
      text = this.eol + prefix + body;
      at = this.source.length;
    }
    return { start: at, end: at, text };
  }

  private insertFlowPair(map: YAMLMap, pairs: Pair<Scalar, unknown>[], anchor: Pair<Scalar, unknown> | undefined, key: string, value: unknown): TextEdit {
    const padded = this.isPadded(map);
    const item = `${renderKey(key, true)}: ${renderInline(value, { flow: true, padded })}`;
    const range = map.range!;
    if (pairs.length === 0) {
      const inner = this.source.slice(range[0] + 1, range[1] - 1);
      if (inner.trim() !== '') throw new YamlEditError(`cannot add "${key}" to a mapping with complex keys`);
      return { start: range[0], end: range[1], text: padded ? `{ ${item} }` : `{${item}}` };
    }
    const after = anchor ?? pairs[pairs.length - 1];
    const afterKeyStart = after.key.range![0];
    // One item per line (the items do not start on the line of `{`): keep it so.
    const multiline = this.lineOf(afterKeyStart) !== this.lineOf(range[0]);
    const sep = multiline ? this.eol + ' '.repeat(this.column(afterKeyStart)) : ' ';
    const end = this.pairEnd(after);
    const comma = after === pairs[pairs.length - 1] ? this.trailingComma(end, range[1]) : -1;
    if (comma >= 0) return { start: comma + 1, end: comma + 1, text: sep + item + ',' };
    return { start: end, end, text: ',' + sep + item };
  }

  private renderBlockMapping(value: Record<string, unknown>, indent: number): string {
    const lines: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const head = ' '.repeat(indent) + renderKey(k, false) + ':';
      if (isPlainObject(v)) lines.push(head + this.renderBlockMapping(v, indent + this.indentStep()));
      else lines.push(head + ' ' + renderInline(v, { flow: false }));
    }
    return this.eol + lines.join(this.eol);
  }

  private anchorPair(pairs: Pair<Scalar, unknown>[], placement: YamlSet): Pair<Scalar, unknown> | undefined {
    for (const name of placement.after ?? []) {
      const p = pairs.find((q) => String(q.key.value) === name);
      if (p) return p;
    }
    const before = this.firstBefore(pairs, placement);
    const idx = before ? pairs.indexOf(before) : -1;
    // Before a key is after the one ahead of it; before the first key is handled by the caller.
    return idx > 0 ? pairs[idx - 1] : undefined;
  }

  private firstBefore(pairs: Pair<Scalar, unknown>[], placement: YamlSet): Pair<Scalar, unknown> | undefined {
    for (const name of placement.before ?? []) {
      const p = pairs.find((q) => String(q.key.value) === name);
      if (p) return p;
    }
    return undefined;
  }

  /** Where a pair's value (or its key, when the value is empty) ends. */
  private pairEnd(pair: Pair<Scalar, unknown>): number {
    const v = pair.value as Node | null;
    if (v?.range && v.range[1] > v.range[0]) return v.range[1];
    return this.afterColon(pair);
  }

  private afterColon(pair: Pair): number {
    const keyEnd = (pair.key as Node).range![1];
    const colon = this.source.indexOf(':', keyEnd);
    return colon >= 0 ? colon + 1 : keyEnd;
  }

  /** The start of the line after `offset` (past a trailing comment), or the end of the text. */
  private endOfLine(offset: number): number {
    if (offset > 0 && this.source[offset - 1] === '\n') return offset;
    const nl = this.source.indexOf('\n', offset);
    return nl === -1 ? this.source.length : nl + 1;
  }

  /** The offset of a `,` after `from` (skipping blanks and comments) before `limit`, or -1. */
  private trailingComma(from: number, limit: number): number {
    let i = from;
    while (i < limit) {
      const c = this.source[i];
      if (c === ',') return i;
      if (c === '#') {
        const nl = this.source.indexOf('\n', i);
        i = nl === -1 ? limit : nl + 1;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else return -1;
    }
    return -1;
  }

  private isPadded(map: YAMLMap): boolean {
    return map.range ? this.source[map.range[0] + 1] === ' ' : false;
  }

  private column(offset: number): number {
    return offset - (this.source.lastIndexOf('\n', offset - 1) + 1);
  }

  private lineOf(offset: number): number {
    let n = 0;
    for (let i = this.source.indexOf('\n'); i !== -1 && i < offset; i = this.source.indexOf('\n', i + 1)) n++;
    return n;
  }

  private step?: number;
  /** The document's indentation step: how far a nested block mapping is indented from its parent. */
  private indentStep(): number {
    if (this.step !== undefined) return this.step;
    let found: number | undefined;
    const visit = (node: unknown, depth: number) => {
      if (found !== undefined || depth > 64) return;
      if (isMap(node)) {
        for (const p of node.items) {
          const v = p.value as Node | null;
          const k = p.key as Node | null;
          if (!node.flow && isMap(v) && !v.flow && k?.range && v.items[0] && (v.items[0].key as Node)?.range) {
            const d = this.column((v.items[0].key as Node).range![0]) - this.column(k.range[0]);
            if (d > 0) {
              found = d;
              return;
            }
          }
          visit(v, depth + 1);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) visit(item, depth + 1);
      }
    };
    visit(this.doc.contents, 0);
    this.step = found ?? 2;
    return this.step;
  }
}

// ---- rendering values ----

interface RenderOptions {
  /** Inside a flow collection: `,[]{}` end a plain scalar there. */
  flow: boolean;
  /** The style of the scalar being replaced, kept for strings when it can hold the new value. */
  style?: Scalar.Type;
  /** `{ a: 1 }` rather than `{a: 1}`. */
  padded?: boolean;
}

/** A value written on one line: a scalar, or a flow collection for objects and lists. */
export function renderInline(value: unknown, opts: RenderOptions): string {
  if (Array.isArray(value)) {
    const inner = value.map((v) => renderInline(v, { flow: true, padded: opts.padded })).join(', ');
    return `[${inner}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${renderKey(k, true)}: ${renderInline(v, { flow: true, padded: opts.padded })}`);
    if (entries.length === 0) return '{}';
    return opts.padded ? `{ ${entries.join(', ')} }` : `{${entries.join(', ')}}`;
  }
  return renderScalar(value, opts);
}

function renderScalar(value: unknown, opts: RenderOptions): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new YamlEditError(`cannot write the number ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') throw new YamlEditError(`cannot write a value of type ${typeof value}`);
  // Keep the quoting the file used for this value when it can hold the new one.
  if (opts.style === Scalar.QUOTE_DOUBLE) return doubleQuoted(value);
  if (opts.style === Scalar.QUOTE_SINGLE && !/[\x00-\x1f\x7f]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return isPlainSafe(value, opts.flow) ? value : doubleQuoted(value);
}

/** JSON string syntax is valid YAML double-quoted syntax (same escapes). */
function doubleQuoted(s: string): string {
  return JSON.stringify(s);
}

export function renderKey(key: string, flow: boolean): string {
  if (isPlainSafe(key, flow)) {
    // A plain key must also read back as the same string (not `true`, `1`, `null`).
    const doc = parseDocument(flow ? `{${key}: x}` : `${key}: x`);
    const map = doc.contents;
    if (doc.errors.length === 0 && isMap(map) && map.items.length === 1) {
      const k = map.items[0].key;
      if (isScalar(k) && k.value === key) return key;
    }
  }
  return doubleQuoted(key);
}

/** A string can be written plain when it reads back as the same string in that context. */
function isPlainSafe(s: string, flow: boolean): boolean {
  if (s === '' || s.trim() !== s || /[\x00-\x1f\x7f\u2028\u2029\uFEFF]/.test(s)) return false;
  // YAML indicators: an alias (`*a`), anchor, tag, directive, reserved character or backtick never start a plain string.
  if (/^[*&!%@`]/.test(s)) return false;
  const doc = parseDocument(flow ? `[${s}]` : `k: ${s}`);
  if (doc.errors.length > 0 || doc.warnings.length > 0) return false;
  let data: unknown;
  try {
    data = doc.toJS();
  } catch {
    return false; // e.g. an alias to an anchor that does not exist
  }
  return flow ? isDeepStrictEqual(data, [s]) : isDeepStrictEqual(data, { k: s });
}

// ---- plain data helpers ----


function nest(rest: YamlPath, value: unknown): unknown {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) v = { [String(rest[i])]: v };
  return v;
}

function toData(doc: Document): unknown {
  return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

function setIn(target: unknown, path: YamlPath, value: unknown): void {
  let cur = target as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const next = Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    if (next === null || typeof next !== 'object') cur[seg] = {};
    cur = cur[seg] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]] = structuredClone(value);
}
