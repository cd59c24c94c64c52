import { checkArgument } from './validate';

/** A seeded source of uniform numbers in [0, 1), like `Math.random`, whose state can be saved and restored. */
export interface RandomSource {
  (): number;
  /** The generator's current state (four 32-bit words): save it to resume a run later. */
  getState(): number[];
  /** Restores a state from {@link RandomSource.getState}. */
  setState(state: readonly number[]): void;
}

/**
 * sfc32 seeded through splitmix32: fast, 128-bit state, and statistically sound enough for weight
 * initialisation, dropout masks and shuffling.
 */
export function createRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  return Object.assign(next, {
    getState: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
    setState: (st: readonly number[]) => {
      checkArgument(
        Array.isArray(st) &&
          st.length === 4 &&
          st.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff),
        'RandomSource.setState',
        'expected the four 32-bit words returned by getState().',
      );
      [a, b, c, d] = st.map((w) => w | 0) as [number, number, number, number];
    },
  });
}

const STATE = Symbol.for('betterdl.seed-state');
interface SeedState {
  original: () => number;
  seed: number | null;
  source: RandomSource | null;
}
function state(): SeedState {
  const g = globalThis as unknown as Record<symbol, SeedState | undefined>;
  let s = g[STATE];
  if (!s) {
    s = { original: Math.random, seed: null, source: null };
    g[STATE] = s;
  }
  return s;
}

/**
 * Makes a run reproducible. tfjs draws every unseeded random number — weight initialisers, dropout,
 * Gaussian noise, `fit`'s shuffling — from `Math.random`; `setSeed(n)` replaces it with a generator seeded
 * by `n`, so two runs started after the same `setSeed(n)` draw the same numbers on cpu and wasm.
 * `setSeed(null)` restores the original `Math.random`. Call it again before each run you want repeated.
 *
 * @param seed An integer in [0, 2^32), or `null` to undo.
 */
export function setSeed(seed: number | null): void {
  const s = state();
  if (seed === null) {
    Math.random = s.original;
    s.seed = null;
    s.source = null;
    return;
  }
  checkArgument(
    Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff,
    'setSeed',
    `seed must be an integer in [0, 4294967295], got ${String(seed)}. Pass e.g. setSeed(42).`,
  );
  s.source = createRandom(seed);
  Math.random = s.source;
  s.seed = seed;
}

/**
 * The state of the seeded generator installed by {@link setSeed}, or `null` when runs are not seeded.
 * Save it with a checkpoint and pass it to {@link setRandomState} to resume a run exactly where it stopped.
 */
export function getRandomState(): { seed: number; state: number[] } | null {
  const s = state();
  return s.source && s.seed !== null ? { seed: s.seed, state: s.source.getState() } : null;
}

/** Re-installs a seeded generator at a state saved by {@link getRandomState}. */
export function setRandomState(saved: { seed: number; state: readonly number[] }): void {
  setSeed(saved.seed);
  state().source?.setState(saved.state);
}

/** The seed last given to {@link setSeed}, or `null` when runs are not seeded. */
export function getSeed(): number | null {
  return state().seed;
}
