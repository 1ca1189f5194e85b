/**
 * `results --format html`: one self-contained page (inline CSS and SVG, no
 * script, no font, no image to fetch; a Content-Security-Policy of
 * `default-src 'none'` makes the browser refuse any request anyway). Each
 * metric's arms with their intervals, the lift of each treatment with its
 * interval against zero, users and conversions over time, the sample-ratio
 * check and the verdict in words. The results object is embedded as JSON for
 * tools. Pure string building.
 */
import type { MetricResult } from '../../experiments/metric-analysis.js';
import type { ExperimentResults } from '../../experiments/results.js';
import { windowText, srmWarning, type ResultsReportInput } from './experiment-results.js';
import { comparisonLabel, confidenceLabel, decidingTest, int, interval, metricFormats, metricRole, MODE_TEXT, p, pct, plural, signedPct } from './results-format.js';
import { ARM_COLOURS, esc, intervalChart, timelineChart } from './results-svg.js';

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;max-width:760px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.verdict{font-size:16px;font-weight:600;padding:10px 12px;border-radius:6px;background:#f3f4f6}
.verdict.winner{background:#dcfce7}.verdict.bad{background:#fee2e2}
.srm{background:#fee2e2;color:#991b1b;font-weight:600;padding:8px 12px;border-radius:6px}
.meta{color:#4b5563}table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
td,th{padding:3px 10px;border-bottom:1px solid #e5e7eb;text-align:right}td:first-child,th:first-child{text-align:left}
.chart text{font:12px system-ui,sans-serif;fill:#111827}.chart .tick{fill:#6b7280}.note{color:#4b5563;font-style:italic}`;

export function renderResultsHtml(input: ResultsReportInput): string {
  const { experiment: exp, analysis } = input;
  const { results, notes } = analysis;
  const verdictClass = results.verdict === 'winner' ? 'winner' : results.verdict === 'sample ratio mismatch' || results.verdict === 'guardrail regression' ? 'bad' : '';
  const body: string[] = [];
  body.push(`<h1>Experiment ${esc(exp.id)}${exp.name && exp.name !== exp.id ? `: ${esc(exp.name)}` : ''}</h1>`);
  body.push(`<p class="meta">${esc(exp.status)} · window: ${esc(windowText(results.window))} · ${esc(input.source ?? `${int(input.reader.events)} events from ${input.log}`)}</p>`);
  for (const l of srmWarning(input)) body.push(`<p class="srm">${esc(l.replace(/^!!! /, ''))}</p>`);
  body.push(`<p class="verdict ${verdictClass}" id="verdict">Verdict: ${esc(input.verdict)}</p>`);
  body.push(`<p class="meta">Analysis: ${esc(MODE_TEXT[results.analysis])}.</p>`);
  body.push(`<p class="meta">Secondary metrics are exploratory: only the primary metric decides the winner, and a guardrail that moves the wrong way vetoes it.</p>`);

  body.push('<h2>Sample-ratio check</h2>');
  const split = results.arms.map((a, i) => `${a.key}: ${int(a.users)} users (${results.sampleSize ? pct(a.users / results.sampleSize, 1) : '-'}; expected ${pct(notes.srmShares[i], 1)})`).join(' · ');
  body.push(
    `<p id="srm" data-p="${results.srm.pValue}" data-mismatch="${results.srm.mismatch}">${esc(split)}. Chi-square ${results.srm.chiSquare.toFixed(2)}, df ${results.srm.df}, p = ${p(results.srm.pValue)}: ${results.srm.mismatch ? '<strong>mismatch — no winner can be declared</strong>' : 'no sign of a broken split'}.</p>`,
  );

  for (const m of results.metrics) body.push(metricSection(m, results, notes.srmShares));

  body.push('<h2>Users and conversions over time</h2>');
  body.push(`<p class="note">Cumulative users (solid) and users converting on ${esc(exp.primaryMetric)} (dashed) per arm, by day of first exposure (UTC).</p>`);
  body.push(timelineChart('Users and conversions over time', results.arms.map((a) => a.key), input.timeline));

  const ex = results.excluded;
  body.push('<h2>Excluded</h2>');
  body.push(
    `<p id="excluded">${int(ex.outsideWindow)} ${plural(ex.outsideWindow, 'event')} outside the window; ${int(ex.multipleArms)} ${plural(ex.multipleArms, 'user')} exposed to several arms; ${int(ex.conversionsBeforeExposure)} ${plural(ex.conversionsBeforeExposure, 'user')} who converted only before exposure; ${int(ex.conversionsWithoutExposure)} ${plural(ex.conversionsWithoutExposure, 'converter')} never exposed; ${int(ex.malformedLines)} malformed ${plural(ex.malformedLines, 'line')}.</p>`,
  );
  // JSON in a script element is data, never run; "<" escaped so no string can close the element.
  const json = JSON.stringify(results).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Experiment ${esc(exp.id)} — results</title>
<style>${CSS}</style></head><body>
${body.join('\n')}
<script type="application/json" id="results-json">${json}</script>
</body></html>`;
}

function metricSection(m: MetricResult, results: ExperimentResults, shares: number[]): string {
  const fmt = metricFormats(m);
  const conf = confidenceLabel(results.alpha);
  const out: string[] = [];
  out.push(`<section class="metric" data-metric="${esc(m.key)}"><h2>${esc(m.key)} <small>(${esc(metricRole(m))})</small></h2>`);
  out.push(
    intervalChart(
      `${m.key}: each arm's ${m.kind === 'revenue' ? 'mean per user' : 'rate'} with its ${conf} interval`,
      m.arms.map((a, i) => ({
        label: a.key,
        value: a.mean,
        interval: a.interval,
        colour: ARM_COLOURS[i % ARM_COLOURS.length],
        data: { kind: 'arm', arm: a.key, users: String(a.users), mean: String(a.mean), lo: String(a.interval?.[0] ?? null), hi: String(a.interval?.[1] ?? null) },
      })),
      fmt.value,
    ),
  );
  out.push(
    intervalChart(
      `${m.key}: lift of each treatment against ${m.arms[0].key} with its ${conf} interval`,
      m.comparisons.map((c, i) => ({
        label: `${c.treatment} − ${m.arms[0].key}`,
        value: c.absoluteLift,
        interval: c.interval,
        colour: ARM_COLOURS[(i + 1) % ARM_COLOURS.length],
        data: { kind: 'lift', treatment: c.treatment, lift: String(c.absoluteLift), lo: String(c.interval?.[0] ?? null), hi: String(c.interval?.[1] ?? null), 'adjusted-p': String(c.adjustedPValue) },
      })),
      fmt.lift,
      { zero: true },
    ),
  );
  out.push(`<table><tr><th>arm</th><th>split</th><th>users</th><th>converters</th><th>${m.kind === 'revenue' ? 'mean per user' : 'rate'}</th><th>${conf} interval</th></tr>`);
  m.arms.forEach((a, i) => {
    out.push(`<tr><td>${esc(a.key)}${i === 0 ? ' (control)' : ''}</td><td>${pct(shares[i], 0)}</td><td>${int(a.users)}</td><td>${int(a.converters)}</td><td>${a.mean === null ? '-' : fmt.value(a.mean)}</td><td>${esc(interval(a.interval, fmt.value))}</td></tr>`);
  });
  out.push('</table>');
  out.push(`<table><tr><th>treatment</th><th>lift (${fmt.liftUnit})</th><th>${conf} interval</th><th>relative</th><th>${conf} interval</th><th>adjusted p</th><th>result</th></tr>`);
  for (const c of m.comparisons) {
    out.push(
      `<tr><td>${esc(c.treatment)}</td><td>${c.absoluteLift === null ? '-' : fmt.lift(c.absoluteLift)}</td><td>${esc(interval(c.interval, fmt.lift))}</td><td>${c.relativeLift === null ? '-' : signedPct(c.relativeLift)}</td><td>${esc(interval(c.relativeInterval, signedPct))}</td><td>${c.adjustedPValue === null ? '-' : p(c.adjustedPValue)}</td><td>${esc(comparisonLabel(c, results.winner, m.primary))}</td></tr>`,
    );
  }
  out.push('</table>');
  out.push(`<p class="note">${esc(decidingTest(results, m))}.</p></section>`);
  return out.join('\n');
}
