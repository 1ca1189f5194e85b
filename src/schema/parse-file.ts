/**
 * Pure parsing of one flag file's text into its flag entries, keeping the YAML
 * document and a LineCounter so findings can point at `file:line:col` and
 * edits can work on the nodes in place (SPEC 1.1: the one-flag form and the
 * `flags:` list form).
 */
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { positionOf, type Position } from './locate.js';

/** Alias expansion beyond this is refused (billion-laughs documents). */
export const MAX_ALIAS_COUNT = 100;

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
}

export interface ParsedFlagFile {
  file: string;
  text: string;
  /** The text started with a UTF-8 byte order mark (stripped before parsing, kept on write). */
  bom: boolean;
  doc: Document;
  lineCounter: LineCounter;
  form: FileForm;
  entries: FlagEntry[];
  /** Syntax and form findings; schema findings come later (validate.ts). */
  diagnostics: Diagnostic[];
}

export function parseYaml(text: string): { doc: Document; lineCounter: LineCounter; bom: boolean } {
  const bom = text.charCodeAt(0) === 0xfeff;
  const source = bom ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  // uniqueKeys: a duplicated mapping key is an error, not "last one wins".
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  return { doc, lineCounter, bom };
}

export function parseFlagFile(file: string, text: string): ParsedFlagFile {
  const { doc, lineCounter, bom } = parseYaml(text);
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  for (const err of doc.errors) {
    const code = err.code === 'DUPLICATE_KEY' ? 'DUPLICATE_MAPPING_KEY' : 'YAML_SYNTAX';
    const message = code === 'DUPLICATE_MAPPING_KEY' ? 'mapping key is defined twice (YAML keys must be unique)' : firstLine(err.message);
    diagnostics.push({ code, severity: 'error', message, file, ...at(err.pos[0]) });
  }

  const result: ParsedFlagFile = { file, text, bom, doc, lineCounter, form: 'invalid', entries: [], diagnostics };
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    diagnostics.push({ code: 'YAML_SYNTAX', severity: 'error', message: firstLine((e as Error).message), file, line: 1, column: 1 });
    return result;
  }

  const root = doc.contents as Node | null;
  if (isMap(root) && hasKey(root, 'key')) {
    result.form = 'single';
    result.entries.push(entryOf(file, null, root, js, lineCounter));
  } else if (isMap(root) && hasKey(root, 'flags')) {
    const list = root.get('flags', true) as Node | undefined;
    if (!isSeq(list)) {
      diagnostics.push({
        code: 'INVALID_FILE_FORM',
        severity: 'error',
        message: '"flags" must be a list of flags',
        file,
        ...positionOf(list ?? root, lineCounter),
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
        });
      }
    }
    const items = (js as { flags?: unknown[] }).flags ?? [];
    list.items.forEach((item, i) => {
      if (!isMap(item)) {
        diagnostics.push({
          code: 'INVALID_FILE_FORM',
          severity: 'error',
          message: `item ${i + 1} of "flags" is not a flag (expected a mapping with key, name, type, …)`,
          file,
          ...positionOf(item as Node, lineCounter),
        });
        return;
      }
      result.entries.push(entryOf(file, i, item, items[i], lineCounter));
    });
  } else if (doc.errors.length === 0) {
    const empty = root == null || (isScalar(root) && root.value == null);
    diagnostics.push({
      code: 'INVALID_FILE_FORM',
      severity: 'error',
      message: empty
        ? 'file is empty: a flag file holds one flag (a mapping with "key") or a list ("flags:")'
        : 'not a flag file: expected one flag (a mapping with "key") or a list ("flags:")',
      file,
      ...positionOf(root, lineCounter),
    });
  }
  return result;
}

function entryOf(file: string, index: number | null, node: YAMLMap, raw: unknown, lineCounter: LineCounter): FlagEntry {
  const keyNode = node.get('key', true) as Node | undefined;
  const key = isScalar(keyNode) && typeof keyNode.value === 'string' ? keyNode.value : undefined;
  return { file, index, node, raw, key, position: positionOf(keyNode ?? node, lineCounter) };
}

function hasKey(map: YAMLMap, name: string): boolean {
  return map.items.some((p) => isScalar(p.key) && p.key.value === name);
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}
