/** Builders of plain, valid flags for the review tests. */
import type { Flag } from '../../src/schema/flag.js';
import { newOrchestratorV2 } from '../helpers/flags.js';

/** The seed's new-orchestrator-v2 with `overrides`. */
export function makeFlag(overrides: Partial<Flag> & { key?: string } = {}): Flag {
  return { ...newOrchestratorV2(), ...overrides };
}

export function setOf(...flags: Flag[]): { flags: Map<string, Flag>; invalidKeys: Set<string> } {
  return { flags: new Map(flags.map((f) => [f.key, f])), invalidKeys: new Set() };
}
