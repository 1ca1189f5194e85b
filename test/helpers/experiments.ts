/** Experiments as test data: the one home for the experiment factory of the schema and lifecycle tests. */

/**
 * A valid draft experiment (blue control, green treatment at 50%) as an
 * experiment file holds it, overridden by `fields`: plain input for the schema.
 */
export function experimentInput(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'checkout-color',
    name: 'Checkout button colour',
    description: '',
    flagKey: 'checkout-color',
    control: { key: 'blue', name: 'Blue' },
    treatment: [{ key: 'green', name: 'Green', weight: 50 }],
    primaryMetric: 'purchase',
    status: 'draft',
    ...fields,
  };
}
