import { createRandom, getRandomState, type RandomSource, setRandomState } from '@betterdl/runtime';
import { shuffleLikeTfjs } from './tfjs-internals';

/** The draws that make tfjs's shuffle turn `0..n-1` into `target`. */
function drawsFor(target: number[]): number[] {
  const n = target.length;
  const arr = Array.from({ length: n }, (_, i) => i);
  const pos = Array.from({ length: n }, (_, i) => i);
  const draws: number[] = [];
  for (let c = n; c > 0; c--) {
    const want = target[c - 1] as number;
    const j = pos[want] as number;
    draws.push((j + 0.5) / c);
    const moved = arr[c - 1] as number;
    arr[c - 1] = want;
    arr[j] = moved;
    pos[want] = c - 1;
    pos[moved] = j;
  }
  return draws;
}

/**
 * Follows the order of `fit`'s training samples across epochs. tfjs shuffles one index array in place every
 * epoch, so the order of epoch k depends on all earlier shuffles; a resumed `fit` starts again from `0..n-1`.
 * With a seeded run this tracker predicts each epoch's order from the generator's state just before the
 * shuffle, and, after a resume, feeds that one shuffle the draws that recreate the order the uninterrupted run
 * would have had, then hands `Math.random` back to the seeded generator at the state it would have reached.
 */
export class ShuffleTracker {
  order: number[];
  private replay = false;

  constructor(n: number, saved?: number[] | null) {
    this.order = saved && saved.length === n ? saved.slice() : Array.from({ length: n }, (_, i) => i);
    this.replay = !!saved && saved.length === n;
  }

  /** Call at epoch begin, just before `fit` shuffles. Returns false when the run is not seeded. */
  beforeShuffle(): boolean {
    const saved = getRandomState();
    if (!saved) return false;
    const gen: RandomSource = createRandom(saved.seed);
    gen.setState(saved.state);
    const next = this.order.slice();
    shuffleLikeTfjs(next, gen);
    if (this.replay) {
      this.replay = false;
      const draws = drawsFor(next);
      setRandomState({ seed: saved.seed, state: gen.getState() });
      const seeded = Math.random;
      let i = 0;
      const feeder = () => {
        if (i < draws.length) return draws[i++] as number;
        Math.random = seeded;
        return seeded();
      };
      Math.random = feeder;
      this.release = () => {
        if (Math.random === feeder) Math.random = seeded;
      };
    }
    this.order = next;
    return true;
  }

  /** Puts the seeded generator back if the replayed shuffle did not consume every draw. */
  release: () => void = () => {};
}
