// Proof that a user can add betterdl to an existing tfjs project: a fresh project that depends only on
// @tensorflow/tfjs from npm gets every package, trains from ESM and CommonJS, and type-checks a consumer under
// every TypeScript module resolution (node10, node16 CJS + ESM, nodenext, bundler).
//   node scripts/pack-install-proof.mjs                   packs every package and installs the tarballs
//   node scripts/pack-install-proof.mjs --registry <url>  installs @betterdl/<name>@^<version> by version from
//                                                         that registry (CI: Verdaccio, see registry-proof.mjs)
// npm runs on the `node` first on PATH; an EBADENGINE warning fails the proof.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const registryArg = process.argv.indexOf('--registry');
const registry = registryArg < 0 ? undefined : process.argv[registryArg + 1];
const work = mkdtempSync(join(tmpdir(), 'betterdl-proof-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const nodeVersion = run('node', ['--version'], work).trim();

const names = readdirSync(join(root, 'packages'));
let installSpecs;
if (registry) {
  installSpecs = names.map((n) => {
    const { name, version } = JSON.parse(readFileSync(join(root, 'packages', n, 'package.json'), 'utf8'));
    return `${name}@^${version}`;
  });
  console.log(`installing by version from ${registry}: ${installSpecs.join(' ')}`);
} else {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const name of names)
    run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', name));
  installSpecs = readdirSync(tarballs).map((f) => join(tarballs, f));
  console.log(`packed ${installSpecs.length} packages`);
}

const app = join(work, 'app');
mkdirSync(app);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'existing-tfjs-app', private: true, version: '1.0.0' }),
);
const npmFlags = [
  '--no-audit',
  '--no-fund',
  '--loglevel=warn',
  // a fresh cache, so a registry install cannot be served by an older tarball of the same version
  ...(registry ? ['--registry', registry, '--cache', join(work, 'npm-cache')] : []),
];
function npmInstall(specs) {
  const r = spawnSync('npm', ['install', ...npmFlags, ...specs], { cwd: app, encoding: 'utf8' });
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed (${r.status})`);
  if (/EBADENGINE/.test(r.stderr)) throw new Error(`npm install on Node ${nodeVersion} warned EBADENGINE`);
}
npmInstall(['@tensorflow/tfjs@^4.22.0']);
npmInstall(installSpecs);

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

// TypeScript: every entry resolves with its types under each module resolution a consumer may use.
npmInstall(['typescript@~5.9.2', '@types/node@^20.19.0']);
const typed = (imp) => `${imp}
const runtimeInfo: Promise<{ backend: string; summary: string }> = initRuntime({ seed: 1 });
export const entries: number[] = [${names.flatMap((_, i) => [`Object.keys(m${i})`, `Object.keys(n${i})`]).join(', ')}].map((k) => k.length);
export { runtimeInfo };
`;
const esmImports = names
  .flatMap((n, i) => [
    `import * as m${i} from '@betterdl/${n}';`,
    `import * as n${i} from '@betterdl/${n}/node';`,
  ])
  .concat("import { initRuntime } from '@betterdl/runtime';")
  .join('\n');
const cjsImports = names
  .flatMap((n, i) => [
    `import m${i} = require('@betterdl/${n}');`,
    `import n${i} = require('@betterdl/${n}/node');`,
  ])
  .concat("import { initRuntime } from '@betterdl/runtime';")
  .join('\n');
for (const [file, text] of [
  ['consumer.ts', typed(esmImports)],
  ['consumer.mts', typed(esmImports)],
  ['consumer.cts', typed(cjsImports)],
])
  writeFileSync(join(app, file), text);
const modes = {
  node10: { module: 'commonjs', moduleResolution: 'node10', files: ['consumer.ts'] },
  'node16 (CJS)': { module: 'node16', moduleResolution: 'node16', files: ['consumer.cts'] },
  'node16 (ESM)': { module: 'node16', moduleResolution: 'node16', files: ['consumer.mts'] },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', files: ['consumer.mts', 'consumer.cts'] },
  bundler: { module: 'esnext', moduleResolution: 'bundler', files: ['consumer.ts'] },
};
for (const [mode, { files, ...options }] of Object.entries(modes)) {
  const tsconfig = join(app, `tsconfig.${mode.replace(/\W+/g, '-')}.json`);
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        ...options,
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files,
    }),
  );
  run('node', [join(app, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], app);
  console.log(`TypeScript ${mode}: every entry resolves with types`);
}
// One program mixing the entries (and the ESM and CommonJS builds): every export both entries have is the same
// object, and state made through one works through the other.
const overrides = { callbacks: ['modelCheckpoint'], datasets: ['loadCsv'], transfer: ['loadPretrained'] };
const mixed = (kind, load) => `
const names = ${JSON.stringify(names)};
const overrides = ${JSON.stringify(overrides)};
const fail = (msg) => { throw new Error('${kind}: ' + msg); };
for (const n of names) {
  const main = ${load}('@betterdl/' + n);
  const node = ${load}('@betterdl/' + n + '/node');
  for (const [k, v] of Object.entries(main)) {
    if ((overrides[n] ?? []).includes(k)) {
      if (typeof node[k] !== 'function' || node[k] === v) fail(n + '/node ' + k + ' should be the Node superset');
    } else if (node[k] !== v) fail('@betterdl/' + n + ' and @betterdl/' + n + '/node export different ' + k);
  }
}
`;
const crossState = `
const tf = require('@tensorflow/tfjs');
const rt = { esm: await import('@betterdl/runtime'), cjs: require('@betterdl/runtime/node') };
const tr = { esm: await import('@betterdl/transfer'), cjs: require('@betterdl/transfer/node'), esmNode: await import('@betterdl/transfer/node') };
const ds = { esm: await import('@betterdl/datasets'), esmNode: await import('@betterdl/datasets/node'), cjs: require('@betterdl/datasets'), cjsNode: require('@betterdl/datasets/node') };
await rt.esm.initRuntime({ backend: 'cpu', verbose: false });
const failCross = (msg) => { throw new Error('cross-entry: ' + msg); };

// Seeding: set through one entry and format, read and drawn through the others.
rt.esm.setSeed(7);
if (rt.cjs.getSeed() !== 7) failCross('getSeed() from the CJS /node entry does not see setSeed(7) from the ESM main entry');
const a = [Math.random(), Math.random()];
rt.cjs.setSeed(7);
const b = [Math.random(), Math.random()];
if (a.join() !== b.join()) failCross('setSeed(7) through two entries draws different numbers');
if (JSON.stringify(rt.esm.getRandomState()) !== JSON.stringify(rt.cjs.getRandomState())) failCross('getRandomState differs across entries');

// RandomState made by any copy is a RandomState for every copy.
for (const [from, lib] of Object.entries(ds)) {
  const r = new lib.RandomState(3);
  for (const [to, other] of Object.entries(ds)) {
    if (!(r instanceof other.RandomState)) failCross('a RandomState from ' + from + ' is not instanceof the one of ' + to);
    const d = other.makeCircles({ nSamples: 8, randomState: r });
    d.x.dispose(); d.y.dispose();
  }
}

// The head registry: attachHead from one entry, fineTune from another.
for (const [from, to] of [['esm', 'esmNode'], ['esm', 'cjs'], ['cjs', 'esm']]) {
  const base = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu' })] });
  const model = tr[from].attachHead(base, { classes: 2 });
  if (tr[to].headLayersOf(model)?.length !== tr[from].headLayersOf(model)?.length) failCross('headLayersOf differs across entries');
  const x = tf.randomUniform([16, 4]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
  await tr[to].fineTune(model, { x, y }, { warmup: { epochs: 1, lr: 0.01 }, unfreeze: { epochs: 1, lr: 0.001 } });
  x.dispose(); y.dispose(); model.dispose();
}
console.log('cross-entry ok: seeding, RandomState and the head registry work across entries and module formats');
`;
writeFileSync(
  join(app, 'mixed.mjs'),
  `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
${mixed('ESM', 'await import')}
${crossState}
console.log('ESM entries: every shared export is the same object');`,
);
writeFileSync(
  join(app, 'mixed.cjs'),
  `(async () => {
${mixed('CJS', 'require')}
console.log('CJS entries: every shared export is the same object');
})().catch((e) => { console.error(e); process.exit(1); });
`,
);
// No backend registered (only tfjs-core is loaded): the first betterdl call that makes tensors says what to do.
const noBackend = (imp) => `${imp}
try {
  makeCircles({ nSamples: 10 });
  throw new Error('makeCircles without a backend did not throw');
} catch (e) {
  if (!isBetterDLError(e) || e.code !== 'BACKEND_UNAVAILABLE' || !/initRuntime\\(\\)/.test(e.message)) throw e;
  console.log('no backend: ' + e.message.split('.')[0]);
}`;
writeFileSync(
  join(app, 'no-backend.mjs'),
  noBackend(
    `import { makeCircles } from '@betterdl/datasets';\nimport { isBetterDLError } from '@betterdl/runtime';`,
  ),
);
writeFileSync(
  join(app, 'no-backend.cjs'),
  noBackend(
    `const { makeCircles } = require('@betterdl/datasets');\nconst { isBetterDLError } = require('@betterdl/runtime');`,
  ),
);
process.stdout.write(run('node', ['no-backend.mjs'], app));
process.stdout.write(run('node', ['no-backend.cjs'], app));
process.stdout.write(run('node', ['mixed.mjs'], app));
process.stdout.write(run('node', ['mixed.cjs'], app));
if (!process.env.KEEP_PROOF) rmSync(work, { recursive: true, force: true });
console.log(
  `${registry ? 'registry-install' : 'pack-and-install'} proof passed on Node ${nodeVersion} (ESM + CJS + TypeScript node10, node16, nodenext, bundler)`,
);
