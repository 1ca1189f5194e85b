/** The objects of the flag schema by path: for "did you mean" on unknown fields, for messages and for the salvage pass. */
import { flagSchemas, FLAG_FIELDS } from './flag.js';
import { once } from './lazy.js';
import type { ObjectShapeAt } from './zod-findings.js';

const shapeOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
// Only an invalid flag needs them: built then (lazy.ts).
const flagShapes = once(() => {
  const s = flagSchemas();
  return {
    flag: FLAG_FIELDS as readonly string[],
    rule: shapeOf(s.RuleSchema),
    condition: shapeOf(s.ConditionSchema),
    fallthrough: shapeOf(s.FallthroughSchema),
    variant: shapeOf(s.VariantSchema),
    environment: shapeOf(s.EnvironmentSchema),
  };
});

/** The object of the flag schema at a path (the path of a mapping inside a flag). */
export const flagShapeAt: ObjectShapeAt = (p) => {
  const [a, , c] = p;
  const FLAG_SHAPES = flagShapes();
  if (p.length === 0) return { fields: FLAG_SHAPES.flag, what: 'flag' };
  if (a === 'rules' && p.length === 2) return { fields: FLAG_SHAPES.rule, what: 'rule' };
  if (a === 'rules' && c === 'conditions' && p.length === 4) return { fields: FLAG_SHAPES.condition, what: 'condition' };
  if (a === 'fallthrough' && p.length === 1) return { fields: FLAG_SHAPES.fallthrough, what: 'fallthrough' };
  if (a === 'variants' && p.length === 2) return { fields: FLAG_SHAPES.variant, what: 'variant' };
  if (a === 'environments' && p.length === 2) return { fields: FLAG_SHAPES.environment, what: 'environment override' };
  // SPEC 6: an environment's own rules and fallthrough.
  if (a === 'environments' && p.length > 2) return flagShapeAt(p.slice(2));
  return { fields: [], what: 'mapping' };
};
