import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runChromium } from '../../../scripts/test-support/chromium';
import { needs } from '../../../scripts/test-support/requirements';
import { learningCurves } from './learning-curves';
import { render } from './render';

const dir = await mkdtemp(join(tmpdir(), 'betterdl-render-'));
afterAll(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

describe('render', () => {
  it('explains that Node has no DOM, and rejects a bad spec', async () => {
    await expect(render(learningCurves({ loss: [1, 0.5] }), '#vis')).rejects.toThrow(
      /no DOM here.*saveFigure/,
    );
    await expect(render({} as never, '#vis')).rejects.toThrow(/spec must be a Vega-Lite spec/);
  });

  const browser = needs('chromium');
  browser.it('draws a learning-curve figure into a page element in headless Chromium', async () => {
    // bundle a tiny page script with esbuild (a devDependency of the repository), then let Chromium run it
    const esbuild = await import('esbuild');
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const entry = join(dir, 'page.ts');
    const src = fileURLToPath(new URL('.', import.meta.url));
    await writeFile(
      entry,
      `import { render } from ${JSON.stringify(join(src, 'render.ts'))};
import { learningCurves } from ${JSON.stringify(join(src, 'learning-curves.ts'))};
render(learningCurves({ a: { loss: [1, 0.6, 0.4], val_loss: [1, 0.7, 0.6] } }, { title: 'from the browser' }), '#vis')
  .then(() => { document.title = 'rendered'; })
  .catch((e) => { document.title = 'failed: ' + e.message; });
try { await render(learningCurves({ loss: [1] }), '#missing'); } catch (e) { document.body.dataset.error = e.message; }
`,
    );
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      outfile: join(dir, 'page.js'),
      nodePaths: [join(src, '..', 'node_modules'), join(root, 'node_modules')],
      logLevel: 'silent',
    });
    await writeFile(
      join(dir, 'page.html'),
      '<!doctype html><html><body><div id="vis"></div><script type="module" src="page.js"></script></body></html>',
    );
    const stdout = await runChromium(browser.chromium!, {
      profileDir: join(dir, 'profile'),
      args: [
        '--allow-file-access-from-files',
        '--virtual-time-budget=10000',
        '--dump-dom',
        `file://${join(dir, 'page.html')}`,
      ],
      timeoutMs: 90_000,
    });
    expect(stdout).toContain('<title>rendered</title>');
    expect(stdout).toMatch(/<div id="vis"[^>]*>[\s\S]*<svg[\s\S]*from the browser/);
    expect(stdout).toMatch(/data-error="render: no element matches &quot;#missing&quot;/);
  });
});
