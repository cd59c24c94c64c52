import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceReport, RuntimeInfo } from '@betterdl/runtime';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import type { seededFit } from '../packages/runtime/src/fast-paths/fixtures/optimizer-cases';
import type { ParityResult } from './fixtures/gpu/parity';
import { findChromium } from './test-support/requirements';
import { gpuUnavailable } from './test-support/swiftshader';

/**
 * The GPU backends in a real browser: headless Chromium, whose only GPU here is SwiftShader (software
 * WebGL2, and WebGPU behind `--enable-unsafe-webgpu --enable-unsafe-swiftshader`), runs a bundle of the
 * main entries plus both tfjs GPU backends. `'auto'` must pass over both software GPUs and pick wasm;
 * `'webgl'` and `'webgpu'` by name must train with cpu's losses. Also: a bundle of the main entries that
 * does not import a GPU backend carries no GPU code.
 */
/** GPU pages need Chromium's GPU process, so they cannot use the shared HEADLESS_FLAGS (`--disable-gpu`). */
const CHROMIUM = findChromium();
const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['runtime', 'callbacks', 'datasets', 'transfer'];
const WASM_DIR = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

const dir = await mkdtemp(join(tmpdir(), 'betterdl-gpu-browser-'));
let server: Server | undefined;
const browsers: ChildProcess[] = [];
function kill(b: ChildProcess): void {
  try {
    if (b.pid !== undefined) process.kill(-b.pid, 'SIGKILL');
  } catch {
    b.kill('SIGKILL');
  }
}
afterAll(async () => {
  await Promise.all(
    browsers.map(async (b) => {
      const exited = b.exitCode !== null || b.signalCode !== null ? Promise.resolve() : once(b, 'exit');
      kill(b);
      await exited;
    }),
  );
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { bytes: number }>;
}

/** Bundles `entry` for the browser as users do (esbuild, ESM), workspace packages from their sources. */
async function bundle(entry: string, outfile: string): Promise<Metafile> {
  const esbuild = createRequire(realpathSync(join(root, 'node_modules/tsup/package.json')))('esbuild') as {
    build(o: Record<string, unknown>): Promise<{ metafile: Metafile }>;
  };
  const alias = Object.fromEntries(
    PACKAGES.map((p) => [`@betterdl/${p}`, join(root, 'packages', p, 'src/index.ts')]),
  );
  const { metafile } = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile,
    alias,
    nodePaths: [
      join(root, 'node_modules'),
      ...PACKAGES.map((p) => join(root, 'packages', p, 'node_modules')),
    ],
    metafile: true,
    logLevel: 'silent',
  });
  return metafile;
}

type PageResult = {
  case: string;
  ok: boolean;
  error?: string;
  stack?: string;
  backend: string;
  info: Omit<RuntimeInfo, 'tfjs'>;
  placement?: DeviceReport;
  parity?: ParityResult[];
  numTensors?: number;
  optimizers?: { name: string; stock: FitState; fused: FitState }[];
  kernels?: string[];
};
type FitState = Awaited<ReturnType<typeof seededFit>>;

const waiting = new Map<string, (r: PageResult) => void>();
function serve(): Promise<number> {
  const files: Record<string, string> = {
    '/app/index.html': join(dir, 'index.html'),
    '/app/page.js': join(dir, 'page.js'),
  };
  for (const f of WASM_FILES) files[`/wasm/${f}`] = join(WASM_DIR, f);
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/result') {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.end('ok');
      const r = JSON.parse(body) as PageResult;
      waiting.get(r.case)?.(r);
      return;
    }
    const file = files[url.pathname];
    if (!file) return void res.writeHead(404).end();
    const type = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }[
      extname(file)
    ];
    res.writeHead(200, { 'content-type': type ?? 'application/octet-stream' });
    res.end(await readFile(file));
  });
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)),
  );
}

let port: Promise<number> | undefined;
/** Opens the page in `mode` in headless Chromium with SwiftShader's WebGL2 and WebGPU enabled. */
async function runPage(mode: string, timeoutMs: number): Promise<PageResult> {
  port ??= (async () => {
    await bundle(join(root, 'scripts/fixtures/gpu/page.ts'), join(dir, 'page.js'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><html><body><script type="module" src="page.js"></script></body></html>',
    );
    return serve();
  })();
  const url = `http://127.0.0.1:${await port}/app/index.html?mode=${mode}`;
  let stderr = '';
  const child = spawn(
    CHROMIUM as string,
    [
      '--headless',
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, `profile-${mode}`)}`,
      url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  browsers.push(child);
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${mode}: no result within ${timeoutMs / 1000} s; Chromium said:\n${stderr}`)),
      timeoutMs,
    );
    child.on('exit', (code) => reject(new Error(`${mode}: Chromium exited (${code}) first:\n${stderr}`)));
    waiting.set(mode, (r) => {
      clearTimeout(timer);
      kill(child);
      resolve(r);
    });
  });
}

function needChromium(ctx: TestContext): boolean {
  if (CHROMIUM) return true;
  gpuUnavailable(
    'Chromium on PATH for the browser GPU test',
    'apt-get install chromium (or set BETTERDL_CHROMIUM to a Chrome binary)',
    (n) => ctx.skip(n),
  );
  return false;
}

function expectParity(r: PageResult, backend: string): void {
  expect(r.error ?? '', r.stack).toBe('');
  expect(r.parity?.length).toBeGreaterThan(0);
  for (const p of r.parity ?? []) {
    expect(p.ranOn, p.name).toEqual(['cpu', backend]);
    expect(p.relErr, `${p.name}: ${p.gpu} vs ${p.cpu}`).toBeLessThan(1e-3);
    expect(p.gpu.at(-1), p.name).toBeLessThan(p.gpu[0] as number);
    expect(p.leakedTensors[1], p.name).toBe(p.leakedTensors[0]);
    expect(p.leakedBuffers[1], p.name).toBe(p.leakedBuffers[0]);
    expect(p.leakedTensors[1], p.name).toBe(p.name.includes('(momentum)') ? 1 : 0);
    expect(p.reads, p.name).toBeLessThanOrEqual(p.epochs);
  }
  expect(r.placement?.correct).toBe(true);
  expect(r.placement?.kernels.map((k) => k.kernel)).toContain('BatchMatMul');
  for (const k of r.placement?.kernels ?? []) expect(k.backend).toBe(backend);
}

describe('the GPU backends in headless Chromium (SwiftShader)', () => {
  it('a browser bundle of the main entries that imports no GPU backend carries no GPU code', async () => {
    const entry = join(dir, 'plain.ts');
    await writeFile(
      entry,
      "import { initRuntime, deviceReport } from '@betterdl/runtime';\nconsole.log(initRuntime, deviceReport);\n",
    );
    const meta = await bundle(entry, join(dir, 'plain.js'));
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((p) => /tfjs-backend-web(gl|gpu)|node_modules\/webgpu\//.test(p))).toEqual([]);
    expect(inputs).toContain('packages/runtime/src/webgpu.ts');
  });

  it("'auto' passes over SwiftShader's WebGPU and WebGL2 as software GPUs and picks wasm", async (ctx) => {
    if (!needChromium(ctx)) return;
    const r = await runPage('auto', 120_000);
    expect(r.error ?? '', r.stack).toBe('');
    expect(r.backend).toBe('wasm');
    const reasons = Object.fromEntries(r.info.skipped.map((s) => [s.backend, s.reason]));
    expect(reasons.webgpu).toMatch(/^software GPU .+: slower than wasm \(backend 'webgpu' uses it anyway\)$/);
    expect(reasons.webgl).toMatch(
      /^software GPU SwiftShader: slower than wasm \(backend 'webgl' uses it anyway\)$/,
    );
    expect(r.info.summary).toContain('tfjs-backend-webgl software GPU SwiftShader');
  });

  it("'webgl' trains on WebGL2 (SwiftShader) with cpu's losses, no leaks, no per-batch reads", async (ctx) => {
    if (!needChromium(ctx)) return;
    const r = await runPage('webgl', 600_000);
    expect(r.error ?? '', r.stack).toBe('');
    expect(r.backend).toBe('webgl');
    expect(r.info.device).toMatchObject({ kind: 'gpu', description: 'SwiftShader', software: true });
    expect(r.info.device.renderer).toMatch(/SwiftShader/);
    expect(r.info.summary).toBe('betterdl: webgl backend on SwiftShader (software)');
    expectParity(r, 'webgl');
  });

  it("'webgpu' trains on WebGPU (SwiftShader) with cpu's losses, no leaks, no per-batch reads", async (ctx) => {
    if (!needChromium(ctx)) return;
    const r = await runPage('webgpu', 600_000);
    expect(r.error ?? '', r.stack).toBe('');
    expect(r.backend).toBe('webgpu');
    expect(r.info.device).toMatchObject({ kind: 'gpu', software: true });
    expect(r.info.summary).toMatch(/^betterdl: webgpu backend on .+ \(software\)$/);
    expectParity(r, 'webgpu');
  });

  for (const backend of ['webgl', 'webgpu'])
    it(`'${backend}': the fused optimizer updates give stock tfjs's losses, weights and state (1e-5)`, async (ctx) => {
      if (!needChromium(ctx)) return;
      const r = await runPage(`optimizers-${backend}`, 600_000);
      expect(r.error ?? '', r.stack).toBe('');
      expect(r.backend).toBe(backend);
      expect(r.info.optimizerFastPaths?.length).toBe(7);
      expect(r.optimizers?.length).toBe(9);
      expect(r.kernels).toContain('BetterDLAdamUpdate');
      for (const { name, stock, fused } of r.optimizers ?? []) {
        expect(closeness([fused.loss], [stock.loss]), `${name} loss`).toBeLessThan(1e-5);
        expect(closeness(fused.weights, stock.weights), `${name} weights`).toBeLessThan(1e-5);
        expect(closeness(fused.slots, stock.slots), `${name} slots`).toBeLessThan(1e-5);
        expect(fused.slotNames, name).toEqual(stock.slotNames);
        expect(fused.iterations, name).toBe(stock.iterations);
        expect(fused.grown, name).toBe(stock.grown);
        expect(fused.leaked, name).toBe(0);
      }
    });
});

/** max |got − want| / max |want|; NaN (JSON null) where stock has it must be there in `got` too. */
function closeness(got: (number | null)[][], want: (number | null)[][]): number {
  let diff = 0;
  let scale = 0;
  for (const [i, w] of want.entries()) {
    for (const [j, v] of w.entries()) {
      const g = got[i]?.[j] ?? null;
      if (v === null || g === null) {
        if ((v === null) !== (g === null)) diff = Number.POSITIVE_INFINITY;
        continue;
      }
      diff = Math.max(diff, Math.abs(g - v));
      scale = Math.max(scale, Math.abs(v));
    }
  }
  return diff / (scale || 1);
}
