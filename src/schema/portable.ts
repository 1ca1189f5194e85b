/**
 * Names that break a checkout on other systems (issue 13.15). Windows
 * reserves device names, with any extension (`CON.yaml`, `nul.x.yaml`); a
 * repository holding such a file cannot be checked out there. Keys that
 * differ only by case collide on Windows and macOS (case-insensitive file
 * systems), so validation treats them as duplicates.
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Why `name` (a flag key or experiment id, used as a file name) cannot be a file on Windows, or null. */
export function reservedNameProblem(name: string): string | null {
  const base = name.split('.')[0];
  return WINDOWS_RESERVED.test(base) ? `"${base}" is a device name on Windows: a file named ${name}.yaml cannot be checked out there` : null;
}

/** The form two keys share when they collide on a case-insensitive file system. */
export function foldCase(key: string): string {
  return key.toLowerCase();
}
