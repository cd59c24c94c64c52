// Compares betterdl with reference values made by real Keras 3 (parity/keras/generate.py, KERAS_BACKEND=jax).
// CI does not run Python: the fixtures are committed with the versions that made them. docs/parity.md lists
// what is compared and every documented difference.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EarlyStopping,
  getLearningRate,
  learningRateScheduler,
  ModelCheckpoint,
  ReduceLROnPlateau,
  schedules,
  terminateOnNaN,
} from '@betterdl/callbacks';
import { csvLogger } from '@betterdl/callbacks/node';
import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// formatPerStep and progressLine are internal to the package (not exported): compare them from their source.
import { formatPerStep, progressLine } from '../../packages/callbacks/src/progress-bar';

type Json = Record<string, unknown>;

function fixture<T = Json>(name: string): T & { versions: Record<string, string> } {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

/** Floats the generator wrote as strings (nan, inf, -inf). */
function num(v: unknown): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

function logsOf(o: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, num(v)]));
}

/** snake_case Keras arguments → betterdl's camelCase options. */
function camel(args: Json): Json {
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

function model(optimizer: tf.Optimizer | string = 'adam'): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 2, inputShape: [2] }));
  m.compile({ optimizer, loss: 'meanSquaredError' });
  return m;
}

let logSpy: ReturnType<typeof vi.spyOn>;
function captureLog(): string[] {
  const lines: string[] = [];
  logSpy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  return lines;
}

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});
afterEach(() => {
  vi.restoreAllMocks();
  logSpy?.mockRestore();
});

describe('fixtures', () => {
  it('say which Keras made them', () => {
    const v = fixture('checkpoint-names.json').versions;
    expect(v.keras).toMatch(/^3\./);
    expect(v.keras_backend).toBe('jax');
  });
});

describe('ModelCheckpoint file names and messages (Keras 3)', () => {
  const fx = fixture<{
    logs: Array<Record<string, number>>;
    epoch_cases: Array<{
      template: string;
      args: Json;
      saved: string[];
      messages?: string[];
      error?: string;
    }>;
    batch_cases: Array<{
      template: string;
      save_freq: number;
      batches: number[];
      batch_logs: Array<Record<string, number>>;
      saved: string[];
    }>;
  }>('checkpoint-names.json');

  const recorder = (paths: string[]) => (path: string) =>
    ({
      save: async () => {
        paths.push(path);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };
      },
    }) as tf.io.IOHandler;

  for (const c of fx.epoch_cases) {
    it(`per epoch: ${c.template} ${JSON.stringify(c.args)}`, async () => {
      const lines = captureLog();
      const written: string[] = [];
      const cb = new ModelCheckpoint(c.template, camel(c.args), recorder(written));
      cb.setModel(model());
      await cb.onTrainBegin({});
      let error: unknown = null;
      try {
        for (const [epoch, logs] of fx.logs.entries()) {
          await (cb as tfl.Callback).onEpochBegin(epoch, {});
          await cb.onEpochEnd(epoch, { ...logs });
        }
      } catch (err) {
        error = err;
      }
      expect(written).toEqual(c.saved);
      if (c.error) expect(String(error)).toMatch(/val_auc.*not in the logs/);
      else expect(error).toBeNull();
      expect(lines).toEqual(c.messages ?? []);
    });
  }

  for (const c of fx.batch_cases) {
    it(`every ${c.save_freq} batches: ${c.template}`, async () => {
      const written: string[] = [];
      const cb = new ModelCheckpoint(c.template, { saveFreq: c.save_freq }, recorder(written));
      cb.setModel(model());
      await cb.onTrainBegin({});
      let step = 0;
      for (const [epoch, n] of c.batches.entries()) {
        await (cb as tfl.Callback).onEpochBegin(epoch, {});
        for (let b = 0; b < n; b++) {
          // tfjs adds its own 0-based `batch` and `size` to batch logs; Keras's have neither.
          await cb.onBatchEnd(b, { batch: b, size: 32, ...c.batch_logs[step++] });
        }
        await cb.onEpochEnd(epoch, { loss: 0.5, accuracy: 0.5 });
      }
      expect(written).toEqual(c.saved);
    });
  }
});

describe('CSVLogger files (Keras 3), byte for byte', () => {
  const fx = fixture<{
    cases: Array<{ name: string; args: Json; existing?: string; runs: Json[][]; file: string }>;
  }>('csv-logger.json');
  const root = mkdtempSync(join(tmpdir(), 'betterdl-parity-csv-'));

  for (const [i, c] of fx.cases.entries()) {
    it(c.name, async () => {
      const path = join(root, `log${i}.csv`);
      if (c.existing !== undefined) writeFileSync(path, c.existing);
      for (const run of c.runs) {
        const cb = csvLogger(path, camel(c.args));
        await cb.onTrainBegin({});
        for (const [epoch, logs] of run.entries()) await cb.onEpochEnd(epoch, logsOf(logs));
        await cb.onTrainEnd({});
      }
      expect(readFileSync(path, 'utf8')).toBe(c.file);
    });
  }
});

describe('EarlyStopping (Keras 3), hook by hook', () => {
  const fx = fixture<{
    cases: Array<{
      args: Json;
      values: unknown[];
      stopped_at: number | null;
      stopped_epoch: number;
      best: unknown;
      best_epoch: number;
      wait: number;
      restored: number | null;
      messages: string[];
    }>;
  }>('early-stopping.json');

  async function drive(c: (typeof fx.cases)[number]) {
    const lines = captureLog();
    const m = model();
    const cb = new EarlyStopping(camel(c.args));
    cb.setModel(m);
    const monitor = (c.args.monitor as string | undefined) ?? 'val_loss';
    const key = monitor === 'val_missing' ? 'val_loss' : monitor;
    await cb.onTrainBegin({});
    m.stopTraining = false;
    let stoppedAt: number | null = null;
    for (const [epoch, v] of c.values.entries()) {
      // Tag the weights with the epoch so that the restored snapshot says which epoch it came from.
      m.setWeights(m.weights.map((w) => tf.fill(w.shape as number[], epoch)));
      await (cb as tfl.Callback).onEpochBegin(epoch, {});
      await cb.onEpochEnd(epoch, { loss: 1, [key]: num(v) });
      if (m.stopTraining) {
        stoppedAt = epoch;
        break;
      }
    }
    m.setWeights(m.weights.map((w) => tf.fill(w.shape as number[], -1)));
    await cb.onTrainEnd({});
    const tag = (m.weights[0] as tfl.LayerVariable).read().dataSync()[0] as number;
    return { cb, stoppedAt, restored: tag === -1 ? null : tag, lines };
  }

  for (const c of fx.cases) {
    const nanFirst = Number.isNaN(num(c.values[0]));
    it(`${JSON.stringify(c.args)} on ${JSON.stringify(c.values)}${nanFirst ? ' (documented difference)' : ''}`, async () => {
      const { cb, stoppedAt, restored, lines } = await drive(c);
      if (nanFirst) {
        // Keras takes a first NaN as its best (every later value then fails `x < nan`) and stops at patience;
        // betterdl never counts NaN as an improvement, so the first real value becomes the best.
        expect(Number.isNaN(num(c.best))).toBe(true);
        expect(stoppedAt).toBe(4);
        expect(cb.best).toBe(0.9);
        return;
      }
      expect(stoppedAt).toBe(c.stopped_at);
      expect(cb.stoppedEpoch).toBe(c.stopped_epoch);
      expect(cb.best ?? null).toEqual(num(c.best));
      expect(cb.bestEpoch).toBe(c.best_epoch);
      expect(cb.wait).toBe(c.wait);
      expect(restored).toBe(c.restored);
      expect(lines).toEqual(c.messages);
    });
  }
});

describe('ReduceLROnPlateau (Keras 3), hook by hook', () => {
  const fx = fixture<{
    cases: Array<{
      lr: number;
      args: Json;
      values: unknown[];
      epochs: Array<{ logged: number; after: number; wait: number; cooldown_counter: number }>;
      messages: string[];
    }>;
  }>('reduce-lr-on-plateau.json');

  for (const c of fx.cases) {
    const nanFirst = Number.isNaN(num(c.values[0]));
    it(`lr ${c.lr}, ${JSON.stringify(c.args)}${nanFirst ? ' (documented difference)' : ''}`, async () => {
      const lines = captureLog();
      const optimizer = tf.train.sgd(c.lr);
      const m = model(optimizer);
      const cb = new ReduceLROnPlateau(camel(c.args));
      cb.setModel(m);
      const monitor = (c.args.monitor as string | undefined) ?? 'val_loss';
      await cb.onTrainBegin({});
      const cuts: number[] = [];
      for (const [epoch, v] of c.values.entries()) {
        const logs: Record<string, number> = { loss: 1, [monitor]: num(v) };
        await (cb as tfl.Callback).onEpochBegin(epoch, {});
        await cb.onEpochEnd(epoch, logs);
        if (Math.fround(getLearningRate(optimizer)) < (logs.learning_rate as number)) cuts.push(epoch);
        if (nanFirst) continue;
        const want = c.epochs[epoch] as (typeof c.epochs)[number];
        // Both keep the rate as a float32 (Keras in its variable, betterdl logs the float32 tfjs applies).
        expect(logs.learning_rate, `epoch ${epoch} logged`).toBe(want.logged);
        expect(logs.lr).toBe(logs.learning_rate);
        expect([epoch, cb.wait, cb.cooldownCounter]).toEqual([epoch, want.wait, want.cooldown_counter]);
      }
      if (nanFirst) {
        // Keras's first NaN becomes its best and blocks every later improvement (cuts at epochs 1, 2, 3);
        // betterdl never counts NaN as an improvement: the NaN epoch counts towards patience (cut at 0) and
        // 1.0 becomes the best.
        const kerasCuts = c.epochs.flatMap((e, i) => (e.after < e.logged ? [i] : []));
        expect(kerasCuts).toEqual([1, 2, 3]);
        expect(cuts).toEqual([0, 2, 3]);
        expect(cb.best).toBe(1);
        return;
      }
      expect(lines).toEqual(c.messages);
    });
  }
});

describe('LearningRateScheduler (Keras 3), hook by hook', () => {
  const fx = fixture<{
    cases: Array<{ name: string; initial: number; logged: number[]; messages: string[] }>;
  }>('learning-rate-scheduler.json');
  const fns: Record<string, (epoch: number, lr: number) => number> = {
    'halve every 2 epochs': (epoch, lr) => (epoch > 0 && epoch % 2 === 0 ? lr * 0.5 : lr),
    '0.1, then x0.9 per epoch': (epoch, lr) => (epoch === 0 ? 0.1 : lr * 0.9),
    'constant after epoch 3': (epoch, lr) => (epoch < 3 ? lr : lr * Math.exp(-0.1)),
    'step table': (epoch) => [0.1, 0.05, 0.05, 0.01, 0.001, 0.001][epoch] as number,
  };
  for (const c of fx.cases) {
    it(c.name, async () => {
      const lines = captureLog();
      const cb = learningRateScheduler(fns[c.name] as (e: number, lr: number) => number, { verbose: 1 });
      cb.setModel(model(tf.train.sgd(c.initial)));
      await cb.onTrainBegin({});
      for (let epoch = 0; epoch < c.logged.length; epoch++) {
        const logs: Record<string, number> = { loss: 1 };
        await (cb as tfl.Callback).onEpochBegin(epoch, {});
        await cb.onEpochEnd(epoch, logs);
        expect(logs.learning_rate, `epoch ${epoch}`).toBe(c.logged[epoch]);
      }
      expect(lines).toEqual(c.messages);
    });
  }
});

describe('TerminateOnNaN (Keras 3)', () => {
  const fx = fixture<{ cases: Array<{ losses: unknown[]; stopped_at: number | null; messages: string[] }> }>(
    'terminate-on-nan.json',
  );
  for (const c of fx.cases) {
    it(JSON.stringify(c.losses), async () => {
      const lines = captureLog();
      const m = model();
      const cb = terminateOnNaN();
      cb.setModel(m);
      await cb.onTrainBegin({});
      m.stopTraining = false;
      let stopped: number | null = null;
      for (const [b, loss] of c.losses.entries()) {
        await cb.onBatchEnd(b, { loss: num(loss) });
        if (m.stopTraining) {
          stopped = b;
          break;
        }
      }
      expect(stopped).toBe(c.stopped_at);
      expect(lines).toEqual(c.messages);
    });
  }
});

describe('learning-rate schedules (keras.optimizers.schedules)', () => {
  const fx = fixture<{ cases: Array<{ name: string; args: unknown[]; steps: number[]; values: number[] }> }>(
    'schedules.json',
  );
  for (const c of fx.cases) {
    it(`${c.name}(${JSON.stringify(c.args)})`, () => {
      const make = (schedules as unknown as Record<string, (...a: unknown[]) => (step: number) => number>)[
        c.name
      ];
      const sched = (make as (...a: unknown[]) => (step: number) => number)(...c.args);
      // Keras computes in float32, betterdl in float64: equal to float32 rounding of the schedule's scale.
      const scale = Math.max(...c.values.map(Math.abs));
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b) + 2 ** -23 * scale;
      const bad = c.steps.filter((s, i) => !close(sched(s), c.values[i] as number));
      expect(bad.map((s) => [s, sched(s), c.values[c.steps.indexOf(s)]])).toEqual([]);
    });
  }
});

describe('progress-bar number text (keras.utils.Progbar)', () => {
  const fx = fixture<{
    metrics: Array<{ value: number; text: string }>;
    times: Array<{ seconds: number; text: string }>;
  }>('progbar.json');
  it('metric values', () => {
    for (const m of fx.metrics) {
      expect([m.value, progressLine(1, 1, 0, { m: m.value }).split(' - m: ')[1]]).toEqual([m.value, m.text]);
    }
  });
  it('time per step', () => {
    for (const t of fx.times) expect([t.seconds, formatPerStep(t.seconds)]).toEqual([t.seconds, t.text]);
  });
});
