/**
 * The docs site. `pnpm docs:build` builds the TypeDoc API reference and the VitePress site side by side, then
 * puts the API reference under /api/ of the site (docs/.vitepress/dist/). A failed build, a dead link (VitePress
 * checks links between pages; docs/.vitepress/markdown.ts checks links to repository files), a link to a missing
 * #anchor, or any warning in the output fails it. `pnpm docs:dev` serves the site with live reload, building the
 * API reference into docs/public/api/ in the background when it is missing.
 *
 *   tsx scripts/docs-build.ts build [--root <site dir>] [--no-api]
 *   tsx scripts/docs-build.ts dev [vitepress dev options]
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);

/** Lines of build output that are warnings: Vite/Rollup `(!)` notes and any line saying warn/warning. */
export function findWarnings(output: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /\(!\)|\bwarn(ing)?s?\b|\bdeprecat/i.test(line));
}

interface RunResult {
  code: number;
  output: string;
}

function run(cmd: string, args: string[], opts: { quiet?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      if (!opts.quiet) stream.write(chunk);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** TypeDoc (typedoc.json; its warnings, invalid links included, are errors) into `out`. */
async function buildApi(out: string): Promise<void> {
  // Quiet while VitePress prints its progress; on failure, TypeDoc's own report says why.
  const { code, output } = await run(bin('typedoc'), ['--out', out], { quiet: true });
  if (code !== 0) throw new Error(`TypeDoc failed (exit ${code}):\n${output}`);
}

/** VitePress build of `root`; returns the output, throws on a failed build or any warning in the output. */
export async function buildSite(root: string, opts: { quiet?: boolean } = {}): Promise<string> {
  const { code, output } = await run(bin('vitepress'), ['build', root], opts);
  if (code !== 0) {
    throw new Error(`VitePress build of ${root} failed (exit ${code})${opts.quiet ? `:\n${output}` : ''}`);
  }
  const warnings = findWarnings(output);
  if (warnings.length > 0) {
    throw new Error(
      `VitePress build of ${root} printed warnings (warnings fail the build):\n${warnings.join('\n')}`,
    );
  }
  return output;
}

function htmlFiles(dir: string, skip: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => path.relative(skip, f).startsWith('..'));
}

/**
 * Links between pages of the built site whose `#anchor` names no id on the target page (VitePress checks that
 * the page exists, not the anchor). TypeDoc's pages under `api/` are left to TypeDoc's own link validation.
 */
export function deadAnchors(dist: string): string[] {
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let set = ids.get(file);
    if (!set) {
      set = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
      ids.set(file, set);
    }
    return set;
  };
  const dead: string[] = [];
  for (const file of htmlFiles(dist, path.join(dist, 'api'))) {
    const page = `/${path.relative(dist, file).split(path.sep).join('/')}`;
    const content = readFileSync(file, 'utf8');
    // Internal links only: a path with no scheme (VitePress keeps relative links relative), then #anchor.
    for (const [, target = '', hash = ''] of content.matchAll(/\shref="([^"#?:]*)#([^"]+)"/g)) {
      const abs = target === '' ? page : path.posix.resolve(path.posix.dirname(page), target);
      if (abs.startsWith('/api/')) continue;
      const targetPath = abs.endsWith('/') ? `${abs}index.html` : abs;
      const targetFile = path.join(dist, targetPath.endsWith('.html') ? targetPath : `${targetPath}.html`);
      const anchor = decodeURIComponent(hash);
      if (!existsSync(targetFile) || !idsOf(targetFile).has(anchor)) dead.push(`${page} → ${target}#${hash}`);
    }
  }
  return dead;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flag = (name: string) => rest.includes(name);
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (command === 'build') {
    const root = path.resolve(repoRoot, option('--root') ?? 'docs');
    const dist = path.join(root, '.vitepress/dist');
    const apiTmp = path.join(repoRoot, '.tmp/docs-api');
    const started = Date.now();
    const withApi = !flag('--no-api');
    if (withApi) console.log('TypeDoc builds the API reference alongside (output shown only on failure)');
    const [api, site] = await Promise.allSettled([
      withApi ? buildApi(apiTmp) : Promise.resolve(),
      buildSite(root),
    ]);
    if (site.status === 'rejected') throw site.reason;
    if (api.status === 'rejected') throw api.reason;
    const dead = deadAnchors(dist);
    if (dead.length > 0) throw new Error(`links to missing #anchors:\n${dead.join('\n')}`);
    if (withApi) {
      rmSync(path.join(dist, 'api'), { recursive: true, force: true });
      cpSync(apiTmp, path.join(dist, 'api'), { recursive: true });
      rmSync(apiTmp, { recursive: true, force: true });
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`docs site built into ${path.relative(repoRoot, dist)}/ in ${secs} s`);
  } else if (command === 'dev') {
    const stops: (() => void)[] = [];
    if (!existsSync(path.join(repoRoot, 'docs/public/api/index.html'))) {
      console.log(
        'API reference not built yet: TypeDoc runs in the background; /api/ works when it is done.',
      );
      // Its own process group: TypeDoc's bin starts a second node process, which must stop with it.
      const typedoc = spawn(bin('typedoc'), [], { cwd: repoRoot, stdio: 'ignore', detached: true });
      let done = false;
      typedoc.on('close', (code) => {
        done = true;
        if (code === 0) console.log('API reference built: /api/index.html');
        else if (code !== null) console.error(`TypeDoc failed (exit ${code}): pnpm docs:api shows why`);
      });
      stops.push(() => {
        if (!done && typedoc.pid) process.kill(-typedoc.pid, 'SIGTERM');
      });
    }
    const vitepress = spawn(bin('vitepress'), ['dev', 'docs', ...rest], { cwd: repoRoot, stdio: 'inherit' });
    stops.push(() => vitepress.kill('SIGTERM'));
    const stopAll = () => {
      for (const stop of stops) stop();
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopAll);
    vitepress.on('close', (code) => {
      stopAll();
      process.exit(code ?? 0);
    });
  } else {
    throw new Error(`usage: tsx scripts/docs-build.ts build|dev (got ${command ?? 'nothing'})`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
