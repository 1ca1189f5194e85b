/**
 * Pure parsing of one flag file's text into its flag entries (SPEC 1.1: the
 * one-flag form and the `flags:` list form), keeping the YAML document and a
 * LineCounter so findings can point at `file:line:col` and edits can work on
 * the nodes in place.
 */
import { isMap, isPair, isScalar, isSeq, visit, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { FLAG_FIELDS } from './flag.js';
import { positionAt, positionOf, type Position } from './locate.js';
import { parseYamlFile, type ParsedYaml } from './yaml-read.js';

export type FileForm = 'single' | 'list' | 'invalid';

export interface FlagEntry {
  file: string;
  /** Position in the `flags:` list, or null for a one-flag file. */
  index: number | null;
  /** The flag's own mapping node in `doc`. */
  node: Node;
  /** Plain data of the node, as the schema sees it. */
  raw: unknown;
  /** The `key` field when it is a string (known even when the flag is invalid). */
  key?: string;
  /** Where the entry starts (its `key` value, else the mapping). */
  position: Position;
  /** A YAML-level error (a duplicated mapping key) lies inside this flag: it is not served. */
  yamlError: boolean;
}

export interface ParsedFlagFile extends ParsedYaml {
  form: FileForm;
  entries: FlagEntry[];
}

export function parseFlagFile(file: string, text: string): ParsedFlagFile {
  const { duplicateKeyOffsets, ...parsed } = parseYamlFile(file, text);
  const { doc, lineCounter, diagnostics } = parsed;
  const result: ParsedFlagFile = { ...parsed, form: 'invalid', entries: [] };
  if (parsed.js === undefined && !parsed.syntaxOk) return result;

  const root = doc.contents as Node | null;
  if (isMap(root) && !hasKey(root, 'flags') && (hasKey(root, 'key') || hasAnyKey(root, FLAG_FIELDS))) {
    // A mapping of flag fields is the one-flag form, even when `key` itself is missing (zod reports that).
    result.form = 'single';
    result.entries.push(entryOf(file, null, root, parsed.js, lineCounter));
  } else if (isMap(root) && hasKey(root, 'flags')) {
    const list = root.get('flags', true) as Node | undefined;
    if (!isSeq(list)) {
      diagnostics.push({
        code: 'INVALID_FILE_FORM',
        severity: 'error',
        message: '"flags" must be a list of flags',
        file,
        ...positionOf(list && list.range && list.range[0] !== list.range[1] ? list : keyNodeOf(root, 'flags'), lineCounter),
      });
      return result;
    }
    result.form = 'list';
    for (const pair of root.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (name !== 'flags') {
        diagnostics.push({
          code: 'UNKNOWN_FIELD',
          severity: 'error',
          message: `"${name}" is not allowed beside "flags" in a flag list file`,
          file,
          ...positionOf(pair.key as Node, lineCounter),
          path: name,
        });
      }
    }
    const items = ((parsed.js as { flags?: unknown[] } | null)?.flags ?? []) as unknown[];
    list.items.forEach((item, i) => {
      if (!isMap(item)) {
        diagnostics.push({
          code: 'INVALID_FILE_FORM',
          severity: 'error',
          message: `item ${i + 1} of "flags" is not a flag (expected a mapping with key, name, type, …)`,
          file,
          ...positionOf(item as Node, lineCounter),
          path: `flags.${i}`,
        });
        return;
      }
      result.entries.push(entryOf(file, i, item, items[i], lineCounter));
    });
  } else if (parsed.syntaxOk) {
    diagnostics.push({
      code: 'INVALID_FILE_FORM',
      severity: 'error',
      message: formProblem(root),
      file,
      ...positionOf(root, lineCounter),
    });
  }

  // A `__proto__` key stays an own property in yaml's data, but the schema's
  // copy of a record (environments) or of a json value drops it without a
  // word: `environments: {__proto__: {enabled: false}}` would be served without
  // that override, a value `{__proto__: {…}, a: 1}` as `{a: 1}`. Strict objects
  // (the flag, rules, conditions) already report it as an unknown field; in the
  // free-form places it makes the flag unservable like a duplicated key.
  // (The key can only be spelt with the word itself or with an escape in a quoted string: skip the walk otherwise.)
  if (text.includes('__proto__') || text.includes('\\'))
  visit(doc, {
    Pair(_, pair, path) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || key.value !== '__proto__' || !key.range || !inFreeFormPlace(path)) return;
      duplicateKeyOffsets.push(key.range[0]);
      diagnostics.push({
        code: 'INVALID_KEY',
        severity: 'error',
        message: '"__proto__" cannot be used as a key: JavaScript drops it from the flag\'s data, so the flag would not be served as written',
        file,
        ...positionOf(key, lineCounter),
      });
    },
  });

  // A duplicated key (or a `__proto__` key) inside a flag makes that flag (not
  // its neighbours) unservable, and the finding names the flag.
  for (const offset of duplicateKeyOffsets) {
    const entry = result.entries.find((e) => e.node.range != null && e.node.range[0] <= offset && offset < e.node.range[2]);
    if (!entry) continue;
    entry.yamlError = true;
    const d = diagnostics.find(
      (x) => (x.code === 'DUPLICATE_MAPPING_KEY' || x.code === 'INVALID_KEY') && x.flagKey === undefined && samePosition(x, positionAt(offset, lineCounter)),
    );
    if (d && entry.key !== undefined) d.flagKey = entry.key;
  }
  return result;
}

/** Inside a json value (`defaultValue`, any `value`) or directly in `environments`, where keys are data, not fields. */
function inFreeFormPlace(path: readonly unknown[]): boolean {
  const names = path.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  return names.includes('defaultValue') || names.includes('value') || names[names.length - 1] === 'environments';
}

function formProblem(root: Node | null): string {
  if (root == null || (isScalar(root) && root.value == null)) {
    return 'file is empty: a flag file holds one flag (a mapping with "key") or a list ("flags:")';
  }
  if (isSeq(root)) return 'a list at the top level: put the flags under "flags:" (flags: [ … ])';
  return 'not a flag file: expected one flag (a mapping with "key") or a list ("flags:")';
}

function entryOf(file: string, index: number | null, node: YAMLMap, raw: unknown, lineCounter: LineCounter): FlagEntry {
  const keyNode = node.get('key', true) as Node | undefined;
  const key = isScalar(keyNode) && typeof keyNode.value === 'string' ? keyNode.value : undefined;
  return { file, index, node, raw, key, position: positionOf(key !== undefined ? keyNode : node, lineCounter), yamlError: false };
}

export function hasKey(map: YAMLMap, name: string): boolean {
  return map.items.some((p) => isScalar(p.key) && p.key.value === name);
}

function hasAnyKey(map: YAMLMap, names: readonly string[]): boolean {
  return map.items.some((p) => isScalar(p.key) && names.includes(String(p.key.value)));
}

export function keyNodeOf(map: YAMLMap, name: string): Node | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === name)?.key as Node | undefined;
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.column === b.column;
}
