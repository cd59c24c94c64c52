// The lessons that have a Run panel: the seven course lessons and the cookbook recipes that train in seconds
// in a page. Each entry loads the lesson's own examples/<name>/lesson.ts — the file `pnpm example <name>`
// runs in Node and the page shows — into the worker.
import type { Lesson } from '../../examples/_shared/host';

/** A lesson the page can run. */
export interface LiveLesson {
  /** What the Run panel calls it. */
  title: string;
  /** Loads the lesson's training code. */
  load: () => Promise<{ lesson: Lesson }>;
}

/** Every lesson with a Run panel, by its example's directory name. */
export const LIVE_LESSONS: Record<string, LiveLesson> = {
  '01-diagnose': {
    title: 'Lesson 1: problems of learning, generalisation and prediction',
    load: () => import('../../examples/01-diagnose/lesson'),
  },
  '02-batch-size': {
    title: 'Lesson 2: batch vs mini-batch vs stochastic gradient descent',
    load: () => import('../../examples/02-batch-size/lesson'),
  },
  '03-reduce-lr-on-plateau': {
    title: 'Lesson 3: with and without ReduceLROnPlateau',
    load: () => import('../../examples/03-reduce-lr-on-plateau/lesson'),
  },
  '04-batch-norm': {
    title: 'Lesson 4: with and without batch normalisation',
    load: () => import('../../examples/04-batch-norm/lesson'),
  },
  '05-weight-decay': {
    title: 'Lesson 5: with and without L2 weight regularisation',
    load: () => import('../../examples/05-weight-decay/lesson'),
  },
  '06-gaussian-noise': {
    title: 'Lesson 6: with and without Gaussian noise',
    load: () => import('../../examples/06-gaussian-noise/lesson'),
  },
  '07-early-stopping': {
    title: 'Lesson 7: with and without early stopping',
    load: () => import('../../examples/07-early-stopping/lesson'),
  },
  '10-cookbook-batch-size': {
    title: 'Cookbook: batch size 32 vs half the training set',
    load: () => import('../../examples/10-cookbook-batch-size/lesson'),
  },
  '12-cookbook-learning-rates': {
    title: 'Cookbook: Adam at four learning rates',
    load: () => import('../../examples/12-cookbook-learning-rates/lesson'),
  },
  '13-cookbook-optimizers': {
    title: 'Cookbook: six optimizers',
    load: () => import('../../examples/13-cookbook-optimizers/lesson'),
  },
};
