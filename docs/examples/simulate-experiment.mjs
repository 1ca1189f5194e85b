// Simulates 4,000 visitors: each is exposed (the flag decides the arm) and
// converts with 10% (blue) or 12.5% (green) probability. Seeded, so the run repeats.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const lines = [];
const arms = execFileSync('npx', ['flags', 'eval', 'checkout-button-color', '--contexts', '-'], {
  input: Array.from({ length: 4000 }, (_, i) => JSON.stringify({ user: { id: `visitor-${i}` } })).join('\n'),
  encoding: 'utf8',
}).trim().split('\n').map((l) => JSON.parse(l).value);
const t = Date.parse('2026-11-25T12:00:00Z');
arms.forEach((arm, i) => {
  lines.push({ type: 'exposure', experimentId: 'checkout-button', userId: `visitor-${i}`, variant: arm, timestamp: new Date(t + i * 1000).toISOString() });
  if (rand() < (arm === 'green' ? 0.125 : 0.1)) lines.push({ type: 'conversion', experimentId: 'checkout-button', userId: `visitor-${i}`, metric: 'purchase', timestamp: new Date(t + i * 1000 + 60000).toISOString() });
});
appendFileSync('flags/experiments/events.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
