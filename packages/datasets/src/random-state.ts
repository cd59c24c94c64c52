import { BetterDLError } from '@betterdl/runtime';

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const BRAND = Symbol.for('betterdl.datasets.RandomState');

/**
 * A port of numpy's legacy `RandomState` (MT19937 with numpy's integer seeding, `random_sample`, the
 * cached polar Box–Muller `standard_normal`, masked-rejection `randint` and Fisher–Yates `shuffle`).
 * Seeded with the same integer, it draws the same numbers as `numpy.random.RandomState(seed)`, which is what
 * scikit-learn's `random_state=<int>` uses, so the toy data sets here match scikit-learn's exactly.
 */
export class RandomState {
  /**
   * `instanceof RandomState` holds for a `RandomState` made by any copy of this package in the process (ESM or
   * CommonJS build, main or `/node` entry): instances carry a `Symbol.for` brand that the check reads.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /** @param seed An integer in [0, 2^32 − 1], like numpy's `RandomState(seed)`. */
  constructor(seed: number) {
    Object.defineProperty(this, BRAND, { value: true });
    this.seed(seed);
  }

  /** Re-seeds the generator (numpy's `init_genrand`) and clears the cached normal. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `RandomState: seed must be an integer in [0, 4294967295] like numpy's, got ${String(seed)}.`,
      );
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] as number;
      mt[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  private regenerate(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = ((mt[i] as number) & UPPER) | ((mt[i + 1] as number) & LOWER);
      mt[i] = (mt[i + M] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = ((mt[i] as number) & UPPER) | ((mt[i + 1] as number) & LOWER);
      mt[i] = (mt[i + M - N] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = ((mt[N - 1] as number) & UPPER) | ((mt[0] as number) & LOWER);
    mt[N - 1] = (mt[M - 1] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** The next raw 32-bit word, as an unsigned integer. */
  nextUint32(): number {
    if (this.pos >= N) this.regenerate();
    let y = this.mt[this.pos++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits (numpy's `random_sample`). */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `low + (high − low) · randomSample()` (numpy's `uniform`). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.randomSample();
  }

  /** A standard normal draw (numpy's legacy polar method; every second value comes from a cache). */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `loc + scale · standardNormal()` (numpy's `normal`). */
  normal(loc = 0, scale = 1): number {
    return loc + scale * this.standardNormal();
  }

  /** An integer in [0, max] by masked rejection (numpy's `random_interval`), for max < 2^32. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /**
   * An integer in [low, high) (numpy's legacy `randint`); with one argument, in [0, low).
   * Ranges up to 2^32 are supported.
   */
  randint(low: number, high?: number): number {
    const lo = high === undefined ? 0 : low;
    const hi = high === undefined ? low : high;
    const range = hi - 1 - lo;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || range < 0 || range > 0xffffffff) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `RandomState.randint: need integers low < high with high - low <= 2^32, got [${lo}, ${hi}).`,
      );
    }
    if (range === 0xffffffff) return lo + this.nextUint32();
    return lo + this.interval(range);
  }

  /** Shuffles `arr` in place like numpy's `shuffle` (Fisher–Yates from the end). */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  /** A shuffled `0..n-1` (numpy's `permutation(n)`). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}

/** What generators accept as `randomState`: a seed, a {@link RandomState} to draw from, or nothing. */
export type RandomStateLike = number | RandomState | null | undefined;

/**
 * scikit-learn's `check_random_state`: an integer gives a fresh {@link RandomState} seeded with it, a
 * `RandomState` is used as is, and `undefined`/`null` seeds one from `Math.random` (which
 * `@betterdl/runtime`'s `setSeed` makes reproducible).
 */
export function checkRandomState(randomState: RandomStateLike, fn = 'randomState'): RandomState {
  if (randomState instanceof RandomState) return randomState;
  if (randomState === undefined || randomState === null) {
    return new RandomState(Math.floor(Math.random() * 4294967296));
  }
  if (!Number.isInteger(randomState) || randomState < 0 || randomState > 0xffffffff) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${fn}: randomState must be an integer in [0, 4294967295] or a RandomState, got ${String(randomState)}.`,
    );
  }
  return new RandomState(randomState);
}
