// Where the time of a small model's `fit` goes (issue #16): the lesson-5 model (as bench/lesson5.bench.ts:
// makeCircles, 2 → Dense(500, relu, l2 0.01) → Dense(1, sigmoid), Adam, binaryCrossentropy + accuracy, 30
// training samples at batch size 32, 70 validation samples every epoch) on wasm and cpu, with betterdl's fast
// paths on and off (`initRuntime({ fastPaths })`), with the fast paths on but the small-model trainer off (the
// fused kernels inside tfjs's own fit loop), stock tfjs wasm, a hand-written `optimizer.minimize` loop
// (the floor: no fit machinery, no validation) and PyTorch CPU. Each variant runs in its own process:
// 1. a clean timed fit (ms per epoch, best of `--rounds` interleaved runs);
// 2. the same fit with markers: the epoch split into train step (the train function, or the small-model
//    trainer's step: forward, backward, optimizer), validation, callbacks (every CallbackList hook and History's final read) and the fit loop
//    itself (the rest: batching, shuffling, bookkeeping);
// 3. kernels per epoch by kernel name and phase, counted with tf.profile over 10 epochs.
// `pnpm bench overhead [--epochs=300] [--rounds=3]` → bench/results/overhead.json and overhead.txt
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DenseStackTrainer } from '../packages/runtime/src/fast-paths/dense-stack';
import { setDenseStackTrainer } from '../packages/runtime/src/fast-paths/fit';
import { initRuntime, setSeed } from '../packages/runtime/src/index';
import * as bench from './python/harness';

const EPOCHS = bench.numArg('epochs', 300);
const ROUNDS = bench.numArg('rounds', 3);
const WARMUP = 20;
const PROFILED_EPOCHS = 10;

type Phase = 'train' | 'validation' | 'callbacks' | 'loop';
const PHASES: Phase[] = ['train', 'validation', 'callbacks', 'loop'];

/** Phase markers: the train function, the validation after the last batch, the callback hooks. */
function instrument(model: tfl.LayersModel) {
  let phase: Phase = 'loop';
  let since = performance.now();
  const ms: Record<Phase, number> = { train: 0, validation: 0, callbacks: 0, loop: 0 };
  const enter = (p: Phase): Phase => {
    const now = performance.now();
    ms[phase] += now - since;
    since = now;
    const prev = phase;
    phase = p;
    return prev;
  };
  // Sequential.fit runs its inner LayersModel's fit; its makeTrainFunction builds the per-batch step.
  const inner = ((model as unknown as { model?: unknown }).model ?? model) as {
    makeTrainFunction: () => (d: tf.Tensor[]) => tf.Tensor[];
  };
  const make = inner.makeTrainFunction.bind(inner);
  inner.makeTrainFunction = () => {
    const f = make();
    return (d) => {
      enter('train');
      try {
        return f(d);
      } finally {
        // What runs after the train function and before onBatchEnd is the validation of the last batch.
        enter('validation');
      }
    };
  };
  // The small-model trainer's step and evaluation, when it trains the model instead of the train function.
  const trainer = DenseStackTrainer.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const undoTrainer: Array<() => void> = [];
  for (const [key, p] of [
    ['step', 'train'],
    ['evaluate', 'validation'],
  ] as const) {
    const o = trainer[key] as (...a: unknown[]) => unknown;
    trainer[key] = function (this: unknown, ...a: unknown[]) {
      enter(p);
      try {
        return o.apply(this, a);
      } finally {
        enter('loop');
      }
    };
    undoTrainer.push(() => {
      trainer[key] = o;
    });
  }
  const hooks = ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'];
  const list = tfl.CallbackList.prototype as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
  const hist = tfl.History.prototype as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
  const undo: Array<() => void> = [];
  for (const [obj, key] of [...hooks.map((h) => [list, h] as const), [hist, 'syncData'] as const]) {
    const o = obj[key] as (...a: unknown[]) => Promise<void>;
    obj[key] = async function (this: unknown, ...a: unknown[]) {
      enter('callbacks');
      try {
        return await o.apply(this, a);
      } finally {
        enter('loop');
      }
    };
    undo.push(() => {
      obj[key] = o;
    });
  }
  return {
    phase: () => phase,
    ms,
    reset: () => {
      for (const p of PHASES) ms[p] = 0;
      phase = 'loop';
      since = performance.now();
    },
    flush: () => enter('loop'),
    undo: () => {
      for (const u of [...undo, ...undoTrainer]) u();
    },
  };
}

async function child(variant: string): Promise<void> {
  const backend = variant.startsWith('cpu') ? 'cpu' : 'wasm';
  await initRuntime({
    backend,
    kernelFixes: !variant.includes('stock'),
    fastPaths: variant.endsWith('-fast'),
    verbose: false,
  });
  setDenseStackTrainer(!variant.includes('kernels'));
  setSeed(1);
  const { trainX, trainY, testX, testY } = bench.lesson5Circles();
  const model = bench.lesson5Model();
  if (variant.includes('minimize')) return minimizeLoop(model, trainX, trainY);
  const opts = {
    batchSize: 32,
    validationData: [testX, testY] as [tf.Tensor, tf.Tensor],
    verbose: 0 as const,
  };
  await model.fit(trainX, trainY, { ...opts, epochs: WARMUP });
  const t0 = performance.now();
  const h = await model.fit(trainX, trainY, { ...opts, epochs: EPOCHS });
  const msPerEpoch = (performance.now() - t0) / EPOCHS;
  const ins = instrument(model);
  ins.reset();
  await model.fit(trainX, trainY, { ...opts, epochs: EPOCHS });
  ins.flush();
  const split = Object.fromEntries(PHASES.map((p) => [`${p}Ms`, ins.ms[p] / EPOCHS]));
  const kernels: Record<string, Record<string, number>> = {};
  const eng = tf.engine() as unknown as { state: { activeProfile: { kernels: Array<{ name: string }> } } };
  await tf.profile(async () => {
    const list = eng.state.activeProfile.kernels;
    const push = list.push.bind(list);
    list.push = (...k: Array<{ name: string }>) => {
      for (const { name } of k) {
        // Scope names of customGrad ops (`fusedMatMul__op`) are not kernels.
        if (name.endsWith('__op')) continue;
        const per = (kernels[ins.phase()] ??= {});
        per[name] = (per[name] ?? 0) + 1 / PROFILED_EPOCHS;
      }
      return push(...k);
    };
    await model.fit(trainX, trainY, { ...opts, epochs: PROFILED_EPOCHS });
  });
  ins.undo();
  const count = (p: string) => Object.values(kernels[p] ?? {}).reduce((a, b) => a + b, 0);
  const before = tf.memory().numTensors;
  await model.fit(trainX, trainY, { ...opts, epochs: 5 });
  bench.report({
    msPerEpoch,
    ...split,
    kernelsPerEpoch: Math.round(PHASES.reduce((a, p) => a + count(p), 0)),
    ...Object.fromEntries(PHASES.map((p) => [`${p}Kernels`, Math.round(count(p))])),
    finalLoss: h.history.loss?.at(-1) as number,
    finalValLoss: h.history.val_loss?.at(-1) as number,
    leakedTensors: tf.memory().numTensors - before,
    kernelNames: JSON.stringify(
      Object.fromEntries(
        Object.entries(kernels).map(([p, c]) => [
          p,
          Object.fromEntries(
            Object.entries(c)
              .sort((a, b) => b[1] - a[1])
              .map(([k, v]) => [k, Math.round(v * 10) / 10]),
          ),
        ]),
      ),
    ),
  });
}

/** The floor: `optimizer.minimize` of the same loss, one step per epoch, no fit, no validation, no metric. */
async function minimizeLoop(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  const opt = tf.train.adam(0.001);
  const vars = model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
  const step = () =>
    opt.minimize(
      () => {
        const p = model.apply(x, { training: true }) as tf.Tensor;
        const l2 = tf.mul(0.01, tf.sum(tf.square(vars[0] as tf.Tensor)));
        return tf.add(tf.mean(tfl.metrics.binaryCrossentropy(y, p)), l2) as tf.Scalar;
      },
      false,
      vars,
    );
  for (let i = 0; i < WARMUP; i++) step();
  const t0 = performance.now();
  for (let i = 0; i < EPOCHS; i++) step();
  const msPerEpoch = (performance.now() - t0) / EPOCHS;
  const profile = await tf.profile(() => {
    for (let i = 0; i < PROFILED_EPOCHS; i++) step();
  });
  const n = profile.kernels.filter((k) => !k.name.endsWith('__op')).length / PROFILED_EPOCHS;
  bench.report({
    msPerEpoch,
    trainMs: msPerEpoch,
    kernelsPerEpoch: Math.round(n),
    trainKernels: Math.round(n),
  });
}

function parent(): void {
  console.log(
    `fit overhead, lesson-5 model: 30 samples at batch 32, 70 validation samples, ${EPOCHS} timed epochs after ${WARMUP}`,
  );
  const file = new URL(import.meta.url).pathname;
  const args = [`--epochs=${EPOCHS}`];
  const rows = bench.bestOf(
    {
      'wasm + betterdl, fast paths on': () => bench.runTfjsChild(file, 'wasm-fast', args),
      'wasm + betterdl, fused kernels only': () => bench.runTfjsChild(file, 'wasm-kernels-fast', args),
      'wasm + betterdl, fast paths off': () => bench.runTfjsChild(file, 'wasm-slow', args),
      'wasm stock (no kernel fixes)': () => bench.runTfjsChild(file, 'wasm-stock-slow', args),
      'cpu, fast paths on': () => bench.runTfjsChild(file, 'cpu-fast', args),
      'cpu, fast paths off': () => bench.runTfjsChild(file, 'cpu-slow', args),
      'wasm optimizer.minimize loop (floor)': () => bench.runTfjsChild(file, 'wasm-minimize', args),
      'PyTorch CPU, 1 thread': () => bench.runTorch('lesson5.py', 1, args),
    },
    ROUNDS,
    'msPerEpoch',
    true,
  );
  const cols = [
    'msPerEpoch',
    ...PHASES.map((p) => `${p}Ms`),
    'kernelsPerEpoch',
    ...PHASES.map((p) => `${p}Kernels`),
  ];
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => {
    lines.push(s);
    log(s);
  };
  bench.printTable(rows, [...cols, 'leakedTensors']);
  const on = rows['wasm + betterdl, fast paths on'];
  const off = rows['wasm + betterdl, fast paths off'];
  const ratios = {
    wasmFastPathSpeedup: bench.ratio(off?.msPerEpoch, on?.msPerEpoch),
    cpuFastPathSpeedup: bench.ratio(
      rows['cpu, fast paths off']?.msPerEpoch,
      rows['cpu, fast paths on']?.msPerEpoch,
    ),
    wasmTrainerVsFusedKernelsOnly: bench.ratio(
      rows['wasm + betterdl, fused kernels only']?.msPerEpoch,
      on?.msPerEpoch,
    ),
    wasmFastVsStockWasm: bench.ratio(rows['wasm stock (no kernel fixes)']?.msPerEpoch, on?.msPerEpoch),
    wasmFastVsMinimizeFloor: bench.ratio(
      on?.msPerEpoch,
      rows['wasm optimizer.minimize loop (floor)']?.msPerEpoch,
    ),
    wasmFastVsTorch1: bench.ratio(on?.msPerEpoch, rows['PyTorch CPU, 1 thread']?.msPerEpoch),
  };
  console.log(`ratios (same run): ${JSON.stringify(ratios)}`);
  for (const [name, r] of Object.entries(rows)) {
    if (typeof r.kernelNames !== 'string') continue;
    console.log(`kernels per epoch by phase, ${name}:`);
    for (const [p, c] of Object.entries(JSON.parse(r.kernelNames) as Record<string, Record<string, number>>))
      console.log(
        `  ${p}: ${Object.entries(c)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
  }
  console.log = log;
  bench.save('overhead', { epochs: EPOCHS, rounds: ROUNDS, rows, ratios });
  writeFileSync(join(bench.BENCH_DIR, 'results', 'overhead.txt'), `${lines.join('\n')}\n`);
}

const v = bench.childVariant();
if (v) await child(v);
else parent();
