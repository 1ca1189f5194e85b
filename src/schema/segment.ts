/**
 * A segment file, `flags/segments/<key>.yaml` (SPEC 6): a named list of
 * conditions that rules reference with `in_segment` / `not_in_segment`
 * instead of copying the same tenant list into every flag.
 */
import * as z from 'zod/mini';
import { flagSchemas, KEY_PATTERN } from './flag.js';
import { lazyObject, once } from './lazy.js';

/** Built on first use (lazy.ts); `SegmentSchema` stands in for it. */
export const segmentSchema = once(() =>
  z.strictObject({
    key: z.string().check(z.regex(KEY_PATTERN, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$')),
    description: z.optional(z.string()),
    /** All must hold; an empty list holds for every context. */
    conditions: z.array(flagSchemas().ConditionSchema),
  }),
);
export const SegmentSchema: ReturnType<typeof segmentSchema> = lazyObject(segmentSchema);

export type Segment = z.infer<typeof SegmentSchema>;

/** The folder below the flags directory that holds segments, not flags. */
export const SEGMENTS_DIR = 'segments';
