// Proof through a real registry: starts Verdaccio on 127.0.0.1 (a free port, storage in a temp dir, npmjs as the
// uplink for everything but @betterdl/*), publishes every package with the release script's publish step, then
// runs the install proof (scripts/pack-install-proof.mjs --registry) in fresh projects outside the repo: on this
// machine's Node and on each Node major given with --node (binaries from the npm package node@<major>).
//   node scripts/registry-proof.mjs [--node 22,24,26]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { nodeBin } from './node-bin.mjs';

const root = new URL('..', import.meta.url).pathname;
const nodeArg = process.argv.indexOf('--node');
const majors = nodeArg < 0 ? [] : process.argv[nodeArg + 1].split(',').filter(Boolean);
const work = mkdtempSync(join(tmpdir(), 'betterdl-registry-'));

const port = await new Promise((resolve, reject) => {
  const srv = createServer();
  srv.on('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const { port: p } = srv.address();
    srv.close(() => resolve(p));
  });
});
const url = `http://127.0.0.1:${port}/`;
writeFileSync(
  join(work, 'config.yaml'),
  `storage: ${join(work, 'storage')}
auth:
  htpasswd:
    file: ${join(work, 'htpasswd')}
    max_users: 10
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  '@betterdl/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    proxy: npmjs
log: { type: stdout, format: pretty, level: error }
`,
);
const verdaccio = spawn(
  join(root, 'node_modules/.bin/verdaccio'),
  ['--config', join(work, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
let exitCode = 1;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {}
    if (i > 300 || verdaccio.exitCode !== null) throw new Error('Verdaccio did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  // a user for publishing (Verdaccio's htpasswd plugin registers it on first login)
  const res = await fetch(`${url}-/user/org.couchdb.user:proof`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'proof', password: 'proof-password' }),
  });
  const { token } = await res.json();
  if (!token) throw new Error(`Verdaccio gave no token (${res.status})`);
  const npmrc = join(work, 'npmrc');
  writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=${token}\n`);
  console.log(`Verdaccio on ${url} (storage ${work}/storage)`);

  execFileSync('node', [join(root, 'scripts/release.mjs'), '--publish-only', '--registry', url], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_userconfig: npmrc },
  });

  const proof = (binDir) =>
    execFileSync('node', [join(root, 'scripts/pack-install-proof.mjs'), '--registry', url], {
      cwd: tmpdir(),
      stdio: 'inherit',
      env: { ...process.env, PATH: binDir ? `${binDir}${delimiter}${process.env.PATH}` : process.env.PATH },
    });
  proof(undefined);
  for (const major of majors) proof(nodeBin(major));
  exitCode = 0;
} catch (err) {
  console.error(`registry proof failed: ${err.message}`);
} finally {
  verdaccio.kill();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
