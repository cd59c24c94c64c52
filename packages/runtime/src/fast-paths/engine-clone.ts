import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { globalState } from '../global-state';
import { checkEngineClone, type EngineCloneInternals } from '../tfjs-internals';

/** Backends whose `Identity` kernel only shares the input's buffer (cpu) or whose buffers can be shared (wasm). */
const SHARING_BACKENDS = new Set(['cpu', 'wasm']);

const state = () =>
  globalState('runtime.engine-clone-fast-path', () => ({
    patched: null as { engine: EngineCloneInternals; original: EngineCloneInternals['clone'] } | null,
  }));

/**
 * The engine's `clone`, which keeps a copy of every tensor a gradient needs while a tape records (about a
 * quarter of a small model's kernels per training step), without running a kernel: on cpu and wasm the copy
 * shares the input's buffer by reference count, as cpu's own `Identity` kernel does. Tensors never change in
 * place, so sharing is invisible; the tape node and its gradient are the stock ones.
 */
function sharingClone(engine: EngineCloneInternals, original: EngineCloneInternals['clone']) {
  return function clone(this: EngineCloneInternals, x: Tensor): Tensor {
    if (!SHARING_BACKENDS.has(engine.backendName) || x.dtype === 'string') return original.call(this, x);
    const y = engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype });
    engine.backend.incRef(x.dataId);
    engine.addTapeNode(
      engine.state.activeScope?.name ?? '',
      { x },
      [y],
      (dy) => ({ x: () => tf.cast(dy, 'float32') }),
      [],
      {},
    );
    return y;
  };
}

/** Installs the kernel-free clone on tfjs-core's engine (once). */
export function applyEngineCloneFastPath(): void {
  const s = state();
  if (s.patched) return;
  const engine = checkEngineClone();
  const original = engine.clone;
  engine.clone = sharingClone(engine, original);
  s.patched = { engine, original };
}

/** Restores the engine's own `clone`. */
export function removeEngineCloneFastPath(): void {
  const s = state();
  if (s.patched) s.patched.engine.clone = s.patched.original;
  s.patched = null;
}
