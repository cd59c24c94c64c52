/**
 * The docs site. `pnpm docs:build`: TypeDoc API reference into docs/public/api/, then VitePress into
 * docs/.vitepress/dist/; any warning in VitePress's output (or a dead link, which VitePress reports as an
 * error) fails the build. `pnpm docs:dev`: the dev server, with the API reference built in the background when
 * it is missing.
 *
 *   tsx scripts/docs-build.ts build [--root <site dir>] [--no-api]
 *   tsx scripts/docs-build.ts dev [vitepress dev options]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** TypeDoc (typedoc.json, warnings are errors) into docs/public/api/, served by the site as /api/. */
async function buildApi(): Promise<void> {
  const { code } = await run(bin('typedoc'), []);
  if (code !== 0) throw new Error(`TypeDoc failed (exit ${code})`);
}

/** VitePress build of `root`; returns the output, throws on a failed build or any warning in the output. */
export async function buildSite(root: string, opts: { quiet?: boolean } = {}): Promise<string> {
  const { code, output } = await run(bin('vitepress'), ['build', root], opts);
  if (code !== 0)
    throw new Error(`VitePress build of ${root} failed (exit ${code})${opts.quiet ? `:\n${output}` : ''}`);
  const warnings = findWarnings(output);
  if (warnings.length > 0) {
    throw new Error(
      `VitePress build of ${root} printed warnings (warnings fail the build):\n${warnings.join('\n')}`,
    );
  }
  return output;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flag = (name: string) => rest.includes(name);
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (command === 'build') {
    const root = option('--root') ?? 'docs';
    const started = Date.now();
    if (!flag('--no-api')) await buildApi();
    await buildSite(root);
    if (!flag('--no-api') && !existsSync(path.join(repoRoot, root, '.vitepress/dist/api/index.html'))) {
      throw new Error('the site has no api/index.html: the nav links to it');
    }
    console.log(
      `docs site built into ${root}/.vitepress/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } else if (command === 'dev') {
    if (!existsSync(path.join(repoRoot, 'docs/public/api/index.html'))) {
      console.log(
        'API reference not built yet: TypeDoc runs in the background; /api/ appears when it is done.',
      );
      void run(bin('typedoc'), [], { quiet: true }).then(({ code, output }) => {
        if (code === 0) console.log('API reference built: /api/index.html');
        else console.error(`TypeDoc failed:\n${output}`);
      });
    }
    const child = spawn(bin('vitepress'), ['dev', 'docs', ...rest], { cwd: repoRoot, stdio: 'inherit' });
    child.on('close', (code) => process.exit(code ?? 0));
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
