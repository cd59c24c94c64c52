// `pnpm bench gpu`: training samples/s of the Fashion-MNIST MLP (784-1000-10) and CNN (conv16-pool-conv32-pool-
// dense10), Adam, batch 128, on every GPU backend this machine can start — WebGPU through Dawn in Node
// (`webgpu` + `@tensorflow/tfjs-backend-webgpu`), tfjs-node-gpu (CUDA) — against tfjs wasm with
// @betterdl/runtime's kernel fixes and PyTorch CPU, all in this one run, each variant in its own process.
// Every row names its device; a software adapter (SwiftShader here, when Dawn finds no GPU) is marked
// "not a GPU measurement": it proves the code path, not the speed. The tfjs variants first fit one batch so
// that shader compilation is not timed. Someone with a real GPU: run it and paste the table back.
// `pnpm bench gpu [--mlp-train=4096] [--cnn-train=1024] [--epochs=1]`
import * as tf from '@tensorflow/tfjs-core';
import { initRuntime, type RuntimeInfo, setSeed } from '../packages/runtime/src/index';
import { fashionCnn, fashionMlp } from '../scripts/fixtures/models';
import { useSwiftShaderVulkan } from '../scripts/test-support/swiftshader';
import {
  childVariant,
  fashionMnist,
  numArg,
  printTable,
  type Row,
  ratio,
  report,
  runTfjsChild,
  runTorch,
  save,
} from './python/harness';

const MLP_TRAIN = numArg('mlp-train', 4096);
const CNN_TRAIN = numArg('cnn-train', 1024);
const EPOCHS = numArg('epochs', 1);

/** `--child <backend>:<model>[:swiftshader]`: one workload on one backend, one JSON line. */
async function child(variant: string): Promise<void> {
  const [backend, model, software] = variant.split(':') as [string, 'mlp' | 'cnn', string?];
  if (software === 'swiftshader') {
    const vk = useSwiftShaderVulkan();
    if (!vk.ok) return report({ error: vk.reason });
  }
  let info: RuntimeInfo;
  try {
    info = await initRuntime({ backend, verbose: false });
  } catch (err) {
    return report({ error: (err as Error).message.replace(/^initRuntime: /, '').slice(0, 300) });
  }
  if (backend === 'tensorflow' && !info.gpu)
    return report({ error: 'tfjs-node-gpu not installed (tfjs-node is)' });
  setSeed(0);
  const n = model === 'mlp' ? MLP_TRAIN : CNN_TRAIN;
  const tr = await fashionMnist('train', n);
  const x = model === 'mlp' ? tf.tensor2d(tr.x, [tr.n, 784]) : tf.tensor4d(tr.x, [tr.n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(tr.y, 'int32'), 10);
  const m = model === 'mlp' ? fashionMlp() : fashionCnn();
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const [wx, wy] = [tf.slice(x, 0, 128), tf.slice(y, 0, 128)];
  await m.fit(wx, wy, { epochs: 1, batchSize: 128, verbose: 0 }); // compile shaders / warm up, untimed
  tf.dispose([wx, wy]);
  const t0 = performance.now();
  const h = await m.fit(x, y, { epochs: EPOCHS, batchSize: 128, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  report({
    samplesPerSec: (tr.n * EPOCHS) / seconds,
    seconds,
    finalLoss: (h.history.loss as number[]).at(-1) ?? null,
    device: `${info.device.description}${info.device.software ? ' (software)' : ''}`,
    software: info.device.software,
  });
}

function parent(): void {
  console.log(
    `GPU benchmark: Fashion-MNIST MLP (${MLP_TRAIN} samples) and CNN (${CNN_TRAIN} samples), Adam, batch 128, ` +
      `${EPOCHS} epoch(s), samples/s after one untimed warm-up batch`,
  );
  const file = new URL(import.meta.url).pathname;
  const results: Record<string, unknown> = {};
  for (const model of ['mlp', 'cnn'] as const) {
    const train = model === 'mlp' ? MLP_TRAIN : CNN_TRAIN;
    const args = [`--mlp-train=${MLP_TRAIN}`, `--cnn-train=${CNN_TRAIN}`, `--epochs=${EPOCHS}`];
    const rows: Record<string, Row> = {};
    let webgpu = runTfjsChild(file, `webgpu:${model}`, args);
    if (webgpu.error) {
      // no GPU Dawn can use: run the same code path on SwiftShader so the table still has a WebGPU row
      const sw = runTfjsChild(file, `webgpu:${model}:swiftshader`, args);
      webgpu = sw.error ? webgpu : { ...sw, note: `no GPU for Dawn (${String(webgpu.error).slice(0, 80)})` };
    }
    rows['tfjs webgpu (Dawn, Node)'] = webgpu;
    rows['tfjs-node-gpu (CUDA)'] = runTfjsChild(file, `tensorflow:${model}`, args);
    rows['tfjs wasm + betterdl'] = runTfjsChild(file, `wasm:${model}`, args);
    const torchArgs = [`--train=${train}`, `--epochs=${EPOCHS}`];
    rows['PyTorch CPU, 1 thread'] = { ...runTorch(`${model}.py`, 1, torchArgs), device: 'CPU' };
    rows['PyTorch CPU, 2 threads'] = { ...runTorch(`${model}.py`, 2, torchArgs), device: 'CPU' };
    const wasm = rows['tfjs wasm + betterdl']?.samplesPerSec;
    for (const r of Object.values(rows)) {
      r.vsWasm = ratio(r.samplesPerSec, wasm);
      if (r.software === true)
        r.note = `not a GPU measurement (software adapter)${r.note ? `; ${r.note}` : ''}`;
      delete r.testAccuracy;
      delete r.trainSamples;
    }
    console.log(`\n${model.toUpperCase()}`);
    printTable(rows, ['samplesPerSec', 'vsWasm', 'device', 'note']);
    results[model] = { train, rows };
  }
  const anySoftware = Object.values(results).some((m) =>
    Object.values((m as { rows: Record<string, Row> }).rows).some((r) => r.software === true),
  );
  if (anySoftware) {
    console.log(
      '\nA software adapter (SwiftShader) is a CPU emulating a GPU: its rows show that the WebGPU code path ' +
        'trains, not how fast a GPU is. Not a GPU measurement.',
    );
  }
  save('gpu', { epochs: EPOCHS, ...results });
}

const v = childVariant();
if (v) await child(v);
else parent();
