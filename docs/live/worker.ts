// The Web Worker of a lesson page's Run panel: starts the best backend initRuntime() finds in this browser,
// runs the lesson's own lesson.ts (the code `pnpm example <name>` runs in Node) with a host that posts
// progress, per-epoch logs, results and the figure to the page. One worker per run: Stop terminates it.
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { initRuntime } from '@betterdl/runtime';
// The wasm binaries, emitted by the site build and served with it (no wasmPaths guesswork for readers).
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { LessonHost } from '../../examples/_shared/host';
import { siteDigits } from './digits';
import { LIVE_LESSONS } from './lessons';
import type { RunRequest, WorkerMessage } from './protocol';

const post = (m: WorkerMessage) => self.postMessage(m);
const abs = (url: string) => new URL(url, self.location.href).href;

// What tfjs and the callbacks print (the runtime summary, ReduceLROnPlateau and EarlyStopping lines) goes to
// the page's log too, as in the terminal.
for (const level of ['log', 'info', 'warn'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    original(...args);
    post({ type: 'log', line: args.map(String).join(' ') });
  };
}

async function run(req: RunRequest): Promise<void> {
  const entry = LIVE_LESSONS[req.example];
  if (!entry) throw new Error(`no live lesson '${req.example}'`);
  const info = await initRuntime({
    seed: req.seed,
    wasmPaths: {
      'tfjs-backend-wasm.wasm': abs(wasm),
      'tfjs-backend-wasm-simd.wasm': abs(wasmSimd),
      'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreadedSimd),
    },
  });
  post({ type: 'backend', backend: info.backend, summary: info.summary });
  const { lesson } = await entry.load();
  const log = (line: string) => post({ type: 'log', line });
  const host: LessonHost = {
    log,
    onEpochEnd: (variant, epoch, logs) => post({ type: 'epoch', variant, epoch, logs }),
    onVariantEnd: (result) => post({ type: 'variant', result }),
    async figure(spec) {
      post({ type: 'figure', spec });
      return {};
    },
    async result(summary) {
      post({ type: 'result', summary });
    },
    loadDigits: siteDigits(req.base, log),
  };
  const t0 = performance.now();
  await lesson({ example: req.example, quick: req.quick, seed: req.seed, backend: info.backend, t0, host });
  post({ type: 'done', seconds: (performance.now() - t0) / 1000 });
}

self.onmessage = (event: MessageEvent<RunRequest>) => {
  if (event.data?.type !== 'run') return;
  run(event.data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
};
