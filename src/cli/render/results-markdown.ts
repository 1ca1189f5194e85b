/**
 * `results --format markdown`: the same report as the text one, as GitHub
 * markdown for a pull request or a wiki. Pure string building.
 */
import type { MetricResult } from '../../experiments/metric-analysis.js';
import type { ExperimentResults } from '../../experiments/results.js';
import { srmWarning, windowText, type ResultsReportInput } from './experiment-results.js';
import { comparisonLabel, confidenceLabel, decidingTest, int, interval, metricFormats, metricRole, MODE_TEXT, p, pct, plural, signedPct } from './results-format.js';

export function renderResultsMarkdown(input: ResultsReportInput): string {
  const { experiment: exp, analysis } = input;
  const { results, notes } = analysis;
  const out: string[] = [];
  out.push(`# Experiment ${cell(exp.id)}${exp.name && exp.name !== exp.id ? `: ${cell(exp.name)}` : ''}`, '');
  for (const l of srmWarning(input)) out.push(`> **${cell(l.replace(/^!!! /, ''))}**`);
  if (results.srm.mismatch) out.push('');
  out.push(`**Verdict: ${cell(input.verdict)}**`, '');
  out.push(
    `- status: ${exp.status}; window: ${windowText(results.window)}`,
    `- analysis: ${MODE_TEXT[results.analysis]}`,
    `- ${input.source ?? `${int(input.reader.events)} events from \`${input.log}\``}; sample-ratio check: chi-square ${results.srm.chiSquare.toFixed(2)}, df ${results.srm.df}, p = ${p(results.srm.pValue)}`,
    `- secondary metrics are exploratory: only the primary metric decides the winner, and a guardrail that moves the wrong way vetoes it`,
    '',
  );
  for (const m of results.metrics) out.push(...metricSection(m, results, notes.srmShares), '');
  const ex = results.excluded;
  out.push(
    `Excluded: ${int(ex.outsideWindow)} ${plural(ex.outsideWindow, 'event')} outside the window, ${int(ex.multipleArms)} multi-arm ${plural(ex.multipleArms, 'user')}, ` +
      `${int(ex.conversionsBeforeExposure)} converted only before exposure, ${int(ex.conversionsWithoutExposure)} never exposed, ${int(ex.malformedLines)} malformed ${plural(ex.malformedLines, 'line')}.`,
  );
  return out.join('\n');
}

function metricSection(m: MetricResult, results: ExperimentResults, shares: number[]): string[] {
  const fmt = metricFormats(m);
  const conf = confidenceLabel(results.alpha);
  const out = [`## ${cell(m.key)} (${metricRole(m)})`, ''];
  out.push(`| arm | split | users | converters | ${m.kind === 'revenue' ? 'mean per user' : 'rate'} | ${conf} interval |`, '|---|---:|---:|---:|---:|---|');
  m.arms.forEach((a, i) => {
    out.push(`| ${cell(a.key)}${i === 0 ? ' (control)' : ''} | ${pct(shares[i], 0)} | ${int(a.users)} | ${int(a.converters)} | ${a.mean === null ? '-' : fmt.value(a.mean)} | ${interval(a.interval, fmt.value)} |`);
  });
  out.push('', `| treatment | lift (${fmt.liftUnit}) | ${conf} interval | relative lift | ${conf} interval | p | adjusted p | result |`, '|---|---:|---|---:|---|---:|---:|---|');
  for (const c of m.comparisons) {
    out.push(
      `| ${cell(c.treatment)} | ${c.absoluteLift === null ? '-' : fmt.lift(c.absoluteLift)} | ${interval(c.interval, fmt.lift)} | ${c.relativeLift === null ? '-' : signedPct(c.relativeLift)} | ${interval(c.relativeInterval, signedPct)} | ${c.pValue === null ? '-' : p(c.pValue)} | ${c.adjustedPValue === null ? '-' : p(c.adjustedPValue)} | ${comparisonLabel(c, results.winner, m.primary)} |`,
    );
  }
  out.push('', `_${decidingTest(results, m)}._`);
  return out;
}

/** Text from definitions and the log, safe inside a table cell: no pipes, no markup, no control characters. */
function cell(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/([\\|*_`<>[\]#])/g, '\\$1');
}
