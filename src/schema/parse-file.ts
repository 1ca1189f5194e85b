/**
 * Pure parsing of one flag file's text into its flag entries, keeping the YAML
 * document and a LineCounter so findings can point at `file:line:col` and
 * edits can work on the nodes in place (SPEC 1.1: the one-flag form and the
 * `flags:` list form). Experiment files (SPEC 4.1) are parsed the same way.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, YAMLParseError, type Document, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { FLAG_FIELDS } from './flag.js';
import { positionAt, positionOf, type Position } from './locate.js';
import { plainYamlError } from './yaml-messages.js';

/** Alias expansion beyond this is refused (billion-laughs documents). */
export const MAX_ALIAS_COUNT = 100;

/**
 * Files with more collections and items than this are refused before
 * parsing. Why: the YAML parser holds up to a kilobyte per item while it
 * works, so ten megabytes of `[` or `a,` (within the size cap) took several
 * gigabytes and ended in an out-of-memory crash. A legitimate ten-megabyte
 * file of 70,000 flags has about 840,000.
 */
export const MAX_YAML_ITEMS = 1_000_000;

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

/** A YAML document with its positions and its YAML-level findings. */
export interface ParsedYaml {
  file: string;
  text: string;
  /** The text started with a UTF-8 byte order mark (stripped before parsing, kept on write). */
  bom: boolean;
  doc: Document;
  lineCounter: LineCounter;
  /** Plain data of the document (undefined when it could not be built). */
  js: unknown;
  /** YAML syntax findings, and duplicated mapping keys. */
  diagnostics: Diagnostic[];
  /**
   * No syntax error: the document's structure is what the author wrote. A
   * duplicated key leaves the structure intact; any other error means the
   * parser recovered by guessing, and schema findings on a guess would only
   * bury the real problem, so they wait until the syntax is fixed.
   */
  syntaxOk: boolean;
}

export interface ParsedFlagFile extends ParsedYaml {
  form: FileForm;
  entries: FlagEntry[];
}

export function parseYaml(text: string): { doc: Document; lineCounter: LineCounter; bom: boolean } {
  const bom = text.charCodeAt(0) === 0xfeff;
  const source = bom ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  // logLevel error: yaml would print its own warnings (a collection used as a
  // mapping key…) on stderr; whatever matters is reported as a finding instead.
  // uniqueKeys false: duplicated keys are found by checkKeys, in linear time.
  const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false, logLevel: 'error' });
  checkKeys(doc);
  return { doc, lineCounter, bom };
}

/**
 * Mapping-key checks yaml does too slowly or not at all, in one pass, added to
 * `doc.errors` as yaml would:
 * - a duplicated key is an error, not "last one wins". yaml's own check
 *   (uniqueKeys) compares each key with every earlier one: a mapping of
 *   100,000 keys (a 1.3 MB file) took two minutes. Same equality as yaml's:
 *   the same node, or scalars with the same value;
 * - a list or mapping used as a key inside another such key. Turning those
 *   into object keys costs time that grows with the fourth power of the depth
 *   (800 nested `? `, 1.6 KB, took minutes), and no flag file needs one.
 */
function checkKeys(doc: Document): void {
  const duplicates: YAMLParseError[] = [];
  const stack: { node: unknown; inKey: boolean }[] = [{ node: doc.contents, inKey: false }];
  while (stack.length > 0) {
    const { node, inKey } = stack.pop()!;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const id = isScalar(key) ? key.value : key;
        // NaN never equals itself (yaml compares with ===), but a Set would find it.
        if (!(typeof id === 'number' && Number.isNaN(id))) {
          if (seen.has(id)) {
            const at = key?.range?.[0] ?? node.range?.[0] ?? 0;
            duplicates.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else seen.add(id);
        }
        if (isMap(key) || isSeq(key)) {
          if (inKey) {
            const at = key.range?.[0] ?? 0;
            doc.errors.push(new YAMLParseError([at, at + 1], 'RESOURCE_EXHAUSTION', 'a list or mapping is used as a key inside another key; flag files cannot hold such keys'));
            return;
          }
          stack.push({ node: key, inKey: true });
        }
        stack.push({ node: pair.value, inKey });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, inKey });
    } else if (isPair(node)) {
      stack.push({ node: node.key, inKey }, { node: node.value, inKey });
    }
  }
  duplicates.sort((a, b) => a.pos[0] - b.pos[0]);
  doc.errors.push(...duplicates);
}

/** Flow brackets, commas and block indicators (`- `, `? `, `: `): a count that never misses an item the parser would make. */
function countYamlItems(text: string, limit: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x7b /* { */ || c === 0x2c /* , */) n++;
    else if (c === 0x2d /* - */ || c === 0x3f /* ? */ || c === 0x3a /* : */) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09 || Number.isNaN(next)) n++;
    }
  }
  return n;
}

/** Parses any YAML file of the flags directory, collecting its YAML-level findings with positions. */
export function parseYamlFile(file: string, text: string): ParsedYaml & { duplicateKeyOffsets: number[] } {
  if (text.length > MAX_YAML_ITEMS && countYamlItems(text, MAX_YAML_ITEMS) > MAX_YAML_ITEMS) {
    const { doc, lineCounter, bom } = parseYaml('');
    const message = `file has more than ${MAX_YAML_ITEMS.toLocaleString('en-US')} YAML items (list entries, brackets, commas, keys); denser files are refused before parsing`;
    const diagnostics: Diagnostic[] = [{ code: 'FILE_TOO_LARGE', severity: 'error', message, file, line: 1, column: 1 }];
    return { file, text, bom, doc, lineCounter, js: undefined, diagnostics, syntaxOk: false, duplicateKeyOffsets: [] };
  }
  const { doc, lineCounter, bom } = parseYaml(text);
  const diagnostics: Diagnostic[] = [];
  const duplicateKeyOffsets: number[] = [];
  let syntaxOk = true;
  // One finding per place and message: a thousand unclosed `[` are one problem.
  const reported = new Set<string>();
  const unclosed = unclosedIndex(doc);
  for (const err of doc.errors) {
    if (err.code === 'DUPLICATE_KEY') {
      duplicateKeyOffsets.push(err.pos[0]);
      diagnostics.push({
        code: 'DUPLICATE_MAPPING_KEY',
        severity: 'error',
        message: `${keyNameAt(doc, err.pos[0])} is defined twice in the same mapping (YAML keys must be unique)`,
        file,
        ...positionAt(err.pos[0], lineCounter),
      });
    } else {
      syntaxOk = false;
      const opened = err.code === 'MISSING_CHAR' || err.code === 'BAD_INDENT' ? unclosed().get(err.pos[0]) : (plainYamlError(err.code, err.pos[0], bom ? text.slice(1) : text) ?? undefined);
      const message =
        opened?.message ??
        (err.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(err.message) ? 'the document is nested too deeply to read (hundreds of levels)' : firstLine(err.message));
      const offset = opened?.offset ?? err.pos[0];
      if (reported.has(`${offset}\u0000${message}`)) continue;
      reported.add(`${offset}\u0000${message}`);
      diagnostics.push({ code: 'YAML_SYNTAX', severity: 'error', message, file, ...positionAt(offset, lineCounter) });
    }
  }
  let js: unknown;
  try {
    // After a resource error the plain data is not worth its cost (or not bounded).
    if (!doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // An alias to an anchor that is not defined (yet), or an alias bomb.
    syntaxOk = false;
    diagnostics.push({ code: 'YAML_SYNTAX', severity: 'error', message: firstLine((e as Error).message), file, ...positionOf(firstBadAlias(doc), lineCounter) });
  }
  return { file, text, bom, doc, lineCounter, js, diagnostics, syntaxOk, duplicateKeyOffsets };
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

export interface ParsedExperimentFile extends ParsedYaml {
  /** Plain data of the definition when the document is a mapping. */
  raw?: unknown;
  /** The `id` field when it is a string (known even when the definition is invalid). */
  id?: string;
  /** Where the definition starts (its `id` value, else the document). */
  position: Position;
}

/** Parses an experiment definition (SPEC 4.1): one mapping per file, `flags/experiments/<id>.yaml`. */
export function parseExperimentFile(file: string, text: string): ParsedExperimentFile {
  const { duplicateKeyOffsets: _, ...parsed } = parseYamlFile(file, text);
  const root = parsed.doc.contents as Node | null;
  const result: ParsedExperimentFile = { ...parsed, position: positionOf(root, parsed.lineCounter) };
  if (parsed.js === undefined && !parsed.syntaxOk) return result;
  if (!isMap(root)) {
    if (parsed.syntaxOk) {
      parsed.diagnostics.push({
        code: 'INVALID_FILE_FORM',
        severity: 'error',
        message:
          root == null || (isScalar(root) && root.value == null)
            ? 'file is empty: an experiment file holds one definition (id, name, flagKey, control, treatment, …)'
            : 'not an experiment definition: expected a mapping with id, name, flagKey, control, treatment, …',
        file,
        ...positionOf(root, parsed.lineCounter),
      });
    }
    return result;
  }
  result.raw = parsed.js;
  const idNode = root.get('id', true) as Node | undefined;
  if (isScalar(idNode) && typeof idNode.value === 'string') {
    result.id = idNode.value;
    result.position = positionOf(idNode, parsed.lineCounter);
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

/**
 * The parser notices an unclosed quote or bracket only where it gives up (the
 * end of the file, the next line); the author needs the place it was opened:
 * the quoted scalar or flow collection that ends where the error is (the last
 * one in document order, the innermost). Indexed by end offset in one visit,
 * built on first use: one visit per error made 8,000 unclosed `[` take 30 s.
 */
function unclosedIndex(doc: Document): () => Map<number, { offset: number; message: string }> {
  let index: Map<number, { offset: number; message: string }> | undefined;
  return () => {
    if (index) return index;
    const found = new Map<number, { offset: number; message: string }>();
    visit(doc, (_, node) => {
      const n = node as Node;
      if (!n?.range || n.range[0] >= n.range[1]) return;
      if (isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE')) {
        const quote = n.type === 'QUOTE_DOUBLE' ? '"' : "'";
        found.set(n.range[1], { offset: n.range[0], message: `quoted string is never closed (missing closing ${quote})` });
      } else if ((isSeq(n) || isMap(n)) && n.flow) {
        const [open, close] = isSeq(n) ? ['[', ']'] : ['{', '}'];
        found.set(n.range[1], { offset: n.range[0], message: `"${open}" is never closed (missing "${close}", or the next line is not indented enough)` });
      }
    });
    index = found;
    return found;
  };
}

function firstBadAlias(doc: Document): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        found = node;
        return visit.BREAK;
      }
      found ??= node;
    },
  });
  return found;
}

/** `"name"` of the mapping key that starts at `offset` (yaml reports a duplicate by its first character). */
function keyNameAt(doc: Document, offset: number): string {
  let name = 'a key';
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (isScalar(key) && key.range?.[0] === offset) {
        name = `"${String(key.value)}"`;
        return visit.BREAK;
      }
    },
  });
  return name;
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.column === b.column;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}
