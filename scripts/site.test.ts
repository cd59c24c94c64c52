import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { LessonResult } from '../examples/_shared/host';
import { findExample, listExamples, ROOT, runExample } from './example';
import { connectCdp } from './test-support/cdp';
import { type Chromium, launchChromium } from './test-support/chromium';
import { decodePng, inkStats } from './test-support/png';
import { needs } from './test-support/requirements';

/**
 * The docs site's live lessons in a real browser: the built site (BETTERDL_SITE_DIR, as CI passes after
 * `pnpm docs:build`, else built here into a temporary folder) served on 127.0.0.1, lessons 01, 03 and 07
 * opened in headless Chromium, Run pressed in quick mode, and the accuracies, epochs and verdicts the page shows
 * compared with the Node run of the same lesson (quick, seed 1, wasm: `pnpm example <name> --quick`). The
 * screenshot of lesson 01's panel is kept as reports/site/lesson-01.png and must show a drawn chart.
 */
const browser = needs('chromium');
const LESSONS = ['01-diagnose', '03-reduce-lr-on-plateau', '07-early-stopping'] as const;
const SCREENSHOT = join(ROOT, 'reports/site/lesson-01.png');

const tmp = await mkdtemp(join(tmpdir(), 'betterdl-site-'));
let server: Server | undefined;
let chromium: Chromium | undefined;
afterAll(async () => {
  await chromium?.kill();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await rm(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** Builds the site into `out` (VitePress only; the TypeDoc pages are not needed here). */
function buildSite(out: string): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/vitepress'), ['build', 'docs', '--outDir', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res() : rej(new Error(`vitepress build failed:\n${output}`))));
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** A plain static server of `dir` on 127.0.0.1 (no cross-origin isolation: wasm runs one thread, as in Node). */
function serve(dir: string): Promise<string> {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    if (path.endsWith('/')) file = join(file, 'index.html');
    else if (!extname(file) && existsSync(`${file}.html`)) file = `${file}.html`;
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) =>
    server!.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`)),
  );
}

interface PageRow {
  name: string;
  train: number | null;
  test: number | null;
  epochs: number;
  verdict: string;
}

/** The page's numbers: NaN (lesson 01's prediction row has no train accuracy) as null, like result.json. */
const READ_ROWS = `[...document.querySelectorAll('.live-row')].map((r) => ({
  name: r.dataset.name,
  train: Number.isNaN(Number(r.dataset.train)) ? null : Number(r.dataset.train),
  test: Number.isNaN(Number(r.dataset.test)) ? null : Number(r.dataset.test),
  epochs: Number(r.dataset.epochs),
  verdict: r.dataset.verdict,
}))`;

let site = '';
const node: Record<string, LessonResult> = {};

beforeAll(async () => {
  if (!browser.ok) return;
  const given = process.env.BETTERDL_SITE_DIR;
  const dist = given ? resolve(given) : join(tmp, 'dist');
  const examples = listExamples();
  // The Node runs (one at a time: each is one wasm thread) while the site builds.
  const nodeRuns = (async () => {
    for (const name of LESSONS) {
      const r = await runExample(findExample(name, examples), {
        quick: true,
        seed: 1,
        stdio: 'capture',
        reportsDir: join(tmp, 'node'),
        env: { BETTERDL_BACKEND: 'wasm' },
      });
      if (!r.ok) throw new Error(`pnpm example ${name} --quick failed:\n${r.output}`);
      node[name] = JSON.parse(await readFile(join(r.outDir, 'result.json'), 'utf8')) as LessonResult;
    }
  })();
  await Promise.all([given ? Promise.resolve() : buildSite(dist), nodeRuns]);
  if (!existsSync(join(dist, 'lessons/01-diagnose.html')))
    throw new Error(`${dist} holds no built site (run pnpm docs:build, or unset BETTERDL_SITE_DIR)`);
  site = await serve(dist);
  chromium = launchChromium(browser.chromium!, {
    profileDir: join(tmp, 'profile'),
    args: ['--window-size=1280,1600'],
    pipe: true,
  });
}, 600_000);

describe('the live lessons of the docs site in headless Chromium', () => {
  browser.it(
    'Run in quick mode trains lessons 01, 03 and 07 in a worker with the accuracies of the Node runs; Stop stops',
    async () => {
      const cdp = connectCdp(chromium!);
      for (const name of LESSONS) {
        const page = await cdp.open(`${site}/lessons/${name}.html`);
        const panel = `document.querySelector('.live-lesson[data-example="${name}"]')`;
        await page.waitFor(`${panel}?.dataset.ready === 'true'`, `${name}: Run panel`, 60_000);
        expect(await page.evaluate(`${panel}.querySelector('.live-quick').checked`)).toBe(true);

        if (name === '03-reduce-lr-on-plateau') {
          // Stop: press Run, let it train a little, press Stop; the run ends there and Run is offered again.
          await page.evaluate(`${panel}.querySelector('.live-run').click()`);
          await page.waitFor(
            `${panel}.querySelector('.live-chart svg') && true`,
            `${name}: first curves`,
            120_000,
          );
          await page.evaluate(`${panel}.querySelector('.live-stop').click()`);
          expect(await page.evaluate(`${panel}.dataset.state`)).toBe('stopped');
          const rowsAfterStop = await page.evaluate<number>(`${panel}.querySelectorAll('.live-row').length`);
          await new Promise((r) => setTimeout(r, 1500));
          expect(await page.evaluate(`${panel}.dataset.state`)).toBe('stopped');
          expect(await page.evaluate(`${panel}.querySelectorAll('.live-row').length`)).toBe(rowsAfterStop);
          expect(await page.evaluate(`${panel}.querySelector('.live-run').disabled`)).toBe(false);
        }

        await page.evaluate(`${panel}.querySelector('.live-run').click()`);
        const state = await page.waitFor<string>(
          `['done', 'error'].includes(${panel}.dataset.state) && ${panel}.dataset.state`,
          `${name}: the run's verdict`,
          240_000,
        );
        const status = await page.evaluate<string>(`${panel}.querySelector('.live-status').textContent`);
        expect(state, status).toBe('done');
        expect(await page.evaluate(`${panel}.dataset.backend`)).toBe('wasm');

        const rows = await page.evaluate<PageRow[]>(READ_ROWS.replaceAll('document', panel));
        const want = node[name]!;
        expect(want.backend).toBe('wasm');
        expect(rows).toEqual(
          want.variants.map((v) => ({
            name: v.name,
            train: v.train,
            test: v.test,
            epochs: v.epochs,
            verdict: v.verdict ?? '',
          })),
        );
        // The verdicts come with their reasons, and the takeaway is the Node run's.
        const reasons = await page.evaluate<string[]>(
          `[...${panel}.querySelectorAll('.live-reason')].map((e) => e.textContent.replace(/^\\s*—\\s*/, ''))`,
        );
        expect(reasons).toEqual(want.variants.map((v) => v.reason));
        expect(await page.evaluate(`${panel}.querySelector('.live-takeaway').textContent`)).toBe(
          want.takeaway,
        );

        // The final chart: one line per curve in the SVG (loss and accuracy, train and test, per fitted variant).
        const curves = 4 * want.variants.filter((v) => v.train !== null).length;
        const lines = await page.evaluate<number>(
          `[...${panel}.querySelectorAll('.live-chart svg .mark-line path')].filter((p) => (p.getAttribute('d') ?? '').length > 20).length`,
        );
        expect(lines).toBeGreaterThanOrEqual(curves);

        if (name === '01-diagnose') {
          const box = await page.evaluate<{ x: number; y: number; width: number; height: number }>(
            `(() => { scrollTo(0, 0); const r = ${panel}.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`,
          );
          const shot = await page.send<{ data: string }>('Page.captureScreenshot', {
            format: 'png',
            captureBeyondViewport: true,
            clip: { ...box, scale: 1 },
          });
          const png = Buffer.from(shot.data, 'base64');
          await mkdir(join(ROOT, 'reports/site'), { recursive: true });
          await writeFile(SCREENSHOT, png);
          // The chart's own area of the screenshot is drawn: ink and several colours (one per variant).
          const chart = await page.evaluate<{ x: number; y: number; width: number; height: number }>(
            `(() => { const r = ${panel}.querySelector('.live-chart').getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`,
          );
          const chartShot = await page.send<{ data: string }>('Page.captureScreenshot', {
            format: 'png',
            captureBeyondViewport: true,
            clip: { ...chart, scale: 1 },
          });
          const ink = inkStats(decodePng(Buffer.from(chartShot.data, 'base64')));
          expect(chart.height).toBeGreaterThan(150);
          expect(ink.inked).toBeGreaterThan(0.02);
          expect(ink.colours).toBeGreaterThan(8);
        }
      }
    },
    600_000,
  );
});
