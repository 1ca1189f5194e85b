// The plot of bench/scale.mjs, drawn from its own numbers as a plain SVG: one
// panel a figure (validate, list, …) for wall time and one for peak memory,
// log-log axes, ours as a solid line and the floor measured beside it as a
// dashed one. Straight parallel lines on log-log axes are linear growth.

const W = 230; // panel width
const H = 190; // panel height
const M = { left: 52, right: 12, top: 26, bottom: 34 }; // margins inside a panel
const OURS = '#1f6feb';
const FLOOR = '#8b949e';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (x) => (x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : `${x}`);

/** Decades covering [lo, hi] on a log axis, widened to whole powers of ten. */
function decades(lo, hi) {
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  return { a, b, ticks: Array.from({ length: b - a + 1 }, (_, i) => 10 ** (a + i)) };
}

function panel(x0, y0, title, unitLabel, points, fmtY) {
  const xs = points.map((p) => p.size);
  const ys = points.flatMap((p) => [p.ours, p.floor]).filter((v) => Number.isFinite(v) && v > 0);
  if (ys.length === 0) return '';
  const X = decades(Math.min(...xs), Math.max(...xs));
  const Y = decades(Math.min(...ys), Math.max(...ys));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (v) => x0 + M.left + ((Math.log10(v) - X.a) / (X.b - X.a)) * pw;
  const py = (v) => y0 + M.top + ph - ((Math.log10(v) - Y.a) / (Y.b - Y.a)) * ph;
  const out = [];
  out.push(`<text x="${x0 + M.left}" y="${y0 + 16}" font-size="12" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${x0 + M.left}" y="${y0 + M.top}" width="${pw}" height="${ph}" fill="none" stroke="#d0d7de"/>`);
  for (const t of X.ticks) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${y0 + M.top}" y2="${y0 + M.top + ph}" stroke="#eaeef2"/>`);
    out.push(`<text x="${x}" y="${y0 + M.top + ph + 13}" font-size="10" text-anchor="middle">${short(t)}</text>`);
  }
  for (const t of Y.ticks) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + M.left + pw}" y1="${y}" y2="${y}" stroke="#eaeef2"/>`);
    out.push(`<text x="${x0 + M.left - 4}" y="${(Number(y) + 3).toFixed(1)}" font-size="10" text-anchor="end">${fmtY(t)}</text>`);
  }
  out.push(`<text x="${x0 + M.left + pw / 2}" y="${y0 + H - 6}" font-size="10" text-anchor="middle" fill="#57606a">${esc(unitLabel)}</text>`);
  for (const [key, colour, dash] of [
    ['floor', FLOOR, ' stroke-dasharray="5 3"'],
    ['ours', OURS, ''],
  ]) {
    const pts = points.filter((p) => Number.isFinite(p[key]) && p[key] > 0).map((p) => `${px(p.size).toFixed(1)},${py(p[key]).toFixed(1)}`);
    if (pts.length === 0) continue;
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${colour}"/>`);
  }
  return out.join('\n');
}

const fmtTime = (ms) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
const fmtMiB = (m) => `${m} MiB`;

/** The SVG text for rows of bench/scale.mjs ({figure, unit, size, ms, floorMs, rssMiB, floorRssMiB}). */
export function scaleSvg(rows, { title, subtitle = '' }) {
  const figures = [...new Set(rows.map((r) => r.figure))];
  const width = Math.max(2, figures.length) * W + 20;
  const height = 2 * H + 80;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold" fill="#24292f">${esc(title)}</text>`,
    `<text x="10" y="33" font-size="10" fill="#57606a">${esc(subtitle)}</text>`,
    `<line x1="12" x2="36" y1="48" y2="48" stroke="${OURS}" stroke-width="2"/><text x="40" y="52" font-size="11">flagyard</text>`,
    `<line x1="110" x2="134" y1="48" y2="48" stroke="${FLOOR}" stroke-width="2" stroke-dasharray="5 3"/><text x="138" y="52" font-size="11">floor, same size, same run</text>`,
    `<text x="320" y="52" font-size="11" fill="#57606a">top: wall time; bottom: peak RSS; both axes logarithmic</text>`,
  ];
  figures.forEach((name, i) => {
    const fr = rows.filter((r) => r.figure === name).sort((a, b) => a.size - b.size);
    const unit = fr[0].unit;
    const x0 = 10 + i * W;
    parts.push(panel(x0, 60, `${name}: time`, unit, fr.map((r) => ({ size: r.size, ours: r.ms, floor: r.floorMs })), fmtTime));
    parts.push(panel(x0, 60 + H, `${name}: peak RSS`, unit, fr.map((r) => ({ size: r.size, ours: r.rssMiB, floor: r.floorRssMiB })), fmtMiB));
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
