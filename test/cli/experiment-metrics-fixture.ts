/**
 * A revenue experiment with a guardrail, as a CLI user would set it up, and a
 * generated log with known effects: green raises purchases and revenue, and
 * (in the "regression" variant of the log) raises refunds, the guardrail.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runMain, tempProject, type RunResult } from '../helpers/cli.js';

export const LOG = 'flags/experiments/events.jsonl';
export const T0 = Date.UTC(2026, 1, 2, 9);
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

export async function ok(d: string, args: string[]): Promise<RunResult> {
  const r = await runMain(args, { cwd: d });
  expect(r, `flags ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return r;
}

/** A project with experiment `checkout` (revenue primary, purchase secondary, refund guardrail), started 2026-02-01. */
export async function revenueProject(dirs: string[]): Promise<string> {
  const d = tempProject();
  dirs.push(d);
  await ok(d, ['experiment', 'create', 'checkout', '--flag', 'checkout-flow', '--name', 'One-page checkout', '--control', 'classic', '--treatment', 'onepage', '--metric', 'revenue', '--secondary-metric', 'purchase']);
  const file = path.join(d, 'flags/experiments/checkout.yaml');
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(file, 'utf8').replace(
    /^status: draft$/m,
    'metrics:\n  - {key: revenue, kind: revenue}\n  - {key: refund, kind: conversion, direction: decrease, guardrail: true}\nstatus: draft',
  );
  writeFileSync(file, text);
  await ok(d, ['experiment', 'start', 'checkout']);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^startDate: .*$/m, 'startDate: 2026-02-01'));
  return d;
}

/**
 * `users` per arm over 10 days; a share of them buy (value from a fixed
 * cycle), some of the buyers refund. Deterministic.
 */
export function revenueLog(options: { refundOnepage: number; users?: number }): string[] {
  const users = options.users ?? 1500;
  const lines: string[] = [];
  const prices = [20, 35, 50, 80, 120];
  for (const [arm, buyShare, priceShift, refundShare] of [
    ['classic', 0.1, 0, 0.05],
    ['onepage', 0.14, 5, options.refundOnepage],
  ] as const) {
    for (let i = 0; i < users; i++) {
      const u = `${arm}-${i}`;
      const minute = (i % 10) * 1440 + (i % 600);
      lines.push(JSON.stringify({ type: 'exposure', experimentId: 'checkout', userId: u, variant: arm, timestamp: at(minute) }));
      if ((i * 7919) % 1000 < buyShare * 1000) {
        const value = prices[i % prices.length] + priceShift;
        lines.push(JSON.stringify({ type: 'conversion', experimentId: 'checkout', userId: u, metric: 'purchase', timestamp: at(minute + 5) }));
        lines.push(JSON.stringify({ type: 'conversion', experimentId: 'checkout', userId: u, metric: 'revenue', value, timestamp: at(minute + 5) }));
        if ((i * 104729) % 1000 < refundShare * 1000 * 5) {
          lines.push(JSON.stringify({ type: 'conversion', experimentId: 'checkout', userId: u, metric: 'refund', timestamp: at(minute + 60) }));
        }
      }
    }
  }
  // Before the start date: excluded and counted.
  lines.push(JSON.stringify({ type: 'exposure', experimentId: 'checkout', userId: 'early-bird', variant: 'classic', timestamp: '2026-01-31T23:59:59.000Z' }));
  return lines;
}
