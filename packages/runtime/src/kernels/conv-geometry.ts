import type { TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { WasmOps } from './wasm-ops';

/** The attributes shared by the 2-D convolution backprop kernels. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

/** Forward-convolution geometry (channels-last) of a backprop kernel. */
export function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
  depthwise: boolean,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/** NCHW shape → NHWC shape. */
export function toNhwcShape(s: number[]): number[] {
  return [s[0], s[2], s[3], s[1]] as number[];
}

/**
 * Patches of `x` (NHWC) as rows: `[filterHeight · filterWidth · channels, batch · outHeight · outWidth]`,
 * row `(i, j, c)` holding channel `c` of the input pixel under filter tap `(i, j)` for every output pixel.
 * Built from one Pad, one Transpose, one strided Slice per filter tap and one contiguous Concat.
 */
export function patchRows(ops: WasmOps, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { padInfo, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const {
    filterHeight: fh,
    filterWidth: fw,
    outHeight: oh,
    outWidth: ow,
    batchSize: n,
    inChannels: c,
  } = info;
  // 'SAME' padding can ask for more rows than the last window touches; pad only what is read.
  const needH = (oh - 1) * sh + (fh - 1) * dh + 1;
  const needW = (ow - 1) * sw + (fw - 1) * dw + 1;
  const hasH = info.inHeight + padInfo.top;
  const hasW = info.inWidth + padInfo.left;
  let xp = ops.padSpatial(x, padInfo.top, Math.max(0, needH - hasH), padInfo.left, Math.max(0, needW - hasW));
  xp = ops.transpose(xp, [3, 0, 1, 2]);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const begin = [0, 0, i * dh, j * dw];
      const end = [c, n, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1];
      const tap = ops.run(
        'StridedSlice',
        { x: xp },
        {
          begin,
          end,
          strides: [1, 1, sh, sw],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        },
      );
      taps.push(ops.reshape(tap, [c, n * oh * ow]));
    }
  }
  return ops.concat0(taps);
}

/**
 * `dy` (NHWC) with `stride - 1` zero rows/columns inserted between its pixels, then zero-padded so that
 * a stride-1 correlation with the flipped filter yields the input gradient (the "full" correlation).
 * `fhEff` / `fwEff` are the dilated filter extents.
 */
export function spreadAndPad(ops: WasmOps, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, padInfo, inHeight, inWidth } = info;
  const [n, oh, ow, ch] = dy.shape as [number, number, number, number];
  let d = dy;
  if (sh > 1) {
    d = ops.reshape(d, [n * oh, 1, ow * ch]);
    d = ops.run(
      'PadV2',
      { x: d },
      {
        paddings: [
          [0, 0],
          [0, sh - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    d = ops.reshape(d, [n, oh * sh, ow, ch]);
  }
  if (sw > 1) {
    const rows = d.shape[1] as number;
    d = ops.reshape(d, [n * rows * ow, 1, ch]);
    d = ops.run(
      'PadV2',
      { x: d },
      {
        paddings: [
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    d = ops.reshape(d, [n, rows, ow * sw, ch]);
  }
  const fhEff = (info.filterHeight - 1) * info.dilationHeight + 1;
  const fwEff = (info.filterWidth - 1) * info.dilationWidth + 1;
  const top = fhEff - 1 - padInfo.top;
  const left = fwEff - 1 - padInfo.left;
  // Rows kept from the spread dy (the trailing inserted zeros are often not needed) and rows to add below.
  const keepH = Math.min(d.shape[1] as number, inHeight + fhEff - 1 - top);
  const keepW = Math.min(d.shape[2] as number, inWidth + fwEff - 1 - left);
  if (keepH !== d.shape[1] || keepW !== d.shape[2]) {
    d = ops.run('Slice', { x: d }, { begin: [0, 0, 0, 0], size: [n, keepH, keepW, ch] });
  }
  return ops.padSpatial(d, top, inHeight + fhEff - 1 - top - keepH, left, inWidth + fwEff - 1 - left - keepW);
}

/** True when the padding is one that {@link spreadAndPad} handles (no pad larger than the filter). */
export function canSpread(info: backend_util.Conv2DInfo): boolean {
  const fhEff = (info.filterHeight - 1) * info.dilationHeight + 1;
  const fwEff = (info.filterWidth - 1) * info.dilationWidth + 1;
  return info.padInfo.top <= fhEff - 1 && info.padInfo.left <= fwEff - 1;
}
