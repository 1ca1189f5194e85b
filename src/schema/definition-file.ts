/**
 * Files that hold one definition, a mapping named by one of its fields:
 * experiments (`id`, SPEC 4.1) and segments (`key`, SPEC 6). One parse for
 * both, so their form findings and the place that names them stay alike.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { positionOf, type Position } from './locate.js';
import { parseYamlFile, type ParsedYaml } from './yaml-read.js';

export interface ParsedDefinitionFile extends ParsedYaml {
  /** Plain data of the definition when the document is a mapping. */
  raw?: unknown;
  /** Where the definition starts (its naming field's value, else the document). */
  position: Position;
}

/**
 * Parses a one-definition file. `nameField` is read even when the rest is
 * invalid (so duplicates and references can name it); `formProblem` words the
 * finding for a document that is not a mapping (`empty` when it holds nothing).
 */
export function parseDefinitionFile(
  file: string,
  text: string,
  nameField: string,
  formProblem: (empty: boolean) => string,
): { parsed: ParsedDefinitionFile; name?: string } {
  const { duplicateKeyOffsets: _, ...yaml } = parseYamlFile(file, text);
  const root = yaml.doc.contents as Node | null;
  const parsed: ParsedDefinitionFile = { ...yaml, position: positionOf(root, yaml.lineCounter) };
  if (yaml.js === undefined && !yaml.syntaxOk) return { parsed };
  if (!isMap(root)) {
    if (yaml.syntaxOk) {
      yaml.diagnostics.push({
        code: 'INVALID_FILE_FORM',
        severity: 'error',
        message: formProblem(root == null || (isScalar(root) && root.value == null)),
        file,
        ...positionOf(root, yaml.lineCounter),
      });
    }
    return { parsed };
  }
  parsed.raw = yaml.js;
  const nameNode = root.get(nameField, true) as Node | undefined;
  if (!isScalar(nameNode) || typeof nameNode.value !== 'string') return { parsed };
  parsed.position = positionOf(nameNode, yaml.lineCounter);
  return { parsed, name: nameNode.value };
}
