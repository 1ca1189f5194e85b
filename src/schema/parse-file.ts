/**
 * The parsers of the flags directory's files, under the name the rest of the
 * code has long imported them by. Each lives in its own module:
 * - yaml-read.ts: the hardened YAML reader (limits, duplicate keys, syntax messages);
 * - flag-file.ts: flag files, one-flag and `flags:` list forms (SPEC 1.1);
 * - experiment-file.ts: experiment definitions (SPEC 4.1), beside segments on definition-file.ts.
 */
export { MAX_ALIAS_COUNT, MAX_YAML_ITEMS, parseYaml, parseYamlFile, type ParsedYaml } from './yaml-read.js';
export { hasKey, keyNodeOf, parseFlagFile, type FileForm, type FlagEntry, type ParsedFlagFile } from './flag-file.js';
export { parseExperimentFile, type ParsedExperimentFile } from './experiment-file.js';
