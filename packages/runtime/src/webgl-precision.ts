import * as tf from '@tensorflow/tfjs-core';

const FIXED = Symbol.for('betterdl.webgl-float32-epsilon');

/**
 * tfjs-backend-webgl 4.x reports float16 precision — `epsilon()` 1e-4 instead of 1e-7 — exactly when it
 * computes in float32 (`WEBGL_RENDER_FLOAT32_ENABLED`): its `floatPrecision()` only tests for float32 when
 * float32 rendering is *disabled*. Optimizers take their default epsilon from the backend, so Adam, RMSProp,
 * Adagrad and Adadelta trained on WebGL with an epsilon 1000× larger than on every other backend (RMSProp's
 * losses differed from cpu's by 0.4 % after two epochs). When float32 rendering is on, this makes the
 * backend report what it computes in: 32 bits, epsilon 1e-7. Uses only the backend's public methods.
 */
export function fixWebGlFloatPrecision(backend: object): void {
  const b = backend as { floatPrecision(): 16 | 32; epsilon(): number; [FIXED]?: boolean };
  if (b[FIXED] || !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) return;
  b.floatPrecision = () => 32;
  b.epsilon = () => 1e-7;
  b[FIXED] = true;
}
