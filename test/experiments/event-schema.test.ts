// Tests of src/schema/event.ts (kept beside the tally that is its main reader).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventSchema, parseEventLine, parseEventTimestamp } from '../../src/schema/event.js';

describe('parseEventTimestamp', () => {
  it.each([
    '2025-01-31T12:00:00.000Z',
    '2025-01-31T12:00:00Z',
    '2025-01-31T12:00:00.5Z',
    '2025-01-31T12:00:00.12Z',
    '2025-01-31T12:00:00.123456789Z',
    '2024-02-29T23:59:59.999Z',
    '2025-06-01T02:30:00+02:00',
    '2025-06-01T02:30:00.250-05:30',
    '1970-01-01T00:00:00.000Z',
    '0099-12-31T00:00:00.000Z', // Date.UTC would read the year as 1999; Date.parse does not
  ])('%s agrees with Date.parse', (s) => {
    expect(parseEventTimestamp(s)).toBe(Date.parse(s));
  });

  it.each([
    '2025-02-29T00:00:00Z', // not a leap year (Date.parse rolls over to March 1)
    '2025-04-31T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T12:60:00Z',
    '2025-01-01T12:00:60Z',
    '2025-01-01T12:00:00', // no time zone: its meaning would depend on the machine
    '2025-01-01 12:00:00Z',
    '2025-01-01T12:00Z',
    '2025-01-01T12:00:00.Z',
    '2025-01-01T12:00:00+0200',
    '2025-01-01T12:00:00+24:00',
    '2025-01-01T12:00:00Zjunk',
    '2025-01-01',
    'March 7, 2025 10:00 UTC',
    '',
  ])('%j is refused', (s) => {
    expect(parseEventTimestamp(s)).toBeNaN();
  });

  it('agrees with Date.parse on any instant toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800000, max: 253402300799999 }), (ms) => {
        expect(parseEventTimestamp(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });
});

describe('parseEventLine', () => {
  const T = '2025-01-31T12:00:00.000Z';
  it.each([
    [{ type: 'exposure', experimentId: 'e', userId: 'u', variant: 'blue', timestamp: T }],
    [{ type: 'conversion', experimentId: 'e', userId: 'u', metric: 'purchase', value: 12.5, timestamp: T }],
    [{ type: 'conversion', experimentId: 'e', userId: 'u', metric: 'purchase', variant: 'ignored', timestamp: T }],
    [{ type: 'exposure', experimentId: 'e', userId: 'u', variant: 'blue', timestamp: T, source: 'web' }],
  ])('accepts %j', (event) => {
    const r = parseEventLine(JSON.stringify(event));
    expect(r).toEqual({ ok: true, event, time: Date.parse(T) });
  });

  it.each([
    ['{"type":"exposure"', 'not valid JSON'],
    ['[1,2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['{"type":"click","experimentId":"e","userId":"u","timestamp":"2025-01-31T12:00:00Z"}', 'type'],
    ['{"type":"exposure","experimentId":"e","userId":"u","timestamp":"2025-01-31T12:00:00Z"}', 'variant'],
    ['{"type":"conversion","experimentId":"e","userId":"u","timestamp":"2025-01-31T12:00:00Z"}', 'metric'],
    ['{"type":"exposure","experimentId":"","userId":"u","variant":"a","timestamp":"2025-01-31T12:00:00Z"}', 'experimentId'],
    ['{"type":"exposure","experimentId":"e","userId":7,"variant":"a","timestamp":"2025-01-31T12:00:00Z"}', 'userId'],
    ['{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":1e999,"timestamp":"2025-01-31T12:00:00Z"}', 'finite'],
    ['{"type":"conversion","experimentId":"e","userId":"u","metric":"m","value":"3","timestamp":"2025-01-31T12:00:00Z"}', 'finite'],
    ['{"type":"conversion","experimentId":"e","userId":"u","metric":"m","timestamp":"yesterday"}', 'timestamp'],
    ['{"type":"conversion","experimentId":"e","userId":"u","metric":"m"}', 'timestamp'],
  ])('refuses %s', (line, reason) => {
    const r = parseEventLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  // The hand-written hot path and the zod contract must accept exactly the same events.
  it('agrees with EventSchema on arbitrary near-events', () => {
    // Mostly-valid fields, so most samples are valid or one mistake away from it.
    const field = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
      fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: bad, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
    const junk = fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(''));
    const name = fc.constantFrom('e', 'u1', 'blue', 'purchase');
    const timestamp = fc.oneof(
      fc.integer({ min: 0, max: 4102444800000 }).map((ms) => new Date(ms).toISOString()),
      fc.constantFrom('2025-01-01T00:00:00+01:00', '2025-01-01T00:00:00.5Z'),
    );
    const badTimestamp = fc.oneof(junk, fc.constantFrom('2025-02-29T00:00:00Z', '2025-01-01T00:00:00', 'x', '2025-01-01'));
    const event = fc.record(
      {
        type: field(fc.constantFrom('exposure', 'conversion'), fc.oneof(junk, fc.constant('click'))),
        experimentId: field(name, junk),
        userId: field(name, junk),
        variant: field(name, junk),
        metric: field(name, junk),
        value: field(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.oneof(junk, fc.constant('3'))),
        timestamp: field(timestamp, badTimestamp),
        extra: fc.option(fc.string(), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    let valid = 0;
    fc.assert(
      fc.property(event, (e) => {
        const line = JSON.stringify(e);
        const fast = parseEventLine(line);
        const slow = EventSchema.safeParse(JSON.parse(line));
        if (slow.success) valid++;
        expect(fast.ok).toBe(slow.success);
      }),
      { numRuns: 3000 },
    );
    // The property is only worth something if both answers occur often.
    expect(valid).toBeGreaterThan(100);
    expect(valid).toBeLessThan(2900);
  });
});
