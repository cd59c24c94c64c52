import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChromium } from '../../../scripts/test-support/chromium';
import { needs } from '../../../scripts/test-support/requirements';
import { confusionMatrix, plotConfusionMatrix } from './confusion-matrix';
import { writeReport } from './node-write-report';

const dir = process.env.BETTERDL_KEEP_REPORT ?? (await mkdtemp(join(tmpdir(), 'betterdl-report-')));
afterAll(() =>
  process.env.BETTERDL_KEEP_REPORT
    ? undefined
    : rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
);

const n = 200;
const overfit = {
  loss: Array.from({ length: n }, (_, i) => 0.7 * Math.exp(-i / 20) + 0.01),
  val_loss: Array.from({ length: n }, (_, i) => 0.7 * Math.exp(-i / 20) + 0.2 + Math.max(0, i - 40) * 0.004),
  acc: Array.from({ length: n }, (_, i) => 1 - 0.5 * Math.exp(-i / 20)),
  val_acc: Array.from({ length: n }, (_, i) => 0.85 - 0.35 * Math.exp(-i / 20)),
};
const good = {
  loss: Array.from({ length: n }, (_, i) => 0.7 * Math.exp(-i / 20) + 0.1),
  val_loss: Array.from({ length: n }, (_, i) => 0.7 * Math.exp(-i / 20) + 0.12),
  acc: Array.from({ length: n }, (_, i) => 0.95 - 0.45 * Math.exp(-i / 20)),
  val_acc: Array.from({ length: n }, (_, i) => 0.93 - 0.43 * Math.exp(-i / 20)),
};

async function report(): Promise<{ path: string; html: string }> {
  const path = join(dir, 'report.html');
  await writeReport(path, {
    title: 'Lesson 5 <regularisation>',
    runs: { 'no reg': overfit, l2: good },
    sections: [
      {
        title: 'Model',
        pre: 'dense (Dense)  (None, 500)  1,500',
        text: 'First paragraph.\n\nSecond & last.',
      },
      { title: 'Errors', spec: plotConfusionMatrix(confusionMatrix([0, 1, 1, 0], [0, 1, 0, 0])) },
    ],
  });
  return { path, html: await readFile(path, 'utf8') };
}

describe('writeReport', () => {
  it('writes one offline HTML file with figures, diagnoses, a metrics table and sections', async () => {
    const { html } = await report();
    expect(html).toContain('<title>Lesson 5 &lt;regularisation&gt;</title>');
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toMatch(/no reg: <span class="verdict v-overfit">overfit<\/span>/);
    expect(html).toMatch(/l2: <span class="verdict v-good-fit">good-fit<\/span>/);
    expect(html).toContain('<th>val_acc</th>');
    expect(html).toContain('<p>Second &amp; last.</p>');
    expect(html).not.toMatch(/<script|<link|<img|(src|href)=["']https?:/i);
  });

  it('rejects a missing title or a section without a title', async () => {
    await expect(writeReport(join(dir, 'x.html'), {} as never)).rejects.toThrow(/give the report a title/);
    await expect(writeReport(join(dir, 'x.html'), { title: 't', sections: [{} as never] })).rejects.toThrow(
      /sections\[0\] needs a title/,
    );
  });

  const browser = needs('chromium');
  browser.it('renders in headless Chromium with no network', async () => {
    const { path } = await report();
    const profile = join(dir, 'profile');
    const shot = join(dir, 'shot.png');
    const flags = ['--host-resolver-rules=MAP * ~NOTFOUND', '--window-size=1200,2400'];
    const chromium = (args: string[]) =>
      runChromium(browser.chromium!, { profileDir: profile, args: [...flags, ...args], timeoutMs: 60_000 });
    const stdout = await chromium(['--dump-dom', `file://${path}`]);
    // the browser parsed the page: the SVG figures are live elements with their text
    expect(stdout).toContain('<h1>Lesson 5 &lt;regularisation&gt;</h1>');
    expect((stdout.match(/<svg /g) ?? []).length).toBe(2);
    expect(stdout).toContain('Confusion matrix (accuracy 75.0%)');
    await chromium([`--screenshot=${shot}`, `file://${path}`]);
    expect((await stat(shot)).size).toBeGreaterThan(20_000);
  });
});
