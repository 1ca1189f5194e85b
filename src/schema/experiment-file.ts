/** Pure parsing of an experiment definition file (SPEC 4.1): one mapping per file, `flags/experiments/<id>.yaml`. */
import { parseDefinitionFile, type ParsedDefinitionFile } from './definition-file.js';

export interface ParsedExperimentFile extends ParsedDefinitionFile {
  /** The `id` field when it is a string (known even when the definition is invalid). */
  id?: string;
}

export function parseExperimentFile(file: string, text: string): ParsedExperimentFile {
  const { parsed, name } = parseDefinitionFile(file, text, 'id', (empty) =>
    empty
      ? 'file is empty: an experiment file holds one definition (id, name, flagKey, control, treatment, …)'
      : 'not an experiment definition: expected a mapping with id, name, flagKey, control, treatment, …',
  );
  return name === undefined ? parsed : Object.assign(parsed, { id: name });
}
