// Proof that a user can add betterdl to an existing tfjs project: pack every package, install the tarballs
// into a fresh project that depends only on @tensorflow/tfjs from npm, and train from ESM and CommonJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'betterdl-proof-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const names = readdirSync(join(root, 'packages'));
for (const name of names) run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', name));
const files = readdirSync(tarballs).map((f) => join(tarballs, f));
console.log(`packed ${files.length} packages`);

const app = join(work, 'app');
mkdirSync(app);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'existing-tfjs-app', private: true, version: '1.0.0' }),
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '@tensorflow/tfjs@^4.22.0'], app);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], app);

const body = (imp) => `${imp}
const info = await initRuntime({ seed: 1 });
if (info.backend !== 'wasm') throw new Error('expected wasm, got ' + info.backend);
if (tf.getBackend() !== info.backend) throw new Error('the app tfjs and betterdl use different engines: ' + tf.getBackend());
if (info.tfjs.duplicated) throw new Error('two tfjs-core copies: ' + JSON.stringify(info.tfjs.copies));
const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const x = tf.randomUniform([64, 2], -1, 1);
const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32');
const h = await model.fit(x, y, { epochs: 3, verbose: 0 });
for (const m of modules) if (Object.keys(m).length === 0) throw new Error('an entry exported nothing');
console.log(kind, 'ok:', info.summary, '| final loss', h.history.loss.at(-1).toFixed(4));
`;
const specs = names.flatMap((n) => [`@betterdl/${n}`, `@betterdl/${n}/node`]);
writeFileSync(
  join(app, 'esm.mjs'),
  body(`import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '@betterdl/runtime';
const kind = 'ESM';
const modules = await Promise.all(${JSON.stringify(specs)}.map((s) => import(s)));`),
);
writeFileSync(
  join(app, 'cjs.cjs'),
  `(async () => {
${body(`const tf = require('@tensorflow/tfjs');
const { initRuntime } = require('@betterdl/runtime');
const kind = 'CJS';
const modules = ${JSON.stringify(specs)}.map((s) => require(s));`)}
})().catch((e) => { console.error(e); process.exit(1); });
`,
);
process.stdout.write(run('node', ['esm.mjs'], app));
process.stdout.write(run('node', ['cjs.cjs'], app));
if (!process.env.KEEP_PROOF) rmSync(work, { recursive: true, force: true });
console.log('pack-and-install proof passed (ESM + CJS)');
