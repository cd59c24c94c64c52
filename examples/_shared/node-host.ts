// The Node host of the lessons (see host.ts): output lines on the terminal, the figure saved as curves.svg and
// curves.png and result.json written into the output folder, the images read from disk (data.ts). What
// `pnpm example <name>` and `pnpm start` run.
import { saveFigure } from '@betterdl/diagnostics/node';
import { loadDigits } from './data';
import type { Lesson, LessonHost, LessonRun } from './host';
import { type ExampleRun, startExample, writeLessonResult } from './lesson';

/** The host of a lesson run in Node: console, files under `run.out`, data from disk or the download cache. */
export function nodeHost(run: ExampleRun): LessonHost {
  return {
    log: (line) => console.log(line),
    async figure(spec) {
      const figure = await saveFigure(spec, `${run.out}/curves`, { formats: ['svg', 'png'], scale: 1 });
      console.log(`figure: ${figure.png ?? figure.svg}`);
      return figure;
    },
    async result(summary) {
      await writeLessonResult(run, summary);
    },
    loadDigits: (options) => loadDigits(options),
  };
}

/** Reads the run's settings, initialises the runtime with its seed, and runs `lesson` with the Node host. */
export async function runLesson(example: string, lesson: Lesson): Promise<LessonRun> {
  const started = await startExample(example);
  const run = { ...started, host: nodeHost(started) };
  await lesson(run);
  return run;
}
