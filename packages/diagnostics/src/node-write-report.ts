import { BetterDLError, checkArgument, checkOptions } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import { type DiagnoseOptions, diagnose } from './diagnose';
import { type LearningCurvesOptions, learningCurves } from './learning-curves';
import { metricNames, normalizeRuns, type RunsInput } from './runs';
import type { VegaLiteSpec } from './spec';
import { toSvg } from './to-svg';

/** One extra section of a report; give any mix of the content fields, shown in this order. */
export interface ReportSection {
  /** Section heading. */
  title: string;
  /** Paragraph text (escaped; blank lines start new paragraphs). */
  text?: string;
  /** Preformatted text, e.g. `summary(model)` or `asciiCurves(...)` (escaped). */
  pre?: string;
  /** A figure to render inline, e.g. `plotConfusionMatrix(cm)`. */
  spec?: VegaLiteSpec;
  /** A ready SVG string to inline. */
  svg?: string;
  /** A table. */
  table?: { columns: string[]; rows: Array<Array<string | number>> };
  /** Raw HTML, inserted as is (keep it offline: no external scripts, styles or images). */
  html?: string;
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** Page title and heading. */
  title: string;
  /** Training histories: learning curves, a diagnosis per run and the final-metrics table. Defaults to none. */
  runs?: RunsInput;
  /** Extra sections after the runs. Defaults to none. */
  sections?: ReportSection[];
  /** Options for the learning-curve figure. Defaults to `learningCurves`'s defaults. */
  curves?: LearningCurvesOptions;
  /** Options for the diagnosis of each run. Defaults to monitoring `loss`. */
  diagnose?: DiagnoseOptions;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const num = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(3)
      : v.toPrecision(4);

function table(columns: string[], rows: Array<Array<string | number>>): string {
  const cell = (v: string | number) => `<td>${esc(typeof v === 'number' ? num(v) : v)}</td>`;
  return `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STYLE = `body{font-family:'DejaVu Sans','Liberation Sans',Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}figure{margin:1em 0;overflow-x:auto}pre{background:#f7f7f7;padding:.8em;overflow-x:auto}
.verdict{font-weight:bold;padding:.1em .5em;border-radius:.3em;background:#eef}.v-good-fit{background:#dfd}.v-overfit,.v-unstable{background:#fdd}
footer{margin-top:3em;color:#888;font-size:.85em}`;

/**
 * Writes one self-contained, offline HTML file: learning curves of `runs` (inline SVG), a diagnosis of each
 * run, a table of final metrics, then any extra `sections`. No scripts and no network access: it opens from
 * disk, in a mail attachment, or in CI artefacts. Returns the path written.
 */
export async function writeReport(path: string, opts: ReportOptions): Promise<string> {
  checkOptions('writeReport', opts, ['title', 'runs', 'sections', 'curves', 'diagnose']);
  checkArgument(
    typeof path === 'string' && path !== '',
    'writeReport',
    'path must be a file path such as "report.html".',
  );
  checkArgument(
    typeof opts?.title === 'string' && opts.title !== '',
    'writeReport',
    'give the report a title: writeReport(path, { title: "...", runs }).',
  );
  const sections = opts.sections ?? [];
  checkArgument(
    Array.isArray(sections),
    'writeReport',
    'sections must be an array of { title, text?, pre?, spec?, svg?, table?, html? }.',
  );
  const parts: string[] = [`<h1>${esc(opts.title)}</h1>`];
  if (opts.runs !== undefined) {
    const runs = normalizeRuns(opts.runs, 'writeReport');
    parts.push(
      '<h2>Learning curves</h2>',
      `<figure>${await toSvg(learningCurves(opts.runs, opts.curves))}</figure>`,
    );
    parts.push('<h2>Diagnosis</h2>');
    for (const run of runs) {
      const d = diagnose(run.history, opts.diagnose);
      const e = d.evidence;
      parts.push(
        `<h3>${esc(run.name)}: <span class="verdict v-${d.verdict}">${d.verdict}</span></h3>`,
        `<p>${esc(d.reason)}</p>`,
        table(
          ['evidence', 'value'],
          [
            ['epochs', String(e.epochs)],
            ['best validation epoch', e.bestEpoch === null ? '–' : String(e.bestEpoch)],
            [`best validation ${e.monitor}`, num(e.bestValue)],
            [`final train ${e.monitor}`, num(e.finalTrain)],
            [`final validation ${e.monitor}`, num(e.finalValidation)],
            ['final gap (validation − train)', num(e.gap)],
            ['train slope per epoch (last quarter)', num(e.trainSlope)],
            ['train noise (fraction of range)', num(e.trainNoise)],
          ],
        ),
        `<p>Suggestions:</p><ul>${d.suggestions.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`,
      );
    }
    const metrics = metricNames(runs);
    const columns = ['run', 'epochs', ...metrics.flatMap((m) => [m, `val_${m}`])];
    const rows = runs.map((r) => [
      r.name,
      String(Math.max(...Object.values(r.history).map((v) => v.length))),
      ...metrics.flatMap((m) => [m, `val_${m}`].map((k) => r.history[k]?.at(-1) ?? '–')),
    ]);
    parts.push('<h2>Final metrics</h2>', table(columns, rows));
  }
  for (const [i, s] of sections.entries()) {
    if (typeof s?.title !== 'string') {
      throw new BetterDLError('INVALID_ARGUMENT', `writeReport: sections[${i}] needs a title.`);
    }
    parts.push(`<h2>${esc(s.title)}</h2>`);
    if (s.text) parts.push(...s.text.split(/\n\s*\n/).map((p) => `<p>${esc(p)}</p>`));
    if (s.pre) parts.push(`<pre>${esc(s.pre)}</pre>`);
    if (s.spec) parts.push(`<figure>${await toSvg(s.spec)}</figure>`);
    if (s.svg) parts.push(`<figure>${s.svg}</figure>`);
    if (s.table) parts.push(table(s.table.columns, s.table.rows));
    if (s.html) parts.push(s.html);
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(opts.title)}</title><style>${STYLE}</style></head>
<body>
${parts.join('\n')}
<footer>Written by @betterdl/diagnostics on ${new Date().toISOString()}.</footer>
</body></html>
`;
  await writeFileAtomic(path, html);
  return path;
}
