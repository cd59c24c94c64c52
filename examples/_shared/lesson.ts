// Shared by every example (`pnpm example:copy` copies the files an example imports from here beside it): the
// convention of examples/README.md (quick mode, seed, output folder), the runtime start-up, and the one typed
// writer of result.json.
import { basename, join } from 'node:path';
import { initRuntime } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import type { LessonResult, VariantResult } from './host';

// The result.json format is typed once, in host.ts (the page's worker reports the same).
export type { LessonResult, VariantResult } from './host';

/** How an example runs: the three variables of examples/README.md, each with its default. */
export interface ExampleSettings {
  /** `BETTERDL_QUICK=1` or `--quick`: few epochs / a small subset, for CI. Defaults to false. */
  quick: boolean;
  /** `BETTERDL_SEED`: the seed of `initRuntime` and of every `setSeed`. Defaults to 1. */
  seed: number;
  /** `BETTERDL_OUT`: where figures and result.json go. Defaults to `reports/<example>`. */
  out: string;
}

/** Reads the settings of `example` from the environment and the command line. */
export function exampleSettings(
  example: string,
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv,
): ExampleSettings {
  return {
    quick: env.BETTERDL_QUICK === '1' || argv.includes('--quick'),
    seed: Number(env.BETTERDL_SEED ?? 1),
    out: env.BETTERDL_OUT ?? `reports/${example}`,
  };
}

/** A started example: its settings, the backend `initRuntime` chose and when it started. */
export interface ExampleRun extends ExampleSettings {
  example: string;
  backend: string;
  /** Whether betterdl's fast paths were on (`BETTERDL_FAST_PATHS=0` turns them off). */
  fastPaths: boolean;
  /** `performance.now()` when the run started. */
  t0: number;
}

/** Reads the settings and initialises the runtime with the seed (the first lines of every example). */
export async function startExample(example: string): Promise<ExampleRun> {
  const settings = exampleSettings(example);
  const { backend, fastPaths } = await initRuntime({ seed: settings.seed });
  return { example, ...settings, backend, fastPaths, t0: performance.now() };
}

/** Writes `value` as indented JSON to `<out>/result.json` (atomically) and returns the path. */
export async function writeResultJson(out: string, value: object): Promise<string> {
  const path = join(out, 'result.json');
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** Writes a course lesson's result.json: the run's settings and time, its variants, figure and takeaway. */
export function writeLessonResult(
  run: ExampleRun,
  lesson: {
    title: string;
    variants: VariantResult[];
    figure: { svg?: string; png?: string };
    takeaway: string;
  },
): Promise<string> {
  const result: LessonResult = {
    example: run.example,
    title: lesson.title,
    backend: run.backend,
    fastPaths: run.fastPaths,
    quick: run.quick,
    seed: run.seed,
    seconds: (performance.now() - run.t0) / 1000,
    variants: lesson.variants,
    figure: {
      svg: lesson.figure.svg && basename(lesson.figure.svg),
      png: lesson.figure.png && basename(lesson.figure.png),
    },
    takeaway: lesson.takeaway,
  };
  return writeResultJson(run.out, result);
}
