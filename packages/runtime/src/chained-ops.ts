import * as tf from '@tensorflow/tfjs-core';

type AnyFn = (...args: unknown[]) => tf.Tensor | tf.Tensor[];
type Method = (this: tf.Tensor, ...args: never[]) => unknown;

/** Methods that call the tfjs-core op of the same name with the tensor as first argument. */
const SAME_NAME =
  'abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND batchNorm ' +
  'broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace ' +
  'depthwiseConv2d div divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv gather ' +
  'greater greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual localResponseNormalization log ' +
  'log1p logSigmoid logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum ' +
  'mean min minimum mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu ' +
  'relu6 reshape resizeBilinear resizeNearestNeighbor reverse rfft round rsqrt selu separableConv2d sigmoid sign ' +
  'sin sinh slice softmax softplus spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice ' +
  'sub sum tan tanh tile topk transpose unique unstack zerosLike';

function op(name: string): AnyFn | undefined {
  const ns = tf as unknown as Record<string, unknown> & { image: Record<string, unknown> };
  const fn = ns[name] ?? ns.image[name];
  return typeof fn === 'function' ? (fn as AnyFn) : undefined;
}

function methods(): Record<string, Method> {
  const out: Record<string, Method> = {};
  for (const name of SAME_NAME.split(' ')) {
    const fn = op(name);
    if (fn)
      out[name] = function (...args) {
        return fn(this, ...args);
      };
  }
  const reshape = (t: tf.Tensor, shape: number[]) => tf.reshape(t, shape);
  Object.assign(out, {
    flatten(this: tf.Tensor) {
      return reshape(this, [this.size]);
    },
    as1D(this: tf.Tensor) {
      return reshape(this, [this.size]);
    },
    as2D(this: tf.Tensor, ...s: number[]) {
      return reshape(this, s.slice(0, 2));
    },
    as3D(this: tf.Tensor, ...s: number[]) {
      return reshape(this, s.slice(0, 3));
    },
    as4D(this: tf.Tensor, ...s: number[]) {
      return reshape(this, s.slice(0, 4));
    },
    as5D(this: tf.Tensor, ...s: number[]) {
      return reshape(this, s.slice(0, 5));
    },
    asScalar(this: tf.Tensor) {
      if (this.size !== 1) throw new Error('The array must have only 1 element.');
      return reshape(this, []);
    },
    asType(this: tf.Tensor, dtype: tf.DataType) {
      return tf.cast(this, dtype);
    },
    toBool(this: tf.Tensor) {
      return tf.cast(this, 'bool');
    },
    toFloat(this: tf.Tensor) {
      return tf.cast(this, 'float32');
    },
    toInt(this: tf.Tensor) {
      return tf.cast(this, 'int32');
    },
    reshapeAs(this: tf.Tensor, x: tf.Tensor) {
      return reshape(this, x.shape);
    },
    concat(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
      return tf.concat([this, ...(x instanceof tf.Tensor ? [x] : x)], axis);
    },
    stack(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
      return tf.stack([this, ...(x instanceof tf.Tensor ? [x] : x)], axis);
    },
    where(this: tf.Tensor, condition: tf.Tensor, x: tf.Tensor) {
      return tf.where(condition, this, x);
    },
  } satisfies Record<string, Method>);
  return out;
}

/**
 * Adds tfjs's chained tensor methods (`t.flatten()`, `t.stridedSlice(...)`, `t.add(b)`, ...) that are missing.
 * `@tensorflow/tfjs` registers them on import, but `@tensorflow/tfjs-core` alone does not, and tfjs-layers calls
 * some of them: with only tfjs-core + tfjs-layers installed, the orthogonal initializer (an LSTM's default
 * recurrent initializer) fails with `rMat.flatten is not a function`. Methods already present are kept.
 * `initRuntime()` calls this; returns the names it added.
 */
export function registerChainedOps(): string[] {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const added: string[] = [];
  for (const [name, fn] of Object.entries(methods())) {
    if (typeof proto[name] === 'function') continue;
    Object.defineProperty(proto, name, {
      value: function (this: tf.Tensor, ...args: unknown[]) {
        (this as unknown as { throwIfDisposed(): void }).throwIfDisposed();
        return fn.apply(this, args as never[]);
      },
      writable: true,
      configurable: true,
    });
    added.push(name);
  }
  return added;
}
