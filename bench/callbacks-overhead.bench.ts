// Overhead of @betterdl/callbacks on the lesson-5 model (makeCircles, as bench/lesson5.bench.ts, 2 → Dense(500, relu) → Dense(1, sigmoid),
// Adam, 30 training samples in one batch, 70 validation samples every epoch): wall time of `fit` for 1000
// epochs with and without earlyStopping + reduceLROnPlateau + csvLogger + modelCheckpoint(saveBestOnly),
// runs alternated (plain, callbacks, plain, ...) to spread machine noise over both. Target ratio ≤ 1.05.
// A third variant attaches only a callback that reads the epoch logs (one device read per epoch, what every
// monitoring callback must do): without any callback tfjs keeps 4 scalars per epoch on the device until fit
// ends, which on its own changes the timing; the ratio against that variant isolates the callbacks' own cost.
// `pnpm bench callbacks-overhead [--epochs=1000] [--rounds=3] [--backend=wasm]`
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  csvLogger,
  earlyStopping,
  modelCheckpoint,
  reduceLROnPlateau,
  resolveLogs,
} from '../packages/callbacks/src/node';
import { initRuntime, setSeed } from '../packages/runtime/src/index';
import { lesson5Circles } from './python/harness';

const arg = (name: string, d: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d;
const EPOCHS = Number(arg('epochs', '1000'));
const ROUNDS = Number(arg('rounds', '3'));
const BACKEND = arg('backend', 'wasm');

const info = await initRuntime({ backend: BACKEND, verbose: false });
const { trainX, trainY, testX, testY } = lesson5Circles();
const dir = mkdtempSync(join(tmpdir(), 'betterdl-bench-'));

class ReadLogs extends tfl.Callback {
  override async onEpochEnd(_epoch: number, logs?: tfl.Logs): Promise<void> {
    await resolveLogs(logs);
  }
}

type Variant = 'plain' | 'readLogs' | 'callbacks';

async function run(variant: Variant, epochs: number, tag: string): Promise<{ ms: number; saves: number }> {
  setSeed(1);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 500, activation: 'relu' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const ckpt = modelCheckpoint(join(dir, tag, 'best'), { monitor: 'val_loss', saveBestOnly: true });
  const callbacks =
    variant === 'callbacks'
      ? [
          earlyStopping({ monitor: 'val_loss', patience: epochs + 1 }),
          reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 50 }),
          csvLogger(join(dir, tag, 'log.csv')),
          ckpt,
        ]
      : variant === 'readLogs'
        ? [new ReadLogs()]
        : [];
  const t0 = performance.now();
  await model.fit(trainX, trainY, {
    batchSize: 32,
    epochs,
    validationData: [testX, testY],
    verbose: 0,
    callbacks,
  });
  const ms = performance.now() - t0;
  model.dispose();
  return { ms, saves: ckpt.saved.length };
}

console.log(
  `callbacks overhead: lesson-5 model, ${EPOCHS} epochs, ${ROUNDS} rounds of 3 alternated runs, backend ${info.backend}`,
);
for (const v of ['plain', 'readLogs', 'callbacks'] as const) await run(v, 30, `warm-${v}`);
const times: Record<Variant, number[]> = { plain: [], readLogs: [], callbacks: [] };
let saves = 0;
const order: Variant[] = ['plain', 'callbacks', 'readLogs'];
for (let i = 0; i < ROUNDS; i++) {
  const rot = order.map((_, k) => order[(k + i) % order.length] as Variant);
  for (const v of i % 2 ? [...rot].reverse() : rot) {
    const r = await run(v, EPOCHS, `run-${i}-${v}`);
    times[v].push(r.ms);
    if (v === 'callbacks') saves = r.saves;
    console.log(`  round ${i + 1} ${v.padEnd(9)} ${(r.ms / 1000).toFixed(2)} s`);
  }
}
const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)] as number;
const sum = (a: number[]) => a.reduce((p, q) => p + q, 0);
const ratio = sum(times.callbacks) / sum(times.plain);
const medianRatio = median(times.callbacks) / median(times.plain);
const ownRatio = sum(times.callbacks) / sum(times.readLogs);
for (const v of order)
  console.log(`${v.padEnd(9)} median ${(median(times[v]) / EPOCHS).toFixed(3)} ms/epoch`);
console.log(`checkpoints written per run (saveBestOnly): ${saves}`);
console.log(
  `wall-time ratio with/without callbacks: total ${ratio.toFixed(3)}, median ${medianRatio.toFixed(3)} (target ≤ 1.05)`,
);
console.log(`wall-time ratio callbacks / logs-read-only: ${ownRatio.toFixed(3)} (the callbacks' own cost)`);
const result = {
  benchmark: 'callbacks-overhead',
  date: new Date().toISOString(),
  backend: info.backend,
  epochs: EPOCHS,
  rounds: ROUNDS,
  callbacks: ['earlyStopping', 'reduceLROnPlateau', 'csvLogger', 'modelCheckpoint(saveBestOnly)'],
  msWithout: times.plain,
  msWith: times.callbacks,
  msReadLogsOnly: times.readLogs,
  checkpointsWrittenPerRun: saves,
  ratioTotal: Number(ratio.toFixed(4)),
  ratioMedian: Number(medianRatio.toFixed(4)),
  ratioVsReadLogsOnly: Number(ownRatio.toFixed(4)),
  target: 1.05,
  withinTarget: ratio <= 1.05,
};
writeFileSync(
  new URL('./results/callbacks-overhead.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
rmSync(dir, { recursive: true, force: true });
tf.dispose([trainX, trainY, testX, testY]);
