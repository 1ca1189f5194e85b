/** The objects of the flag schema by path: for "did you mean" on unknown fields, for messages and for the salvage pass. */
import { ConditionSchema, EnvironmentSchema, FallthroughSchema, FLAG_FIELDS, RuleSchema, VariantSchema } from './flag.js';
import type { ObjectShapeAt } from './zod-findings.js';

const shapeOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
const FLAG_SHAPES = {
  flag: FLAG_FIELDS as readonly string[],
  rule: shapeOf(RuleSchema),
  condition: shapeOf(ConditionSchema),
  fallthrough: shapeOf(FallthroughSchema),
  variant: shapeOf(VariantSchema),
  environment: shapeOf(EnvironmentSchema),
};

/** The object of the flag schema at a path (the path of a mapping inside a flag). */
export const flagShapeAt: ObjectShapeAt = (p) => {
  const [a, , c] = p;
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
