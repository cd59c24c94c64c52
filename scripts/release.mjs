// `pnpm release`: version → build → package checks → publish, stopping at the first failure (RELEASING.md).
//   node scripts/release.mjs                     the real release to the npm registry of your npm config
//   node scripts/release.mjs --publish-only --registry http://127.0.0.1:4873/
//                                                only the publish step, to another registry (CI's Verdaccio)
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const registry = option('--registry');
const publishOnly = args.includes('--publish-only');
const unknown = args.filter(
  (a, i) => !['--registry', '--publish-only'].includes(a) && args[i - 1] !== '--registry',
);
if (unknown.length || (args.includes('--registry') && !registry)) {
  console.error(`release: unknown or incomplete options ${unknown.join(' ') || '--registry'}
usage: pnpm release [--publish-only] [--registry <url>]`);
  process.exit(2);
}

const run = (cmd, cmdArgs, opts = {}) => {
  console.log(`$ ${cmd} ${cmdArgs.join(' ')}`);
  return execFileSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
};
const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
const step = (n, what) => console.log(`\n=== release ${n}/4: ${what}`);

if (!publishOnly) {
  step(1, 'version (pnpm changeset version)');
  if (git('status', '--porcelain')) {
    console.error('release: commit or stash your changes first; the version bump is committed on its own');
    process.exit(1);
  }
  run('pnpm', ['changeset', 'version']);
  if (git('status', '--porcelain')) {
    run('pnpm', ['install', '--lockfile-only']);
    run('git', ['add', '-A', 'packages', '.changeset', 'pnpm-lock.yaml']);
    run('git', ['commit', '-m', 'release: version packages']);
  } else {
    console.log('no pending changesets: publishing the current versions');
  }
  step(2, 'build (pnpm build)');
  run('pnpm', ['build']);
  step(3, 'package checks (publint, attw under every profile, tarball contents, no bundled tfjs)');
  run('pnpm', ['check:packages']);
}

step(4, `publish to ${registry ?? 'the registry of your npm config'}`);
// pnpm publish packs with `prepack` (builds a missing or stale dist/), turns `workspace:^` into versions and
// skips every package whose version the registry already has. Private examples are never published.
run('pnpm', [
  'publish',
  '-r',
  '--filter',
  './packages/*',
  '--access',
  'public',
  '--no-git-checks',
  ...(registry ? ['--registry', registry] : []),
]);
if (!registry) {
  run('pnpm', ['changeset', 'tag']);
  console.log('\nreleased: push the commit and the tags (git push --follow-tags)');
}
