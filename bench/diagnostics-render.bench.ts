// Rendering 10 runs x 4000 epochs (loss, val_loss, acc, val_acc) as learning curves: spec building (with
// downsampling for drawing) and SVG rendering, then PNG rasterising. Target: spec + SVG under 1 s.
// `pnpm bench diagnostics-render [--rounds=5]`
import { learningCurves, toSvg } from '../packages/diagnostics/src/index';
import { svgToPng } from '../packages/diagnostics/src/node';
import { numArg, save } from './python/harness';

const ROUNDS = numArg('rounds', 5);
const EPOCHS = 4000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const curve = (f: (i: number) => number) =>
  Array.from({ length: EPOCHS }, (_, i) => f(i) + 0.01 * Math.sin(i * 1.7));
const runs = Object.fromEntries(
  Array.from({ length: 10 }, (_, r) => [
    `run ${r + 1}`,
    {
      loss: curve((i) => 0.7 * Math.exp(-i / (200 + 50 * r)) + 0.02 * r),
      val_loss: curve((i) => 0.7 * Math.exp(-i / (200 + 50 * r)) + 0.1 + (i / EPOCHS) * 0.05 * r),
      acc: curve((i) => 1 - 0.5 * Math.exp(-i / (200 + 50 * r))),
      val_acc: curve((i) => 0.9 - 0.4 * Math.exp(-i / (200 + 50 * r))),
    },
  ]),
);

const t0 = performance.now();
await toSvg(learningCurves(runs));
const firstMs = performance.now() - t0;
const specMs: number[] = [];
const svgMs: number[] = [];
const pngMs: number[] = [];
let points = 0;
for (let r = 0; r < ROUNDS; r++) {
  const a = performance.now();
  const spec = learningCurves(runs);
  const b = performance.now();
  const svg = await toSvg(spec);
  const c = performance.now();
  await svgToPng(svg);
  const d = performance.now();
  specMs.push(b - a);
  svgMs.push(c - b);
  pngMs.push(d - c);
  points = (spec.data as { values: unknown[] }).values.length;
}
const total = median(specMs.map((s, i) => s + (svgMs[i] as number)));
console.log(`10 runs x ${EPOCHS} epochs x 4 curves = ${10 * 4 * EPOCHS} values, ${points} drawn points`);
console.log(`first call (loads vega): ${firstMs.toFixed(0)} ms`);
console.log(
  `spec ${median(specMs).toFixed(1)} ms + SVG ${median(svgMs).toFixed(0)} ms = ${total.toFixed(0)} ms (target < 1000 ms)`,
);
console.log(`PNG rasterising (2x): ${median(pngMs).toFixed(0)} ms`);
save('diagnostics-render', {
  runs: 10,
  epochs: EPOCHS,
  values: 10 * 4 * EPOCHS,
  drawnPoints: points,
  firstCallMs: firstMs,
  specMs,
  svgMs,
  pngMs,
  medianSpecPlusSvgMs: total,
  targetMs: 1000,
  pass: total < 1000,
});
