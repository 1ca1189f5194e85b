/**
 * The inline SVG charts of the HTML report: intervals on a shared axis (each
 * arm's mean, each treatment's lift against zero) and cumulative users and
 * conversions per arm over time. Every mark carries its exact numbers in
 * data-* attributes, so a test (or a curious reader) can check the picture
 * against the JSON. Pure string building; no script, no external resource.
 */
import type { Interval } from '../../experiments/stats.js';
import type { TimelineDay } from '../../experiments/sufficient-stats.js';

export const ARM_COLOURS = ['#4b5563', '#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d'];

export interface IntervalRow {
  label: string;
  value: number | null;
  interval: Interval | null;
  colour: string;
  /** data-* attributes for the row's mark (already strings). */
  data: Record<string, string>;
}

const W = 640;
const ROW = 34;
const LEFT = 150;
const RIGHT = 30;

/** A forest plot: one row per arm or treatment, its value as a dot and its interval as a bar; `zero` draws the no-effect line. */
export function intervalChart(title: string, rows: IntervalRow[], format: (x: number) => string, options: { zero?: boolean } = {}): string {
  const xs = rows.flatMap((r) => [...(r.interval ?? []), ...(r.value === null ? [] : [r.value])]).filter(Number.isFinite);
  if (options.zero) xs.push(0);
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const height = rows.length * ROW + 40;
  const x = (v: number) => LEFT + ((v - lo) / (hi - lo)) * (W - LEFT - RIGHT);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart interval-chart" role="img" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}"><title>${esc(title)}</title>`);
  parts.push(axis(lo, hi, x, rows.length * ROW + 10, format));
  if (options.zero) parts.push(`<line class="zero" x1="${x(0)}" x2="${x(0)}" y1="4" y2="${rows.length * ROW + 10}" stroke="#111" stroke-dasharray="4 3"/>`);
  rows.forEach((r, i) => {
    const y = 20 + i * ROW;
    const attrs = Object.entries(r.data).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
    parts.push(`<g class="row"${attrs}><text x="${LEFT - 8}" y="${y + 4}" text-anchor="end">${esc(r.label)}</text>`);
    if (r.interval) {
      parts.push(`<line x1="${x(r.interval[0])}" x2="${x(r.interval[1])}" y1="${y}" y2="${y}" stroke="${r.colour}" stroke-width="6" stroke-linecap="round" opacity="0.55"/>`);
    }
    if (r.value !== null) {
      parts.push(`<circle cx="${x(r.value)}" cy="${y}" r="5" fill="${r.colour}"/>`);
      parts.push(`<text class="value" x="${W - 4}" y="${y + 4}" text-anchor="end">${esc(format(r.value))}</text>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

function axis(lo: number, hi: number, x: (v: number) => number, y: number, format: (v: number) => string): string {
  const ticks = [lo, (lo + hi) / 2, hi].map((v) => `<text x="${x(v)}" y="${y + 16}" text-anchor="middle" class="tick">${esc(format(v))}</text>`);
  return `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#9ca3af"/>${ticks.join('')}`;
}

/**
 * Cumulative users (solid) and primary-metric converters (dashed) per arm, by
 * day of first exposure.
 */
export function timelineChart(title: string, arms: string[], days: TimelineDay[]): string {
  const height = 240;
  const top = 14;
  const bottom = height - 36;
  const left = 60;
  const right = W - 20;
  const cumulative = (pick: (d: TimelineDay) => number[]) =>
    arms.map((_, a) => {
      let run = 0;
      return days.map((d) => (run += pick(d)[a]));
    });
  const users = cumulative((d) => d.users);
  const conv = cumulative((d) => d.converters);
  const max = Math.max(1, ...users.flat());
  const x = (i: number) => (days.length <= 1 ? (left + right) / 2 : left + (i / (days.length - 1)) * (right - left));
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline-chart" role="img" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}"><title>${esc(title)}</title>`);
  parts.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#9ca3af"/><line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#9ca3af"/>`);
  parts.push(`<text class="tick" x="${left - 6}" y="${top + 4}" text-anchor="end">${max.toLocaleString('en-US')}</text><text class="tick" x="${left - 6}" y="${bottom}" text-anchor="end">0</text>`);
  if (days.length > 0) {
    parts.push(`<text class="tick" x="${x(0)}" y="${bottom + 16}" text-anchor="middle">${esc(days[0].date)}</text>`);
    if (days.length > 1) parts.push(`<text class="tick" x="${x(days.length - 1)}" y="${bottom + 16}" text-anchor="end">${esc(days.at(-1)!.date)}</text>`);
  }
  arms.forEach((arm, a) => {
    const colour = ARM_COLOURS[a % ARM_COLOURS.length];
    const path = (series: number[]) => series.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const total = users[a].at(-1) ?? 0;
    const totalConv = conv[a].at(-1) ?? 0;
    parts.push(`<g class="series" data-arm="${esc(arm)}" data-users="${total}" data-converters="${totalConv}">`);
    if (days.length > 1) {
      parts.push(`<path d="${path(users[a])}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      parts.push(`<path d="${path(conv[a])}" fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="5 4"/>`);
    } else if (days.length === 1) {
      parts.push(`<circle cx="${x(0)}" cy="${y(total)}" r="4" fill="${colour}"/><circle cx="${x(0)}" cy="${y(totalConv)}" r="4" fill="none" stroke="${colour}"/>`);
    }
    parts.push(`<text x="${left + 10}" y="${top + 14 * (a + 1)}" fill="${colour}">${esc(arm)}: ${total.toLocaleString('en-US')} users, ${totalConv.toLocaleString('en-US')} converted</text></g>`);
  });
  if (days.length === 0) parts.push(`<text x="${(left + right) / 2}" y="${(top + bottom) / 2}" text-anchor="middle">no exposures yet</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
