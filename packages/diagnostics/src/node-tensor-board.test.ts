import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime, trackTensors } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from './crc32c';
import { tensorBoard } from './node-tensor-board';

// ---- an independent reader: bit-by-bit CRC and a generic protobuf walker ----
function slowCrc(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? ((crc >>> 1) ^ 0x82f63b78) >>> 0 : crc >>> 1;
  }
  return ~crc >>> 0;
}
const mask = (c: number) => (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;

function readRecords(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  while (o < buf.length) {
    const len = Number(view.getBigUint64(o, true));
    expect(view.getUint32(o + 8, true)).toBe(mask(slowCrc(buf.subarray(o, o + 8))));
    const data = buf.subarray(o + 12, o + 12 + len);
    expect(view.getUint32(o + 12 + len, true)).toBe(mask(slowCrc(data)));
    out.push(data);
    o += 16 + len;
  }
  return out;
}

type Field = { no: number; wire: number; value: number | bigint | Uint8Array };
function fields(b: Uint8Array): Field[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Field[] = [];
  let o = 0;
  const varint = () => {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const x = b[o++] as number;
      r |= BigInt(x & 0x7f) << s;
      s += 7n;
      if (x < 0x80) return r;
    }
  };
  while (o < b.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1) {
      out.push({ no, wire, value: view.getFloat64(o, true) });
      o += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: view.getFloat32(o, true) });
      o += 4;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: b.subarray(o, o + len) });
      o += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}
const get = (fs: Field[], no: number) => fs.find((f) => f.no === no)?.value;
const all = (fs: Field[], no: number) => fs.filter((f) => f.no === no).map((f) => f.value);
const text = (v: unknown) => new TextDecoder().decode(v as Uint8Array);
const doubles = (v: unknown) => {
  const b = v as Uint8Array;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.length / 8 }, (_, i) => view.getFloat64(8 * i, true));
};

interface Ev {
  wallTime: number;
  step?: bigint;
  fileVersion?: string;
  values: Array<{ tag: string; simple?: number; histo?: Field[] }>;
}
function events(buf: Uint8Array): Ev[] {
  return readRecords(buf).map((r) => {
    const f = fields(r);
    const summary = get(f, 5) as Uint8Array | undefined;
    return {
      wallTime: get(f, 1) as number,
      step: get(f, 2) as bigint | undefined,
      fileVersion: get(f, 3) ? text(get(f, 3)) : undefined,
      values: summary
        ? all(fields(summary), 1).map((v) => {
            const vf = fields(v as Uint8Array);
            const histo = get(vf, 5) as Uint8Array | undefined;
            return {
              tag: text(get(vf, 1)),
              simple: get(vf, 2) as number | undefined,
              histo: histo ? fields(histo) : undefined,
            };
          })
        : [],
    };
  });
}

const dir = await mkdtemp(join(tmpdir(), 'betterdl-tb-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('TFRecord framing', () => {
  it('matches the CRC-32C test vector, masked', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32c(bytes)).toBe(0xe3069283);
    expect(maskedCrc32c(bytes)).toBe(0xc78ab0e5);
    expect(slowCrc(bytes)).toBe(0xe3069283);
    const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32c(random)).toBe(slowCrc(random));
  });
});

describe('tensorBoard', () => {
  it('writes epoch scalars to train/ and validation/ and weight histograms during a real fit', async () => {
    const logdir = join(dir, 'run1');
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu', name: 'h' }),
        tfl.layers.dense({ units: 1, name: 'o' }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae'] });
    const x = tf.randomNormal([16, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([16, 1], 0, 1, 'float32', 2);
    const cb = tensorBoard(logdir, { histogramFreq: 2, updateFreq: 2, bins: 5 });
    const r = await trackTensors(() =>
      model.fit(x, y, { epochs: 3, batchSize: 4, validationSplit: 0.25, verbose: 0, callbacks: [cb] }),
    );
    expect(r.leaked).toBe(0);
    const history = r.result.history;
    tf.dispose([x, y]);
    model.dispose();

    expect(cb.files).toEqual({ train: expect.any(String), validation: expect.any(String) });
    expect((await readdir(join(logdir, 'train')))[0]).toMatch(/^events\.out\.tfevents\.\d+\..+\.v2$/);
    const train = events(new Uint8Array(await readFile(cb.files.train as string)));
    const val = events(new Uint8Array(await readFile(cb.files.validation as string)));
    expect(train[0]?.fileVersion).toBe('brain.Event:2');
    expect(val[0]?.fileVersion).toBe('brain.Event:2');
    expect(Math.abs((train[0]?.wallTime as number) - Date.now() / 1000)).toBeLessThan(120);

    const scalar = (evs: Ev[], tag: string) =>
      evs.flatMap((e) => e.values.filter((v) => v.tag === tag).map((v) => [Number(e.step), v.simple]));
    expect(scalar(train, 'epoch_loss')).toEqual(
      (history.loss as number[]).map((v, i) => [i, Math.fround(v)]),
    );
    expect(scalar(train, 'epoch_mae')).toEqual((history.mae as number[]).map((v, i) => [i, Math.fround(v)]));
    expect(scalar(val, 'epoch_loss')).toEqual(
      (history.val_loss as number[]).map((v, i) => [i, Math.fround(v)]),
    );
    // 12 training samples / batch 4 = 3 batches per epoch, 9 in all; every 2nd batch logged
    expect(scalar(train, 'batch_loss').map(([s]) => s)).toEqual([2, 4, 6, 8]);

    const histos = train.flatMap((e) =>
      e.values
        .filter((v) => v.histo)
        .map((v) => ({ step: Number(e.step), tag: v.tag, h: v.histo as Field[] })),
    );
    expect(histos.map((h) => [h.step, h.tag])).toEqual([
      [0, 'h/kernel'],
      [0, 'h/bias'],
      [0, 'o/kernel'],
      [0, 'o/bias'],
      [2, 'h/kernel'],
      [2, 'h/bias'],
      [2, 'o/kernel'],
      [2, 'o/bias'],
    ]);
    const k = histos[4]?.h as Field[];
    expect(get(k, 3)).toBe(12);
    const limits = doubles(get(k, 6));
    const buckets = doubles(get(k, 7));
    expect(limits).toHaveLength(5);
    expect(limits[4]).toBe(get(k, 2));
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(12);
    expect(get(k, 1) as number).toBeLessThanOrEqual(get(k, 2) as number);
  });

  it('a resumed fit (initialEpoch k) logs every epoch once: epoch events >= k are dropped, batch events kept', async () => {
    const logdir = join(dir, 'resumed');
    const build = () => {
      const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      return m;
    };
    const x = tf.randomNormal([8, 2], 0, 1, 'float32', 3);
    const y = tf.randomNormal([8, 1], 0, 1, 'float32', 4);
    const crash = new tfl.CustomCallback({
      onEpochEnd: async (epoch) => {
        if (epoch === 2) throw new Error('simulated crash after epoch 2 was logged');
      },
    });
    const first = build();
    const args = { epochs: 4, batchSize: 4, validationSplit: 0.25, verbose: 0 } as const;
    await expect(
      first.fit(x, y, { ...args, callbacks: [tensorBoard(logdir, { updateFreq: 1 }), crash] }),
    ).rejects.toThrow(/simulated/);
    // The last backup was taken after epoch 1 (0-based), so the run resumes at epoch 2 and re-runs it.
    const second = build();
    const r = await trackTensors(() =>
      second.fit(x, y, { ...args, initialEpoch: 2, callbacks: [tensorBoard(logdir, { updateFreq: 1 })] }),
    );
    expect(r.leaked).toBe(0);
    const all = async (sub: string) => {
      const out: Ev[] = [];
      for (const f of (await readdir(join(logdir, sub))).sort())
        out.push(...events(new Uint8Array(await readFile(join(logdir, sub, f)))));
      return out;
    };
    const steps = (evs: Ev[], tag: string) =>
      evs.flatMap((e) => e.values.filter((v) => v.tag === tag).map(() => Number(e.step)));
    const train = await all('train');
    expect(steps(train, 'epoch_loss')).toEqual([0, 1, 2, 3]);
    expect(steps(await all('validation'), 'epoch_loss')).toEqual([0, 1, 2, 3]);
    expect(steps(train, 'batch_loss')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(train.filter((e) => e.fileVersion).length).toBe(2);
    tf.dispose([x, y]);
    first.dispose();
    second.dispose();
  });

  it('validates its arguments when created', () => {
    expect(() => tensorBoard('')).toThrow(/logdir must be a directory path/);
    expect(() => tensorBoard('x', { histogramFreq: -1 })).toThrow(/histogramFreq must be an integer >= 0/);
    expect(() => tensorBoard('x', { updateFreq: 'batch' as 'epoch' })).toThrow(
      /updateFreq must be an integer >= 1, got 'batch'\. Pass 'epoch' or a number of batches\./,
    );
    expect(() => tensorBoard('x', { histogram_freq: 1 } as never)).toThrow(
      /tensorBoard: unknown option 'histogram_freq' in options\. Did you mean histogramFreq\?/,
    );
  });
});
