import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect } from 'vitest';
import type { FitReport } from './fixtures/browser/page';
import { type Chromium, launchChromium } from './test-support/chromium';
import { needs } from './test-support/requirements';

/**
 * The main entries of the packages, bundled for the browser the way users bundle them (esbuild, platform
 * browser, ESM), run in headless Chromium on the wasm backend: initRuntime with its kernel fixes, a Dense and
 * a Conv2D fit with betterdl callbacks on betterdl data, and no leaked tensors.
 */
const browser = needs('chromium');
const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = (name: string) => join(root, 'packages', name);
const PACKAGES = ['runtime', 'callbacks', 'datasets', 'transfer'];
const WASM_DIR = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');

const dir = await mkdtemp(join(tmpdir(), 'betterdl-browser-'));
let server: Server | undefined;
const browsers: Chromium[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.kill()));
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

interface PageResult {
  ok: boolean;
  error?: string;
  stack?: string;
  backend: string;
  info: {
    backend: string;
    simd: boolean;
    threads: number;
    kernelFixes: string[];
    duplicated: boolean;
    summary: string;
  };
  dense: FitReport;
  cnn: FitReport;
  frozen: string[];
  numTensors: number;
  nodeGlobals: boolean;
}
interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

async function bundle(): Promise<Metafile> {
  // esbuild is a devDependency of the repository (the same version tsup uses)
  const esbuild = await import('esbuild');
  // Workspace packages resolve to their sources (so `pnpm test` works before `pnpm build`); only main entries.
  const alias = Object.fromEntries(PACKAGES.map((p) => [`@betterdl/${p}`, join(pkg(p), 'src/index.ts')]));
  const { metafile } = await esbuild.build({
    entryPoints: [join(root, 'scripts/fixtures/browser/page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    alias,
    nodePaths: [join(root, 'node_modules'), ...PACKAGES.map((p) => join(pkg(p), 'node_modules'))],
    metafile: true,
    logLevel: 'silent',
  });
  return metafile;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** Serves the page under /app/ and the wasm binaries under /wasm/ (so tfjs cannot find them by itself). */
function serve(onResult: (body: string) => void): Promise<number> {
  const files: Record<string, string> = {
    '/app/index.html': join(dir, 'index.html'),
    '/app/page.js': join(dir, 'page.js'),
  };
  for (const f of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ])
    files[`/wasm/${f}`] = join(WASM_DIR, f);
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/result') {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.end('ok');
      onResult(body);
      return;
    }
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(await readFile(file));
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)),
  );
}

/** Opens `url` in headless Chromium and resolves with the JSON the page POSTs for `name`. */
function runPage(url: string, name: string, results: Map<string, (body: unknown) => void>): Promise<unknown> {
  const chromium = launchChromium(browser.chromium!, {
    profileDir: join(dir, `profile-${name}`),
    args: [url],
  });
  browsers.push(chromium);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`${name}: no result from the page within 60 s; Chromium said:\n${chromium.stderr()}`),
        ),
      60_000,
    );
    void chromium.exited.then(({ code, signal }) =>
      reject(new Error(`${name}: Chromium exited (${code ?? signal}) first:\n${chromium.stderr()}`)),
    );
    results.set(name, (body) => {
      clearTimeout(timer);
      void chromium.kill();
      resolve(body);
    });
  });
}

describe('the main entries in a browser bundle', () => {
  browser.it(
    'train a Dense and a Conv2D model on wasm in headless Chromium, with kernel fixes and no leaks',
    async () => {
      const metafile = await bundle();

      // No Node built-in reaches the bundle, and no `/node` entry of any package is in it.
      const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
      const imported = Object.values(metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
      expect(imported.filter((p) => builtins.has(p) || p.startsWith('node:'))).toEqual([]);
      const inputs = Object.keys(metafile.inputs);
      expect(inputs.filter((p) => /packages\/[^/]+\/src\/node\.ts$/.test(p))).toEqual([]);
      for (const p of PACKAGES) expect(inputs).toContain(`packages/${p}/src/index.ts`);
      // one tfjs-core in the bundle
      const cores = new Set(inputs.map((p) => /^(.*tfjs-core)\/dist\//.exec(p)?.[1]).filter(Boolean));
      expect(cores.size).toBe(1);

      await writeFile(
        join(dir, 'index.html'),
        '<!doctype html><html><head><title>betterdl</title></head><body><script type="module" src="page.js"></script></body></html>',
      );
      const results = new Map<string, (body: unknown) => void>();
      const port = await serve((body) => {
        const parsed = JSON.parse(body) as { case: string };
        results.get(parsed.case)?.(parsed);
      });
      const app = `http://127.0.0.1:${port}/app/index.html`;
      const [r, noPaths] = (await Promise.all([
        runPage(app, 'train', results),
        runPage(`${app}?no-wasm-paths`, 'no-wasm-paths', results),
      ])) as [PageResult, { error: string }];

      expect(r.error ?? '', r.stack).toBe('');
      expect(r.ok).toBe(true);
      expect(r.backend).toBe('wasm');
      expect(r.info.backend).toBe('wasm');
      expect(r.info.simd).toBe(true);
      expect(r.info.duplicated).toBe(false);
      // the kernel fixes are active: without Conv2DBackpropFilter stock wasm cannot train a Conv2D at all
      expect(r.info.kernelFixes).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'BatchMatMul']));
      expect(r.info.summary).toMatch(
        /^betterdl: wasm backend \(SIMD, \d+ threads?, \d+ kernel fixes\); seed 1$/,
      );
      for (const fit of [r.dense, r.cnn]) {
        expect(fit.epochs).toBeGreaterThanOrEqual(3);
        expect(fit.losses.every(Number.isFinite)).toBe(true);
        expect(fit.losses.at(-1)!).toBeLessThan(fit.losses[0]! * 0.8);
        expect(fit.lr).toBeGreaterThan(0);
        expect(fit.tensorsAfter).toBe(fit.tensorsBefore);
      }
      expect(r.frozen).toEqual([expect.stringMatching(/^conv2d/)]);
      expect(r.numTensors).toBe(r.dense.tensorsBefore);
      expect(r.cnn.lr).toBeLessThan(0.02); // reduceLROnPlateau lowered it
      expect(r.cnn.epochs).toBeLessThan(8); // earlyStopping stopped the run
      expect(r.nodeGlobals).toBe(false);
      // without wasmPaths the binaries (not next to the page) are not found, and the error says what to do
      expect(noPaths.error).toMatch(
        /backend 'wasm' is not available.*could not fetch its \.wasm binary.*wasmPaths/,
      );
    },
  );
});
