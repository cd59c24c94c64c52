import type { backend_util, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { BetterDLError } from '../errors';
import { type ConvAttrs, canSpread, convInfo, patchRows, spreadAndPad, toNhwcShape } from './conv-geometry';
import { patchRowsByCopies } from './patch-copies';
import { type WasmOps, withOps } from './wasm-ops';

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/** Below this many input channels the filter gradient uses patches + one product, else a convolution. */
const FEW_CHANNELS = 4;

/**
 * `Conv2DBackpropFilter` (missing from stock wasm). With few input channels: ONE untransposed XNNPACK
 * product `patches [fh·fw·inC, P] × dy [P, outC]`, P = batch · outHeight · outWidth, which lands directly in
 * the `[fh, fw, inC, outC]` filter layout. Otherwise an XNNPACK convolution (see `filterGradByConv`).
 */
export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  return withOps(backend, (ops) => {
    let x = inputs.x as TensorInfo;
    let dy = inputs.dy as TensorInfo;
    if (a.dataFormat === 'NCHW') {
      x = ops.transpose(x, NCHW_TO_NHWC);
      dy = ops.transpose(dy, NCHW_TO_NHWC);
    }
    const info = convInfo(x.shape, a.filterShape, { ...a, dilations: 1 }, false);
    // Few input channels: the patch matrix is small and one product beats XNNPACK packing a huge filter.
    if (info.inChannels >= FEW_CHANNELS) return filterGradByConv(ops, x, dy, info);
    const stride1 = info.strideHeight === 1 && info.strideWidth === 1 && x.dtype === 'float32';
    const rows = stride1 ? patchRowsByCopies(ops, x, info) : patchRows(ops, x, info);
    const p = info.batchSize * info.outHeight * info.outWidth;
    const dw = ops.matMul2d(rows, ops.reshape(dy, [p, info.outChannels]));
    return ops.reshape(dw, a.filterShape);
  });
};

/**
 * The filter gradient of an NHWC convolution as an XNNPACK convolution itself: with batch and channels
 * swapped, `x` becomes a `[inC, H, W, batch]` image and `dy` a `[outH, outW, batch, outC]` filter dilated by
 * the forward stride; the result `[inC, fh, fw, outC]` is the gradient up to a transpose.
 */
export function filterGradByConv(
  ops: WasmOps,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { padInfo, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, inHeight: h, inWidth: w, batchSize: n, inChannels: c } = info;
  // Rows/columns of x (with its top/left padding) that the forward windows read.
  const bottom = (oh - 1) * sh + fh - h - padInfo.top;
  const right = (ow - 1) * sw + fw - w - padInfo.left;
  let xs = x;
  if (bottom < 0 || right < 0) {
    xs = ops.run(
      'Slice',
      { x },
      { begin: [0, 0, 0, 0], size: [n, h + Math.min(0, bottom), w + Math.min(0, right), c] },
    );
  }
  const img = ops.transpose(xs, [3, 1, 2, 0]);
  const filt = ops.transpose(dy, [1, 2, 0, 3]);
  const out = ops.run(
    'Conv2D',
    { x: img, filter: filt },
    {
      strides: 1,
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [padInfo.top, Math.max(0, bottom)],
        [padInfo.left, Math.max(0, right)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  return ops.transpose(out, [1, 2, 0, 3]);
}

/** The flipped, in/out-swapped filter whose stride-1 correlation with the spread `dy` gives `dx`. */
function flippedFilter(ops: WasmOps, filter: TensorInfo, perm: number[]): TensorInfo {
  return ops.transpose(ops.run('Reverse', { x: filter }, { dims: [0, 1] }), perm);
}

/**
 * `Conv2DBackpropInput` as a stride-1 XNNPACK `Conv2D` of the zero-spread, padded `dy` with the flipped
 * filter (stock wasm uses a scalar loop). Falls back to the stock kernel for padding larger than the filter.
 */
export const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  return withOps(backend, (ops) => {
    const nchw = a.dataFormat === 'NCHW';
    let dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const inShape = nchw ? toNhwcShape(a.inputShape) : a.inputShape;
    const info = convInfo(inShape, filter.shape, { ...a, dilations: 1 }, false);
    if (!canSpread(info)) return ops.run('Conv2DBackpropInput', inputs, attrs as NamedAttrMap);
    if (nchw) dy = ops.transpose(dy, NCHW_TO_NHWC);
    const spread = spreadAndPad(ops, dy, info);
    const dx = ops.run(
      'Conv2D',
      { x: spread, filter: flippedFilter(ops, filter, [0, 1, 3, 2]) },
      { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 },
    );
    return nchw ? ops.transpose(dx, NHWC_TO_NCHW) : dx;
  });
};

/**
 * `DepthwiseConv2dNativeBackpropFilter` (missing from stock wasm): per filter tap, the patches times `dy`
 * summed over batch and pixels, as one broadcast Multiply and one innermost-axis Sum.
 */
export const depthwiseBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  return withOps(backend, (ops) => {
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    const info = convInfo(x.shape, a.filterShape, a, true);
    const [fh, fw, c, m] = a.filterShape as [number, number, number, number];
    const p = info.batchSize * info.outHeight * info.outWidth;
    const rows = ops.reshape(patchRows(ops, x, info), [fh * fw, c, 1, p]);
    const dyT = ops.reshape(ops.transpose(ops.reshape(dy, [p, c, m]), [1, 2, 0]), [1, c, m, p]);
    const prod = ops.run('Multiply', { a: rows, b: dyT });
    const dw = ops.run('Sum', { x: prod }, { axis: [3], keepDims: false });
    return ops.reshape(dw, a.filterShape);
  });
};

/**
 * `DepthwiseConv2dNativeBackpropInput` (missing from stock wasm): a stride-1 XNNPACK depthwise convolution
 * of the zero-spread, padded `dy` with the flipped filter, then a sum over the channel multiplier.
 */
export const depthwiseBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  return withOps(backend, (ops) => {
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const [fh, fw, c, m] = filter.shape as [number, number, number, number];
    const info = convInfo(a.inputShape, filter.shape, a, true);
    if (!canSpread(info)) {
      throw new BetterDLError(
        'UNSUPPORTED',
        `DepthwiseConv2dNativeBackpropInput (betterdl wasm kernel fix): padding larger than the filter is not ` +
          `supported (pad ${JSON.stringify(a.pad)}, filter ${fh}x${fw}). Use 'same' or 'valid' padding, or ` +
          `initRuntime({ kernelFixes: false }) and the cpu backend.`,
      );
    }
    const spread = spreadAndPad(ops, dy, info);
    const flipped = ops.reshape(ops.run('Reverse', { x: filter }, { dims: [0, 1] }), [fh, fw, c * m, 1]);
    const dxm = ops.run(
      'DepthwiseConv2dNative',
      { x: spread, filter: flipped },
      { strides: 1, pad: 'valid', dilations: [info.dilationHeight, info.dilationWidth] },
    );
    if (m === 1) return dxm;
    const [n, h, w] = dxm.shape as [number, number, number];
    return ops.run('Sum', { x: ops.reshape(dxm, [n, h, w, c, m]) }, { axis: [4], keepDims: false });
  });
};
