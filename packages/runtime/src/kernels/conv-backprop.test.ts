import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { expectSameOnWasm, rand } from './fixtures/test-utils';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

const convCases: { x: number[]; f: number[]; strides: number | [number, number]; pad: Pad }[] = [
  { x: [3, 9, 7, 2], f: [3, 3, 2, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 7, 2], f: [3, 2, 2, 5], strides: 1, pad: 'valid' },
  { x: [2, 10, 11, 3], f: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 10, 11, 3], f: [2, 3, 3, 4], strides: [2, 3], pad: 'valid' },
  { x: [1, 8, 8, 1], f: [5, 5, 1, 6], strides: 3, pad: 'same' },
  {
    x: [4, 6, 5, 2],
    f: [3, 3, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  { x: [2, 7, 7, 16], f: [1, 1, 16, 8], strides: 2, pad: 'valid' },
  // 1–3 channels, stride 1: patches built by heap copies (odd sizes, filters wider than tall, big padding).
  { x: [3, 28, 27, 1], f: [3, 3, 1, 16], strides: 1, pad: 'same' },
  { x: [2, 9, 11, 1], f: [2, 4, 1, 3], strides: 1, pad: 'valid' },
  { x: [2, 5, 6, 3], f: [5, 4, 3, 2], strides: 1, pad: 'same' },
  {
    x: [3, 6, 7, 1],
    f: [3, 2, 1, 4],
    strides: 1,
    pad: [
      [0, 0],
      [4, 1],
      [0, 3],
      [0, 0],
    ],
  },
  // 4+ input channels: the filter gradient is computed as a convolution.
  { x: [2, 9, 10, 5], f: [3, 3, 5, 4], strides: 2, pad: 'same' },
  { x: [2, 10, 11, 6], f: [2, 3, 6, 3], strides: [2, 3], pad: 'valid' },
  {
    x: [3, 8, 7, 4],
    f: [3, 2, 4, 2],
    strides: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ],
  },
];

describe('Conv2D backprop kernels on wasm', () => {
  it('are registered for wasm after initRuntime', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
  });

  for (const c of convCases) {
    const name = `x ${c.x} filter ${c.f} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;
    it(`Conv2DBackpropFilter matches cpu: ${name}`, async () => {
      await expectSameOnWasm(() => {
        const x = rand(c.x, 1);
        const y = tf.conv2d(x as tf.Tensor4D, rand(c.f, 2) as tf.Tensor4D, c.strides, c.pad);
        return tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy: rand(y.shape, 3) },
            { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f },
          ) as tf.Tensor;
      });
    });
    it(`Conv2DBackpropInput matches cpu: ${name}`, async () => {
      await expectSameOnWasm(() => {
        const y = tf.conv2d(rand(c.x, 1) as tf.Tensor4D, rand(c.f, 2) as tf.Tensor4D, c.strides, c.pad);
        return tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: rand(y.shape, 3), filter: rand(c.f, 2) },
            { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
          ) as tf.Tensor;
      });
    });
  }

  it('handles NCHW data (both backprops)', async () => {
    await expectSameOnWasm(() => {
      const x = rand([2, 3, 8, 9], 4);
      const dy = rand([2, 4, 4, 5], 5);
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW' };
      const dw = tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 3, 4] });
      const dx = tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy, filter: rand([3, 3, 3, 4], 6) },
          { ...attrs, inputShape: [2, 3, 8, 9] },
        );
      return [dw, dx] as tf.Tensor[];
    });
  });

  it('gradients of conv2d through tf.grads match cpu', async () => {
    await expectSameOnWasm(() => {
      const f = (x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')));
      return tf.grads(f)([rand([3, 11, 10, 2], 7), rand([3, 3, 2, 5], 8)]);
    }, 1e-5);
  });
});

const dwCases: {
  x: number[];
  f: number[];
  strides: number;
  pad: Pad;
  dilations: number | [number, number];
}[] = [
  { x: [3, 9, 7, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same', dilations: 1 },
  { x: [2, 9, 8, 2], f: [3, 2, 2, 3], strides: 2, pad: 'same', dilations: 1 },
  { x: [2, 10, 9, 4], f: [3, 3, 4, 1], strides: 2, pad: 'valid', dilations: 1 },
  { x: [2, 11, 9, 2], f: [3, 3, 2, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 12, 10, 3], f: [2, 3, 3, 1], strides: 1, pad: 'valid', dilations: [2, 3] },
];

/** `w` with `d - 1` zero taps between its taps: a dilated filter as an ordinary one (differentiable). */
function dilateFilter(w: tf.Tensor, d: number | [number, number]): tf.Tensor {
  const [dh, dw] = typeof d === 'number' ? [d, d] : d;
  const [fh, fw, c, m] = w.shape as [number, number, number, number];
  const eh = (fh - 1) * dh + 1;
  const ew = (fw - 1) * dw + 1;
  const sel = new Float32Array(eh * ew * fh * fw);
  for (let i = 0; i < fh; i++)
    for (let j = 0; j < fw; j++) sel[(i * dh * ew + j * dw) * fh * fw + i * fw + j] = 1;
  const wd = tf.matMul(tf.tensor2d(sel, [eh * ew, fh * fw]), tf.reshape(w, [fh * fw, c * m]));
  return tf.reshape(wd, [eh, ew, c, m]);
}

describe('DepthwiseConv2dNative backprop kernels on wasm', () => {
  for (const c of dwCases) {
    const name = `x ${c.x} filter ${c.f} strides ${c.strides} pad ${c.pad} dilations ${c.dilations}`;
    const dyShape = () =>
      tf.tidy(
        () =>
          tf.depthwiseConv2d(
            rand(c.x, 1) as tf.Tensor4D,
            rand(c.f, 2) as tf.Tensor4D,
            c.strides,
            c.pad as 'same',
            'NHWC',
            c.dilations,
          ).shape,
      );
    // The cpu backprop kernels ignore dilations, so the reference differentiates a conv with the dilated
    // filter written out (dilation 1), which tfjs's own gradients support.
    const loss = (x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(
        tf.mul(
          rand(dyShape(), 3),
          tf.depthwiseConv2d(
            x as tf.Tensor4D,
            dilateFilter(w, c.dilations) as tf.Tensor4D,
            c.strides,
            c.pad as 'same',
          ),
        ),
      );
    it(`filter gradient matches cpu: ${name}`, async () => {
      await expectSameOnWasm(
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x: rand(c.x, 1), dy: rand(dyShape(), 3) },
              { strides: c.strides, pad: c.pad, dilations: c.dilations, filterShape: c.f },
            ) as tf.Tensor,
        1e-5,
        () => tf.grad((w: tf.Tensor) => loss(rand(c.x, 1), w))(rand(c.f, 2)),
      );
    });
    it(`input gradient matches cpu: ${name}`, async () => {
      await expectSameOnWasm(
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy: rand(dyShape(), 3), filter: rand(c.f, 2) },
              { strides: c.strides, pad: c.pad, dilations: c.dilations, inputShape: c.x },
            ) as tf.Tensor,
        1e-5,
        () => tf.grad((x: tf.Tensor) => loss(x, rand(c.f, 2)))(rand(c.x, 1)),
      );
    });
  }

  it('gradients of depthwiseConv2d through tf.grads match cpu', async () => {
    await expectSameOnWasm(() => {
      const f = (x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')));
      return tf.grads(f)([rand([2, 9, 10, 3], 7), rand([3, 3, 3, 2], 8)]);
    });
  });
});
