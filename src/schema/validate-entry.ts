/**
 * Validation of one flag entry (SPEC 1.3): zod for the shape, then the named
 * checks across fields; when the schema fails, the checks still run on a
 * salvaged copy. Every finding is located at its YAML node.
 */
import { FLAG_CHECKS, type Finding } from './checks.js';
import { diagnosticsOf } from './diagnostics.js';
import { checkExpiry } from './expiry.js';
import type { FlagEntry, ParsedFlagFile } from './flag-file.js';
import { flagShapeAt } from './flag-shape.js';
import { parseValidFlag } from './flag-fast.js';
import { flagSchemas, type Flag } from './flag.js';
import { checkNoEffect } from './no-effect.js';
import { related, salvageFlag } from './salvage.js';
import { flagSegmentReferences, referenceFindings, type SegmentIndex } from './segment-checks.js';
import { findingsOfIssues } from './zod-findings.js';
import type { Diagnostic } from '../errors.js';

export interface EntryValidation {
  flag?: Flag;
  diagnostics: Diagnostic[];
}

export interface ValidateEntryOptions {
  /** The moment to check `expiresAt` against (EXPIRED); without it, expiry is not checked. */
  now?: Date;
  /** The project's segments; without them (a caller validating one flag alone) references are not judged. */
  segments?: SegmentIndex;
}

/**
 * Validates one flag entry of a parsed file: schema, then the named checks.
 * When the schema fails, the checks still run on a repaired copy (see
 * salvageFlag) so one typo does not hide the other problems of the flag.
 */
export function validateFlagEntry(file: ParsedFlagFile, entry: FlagEntry, opts: ValidateEntryOptions = {}): EntryValidation {
  const base = entry.index === null ? [] : ['flags', entry.index];
  // A plainly valid flag skips zod (flag-fast.ts); anything else gets the schema's verdict and findings.
  const fast = parseValidFlag(entry.raw);
  const parsed = fast ? ({ success: true, data: fast } as const) : flagSchemas().FlagSchema.safeParse(entry.raw);
  if (parsed.success) {
    const findings = runFlagChecks(parsed.data);
    // Without a segment index (a caller validating one flag alone) references are not judged.
    if (opts.segments) findings.push(...referenceFindings(flagSegmentReferences(parsed.data), opts.segments));
    if (opts.now !== undefined) findings.push(...checkExpiry(parsed.data, opts.now));
    // A judgement of the whole flag: only sound when nothing in it is broken (a placeholder would fake it).
    if (!entry.yamlError && !findings.some((f) => f.severity === 'error')) findings.push(...checkNoEffect(parsed.data));
    const diagnostics = diagnosticsOf(file, base, findings, { flagKey: entry.key });
    const valid = !entry.yamlError && !findings.some((f) => f.severity === 'error');
    return { flag: valid ? parsed.data : undefined, diagnostics };
  }
  const findings = findingsOfIssues(parsed.error.issues, entry.raw, flagShapeAt);
  const repaired = salvageFlag(entry.raw, parsed.error.issues);
  if (repaired) {
    for (const f of runFlagChecks(repaired.flag)) {
      if (f.severity === 'warning' && !repaired.warningsReliable) continue;
      if (repaired.touched.some((t) => related(t, f.path))) continue;
      findings.push(f);
    }
  }
  return { diagnostics: diagnosticsOf(file, base, findings, { flagKey: entry.key }) };
}

export function runFlagChecks(flag: Flag): Finding[] {
  const out: Finding[] = [];
  for (const check of FLAG_CHECKS) for (const f of check(flag)) out.push(f);
  return out;
}
