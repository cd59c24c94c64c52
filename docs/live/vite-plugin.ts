// The Vite plugin of the live lessons (add it to the VitePress config's `vite.plugins`):
// - `@betterdl/<pkg>` resolves to the package's source main entry, so `pnpm docs:dev` needs no build first and
//   the page runs exactly the workspace's code (never a `./node` entry: only the bare names are mapped);
// - workers are ES modules (the worker loads each lesson as its own chunk);
// - the Fashion-MNIST subset of site-data.ts is made once (make-data.ts, into node_modules/.cache) and
//   served under `<base>live-data/` by the dev server and written into the built site.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIGITS_FILES, DIGITS_PATH, DIGITS_SUBSET } from './site-data';

const PACKAGES = ['runtime', 'callbacks', 'datasets', 'diagnostics', 'transfer'];

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('live lessons: cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
  return dir;
}

/** Makes the subset unless it is already in `dir`; returns the folder. */
export function ensureSiteData(root: string): string {
  const dir = join(
    root,
    'node_modules/.cache/betterdl-site',
    `fashion-mnist-${DIGITS_SUBSET.train}-${DIGITS_SUBSET.test}`,
  );
  if (Object.values(DIGITS_FILES).every((f) => existsSync(join(dir, f)))) return dir;
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'docs/live/make-data.ts'), dir],
    { cwd: root, stdio: 'inherit' },
  );
  return dir;
}

interface ServerLike {
  config: { base: string };
  middlewares: {
    use(fn: (req: { url?: string }, res: ServerResponseLike, next: () => void) => void): void;
  };
}
interface ServerResponseLike {
  setHeader(name: string, value: string): void;
  end(data: Uint8Array): void;
}
interface EmitContext {
  emitFile(file: { type: 'asset'; fileName: string; source: Uint8Array }): string;
}

/** The plugin (typed structurally: this file needs no `vite` types). */
export function liveLessons() {
  const root = repoRoot();
  let ssr = false;
  let dataDir = '';
  return {
    name: 'betterdl-live-lessons',
    config() {
      return {
        resolve: {
          alias: PACKAGES.map((p) => ({
            find: new RegExp(`^@betterdl/${p}$`),
            replacement: join(root, 'packages', p, 'src/index.ts'),
          })),
        },
        worker: { format: 'es' as const },
        // docs:dev: find tfjs and vega at start-up (crawling the worker and the panel), not when Run first
        // imports them, which would make Vite re-optimise and reload the page in the middle of the run.
        optimizeDeps: {
          entries: [
            join(root, 'docs/live/worker.ts'),
            join(root, 'docs/.vitepress/theme/RunPanel.vue'),
            join(root, 'packages/diagnostics/src/render.ts'),
          ],
        },
        // The worker carries tfjs (core, layers, the wasm/WebGL/WebGPU backends): about 2 MB minified by nature.
        build: { chunkSizeWarningLimit: 4096 },
        // The server-side render never draws a chart: leave vega (whose Node build wants 'canvas') out of it.
        ssr: { external: ['vega', 'vega-embed', 'vega-lite'] },
      };
    },
    configResolved(config: { build: { ssr?: unknown } }) {
      ssr = Boolean(config.build.ssr);
    },
    buildStart() {
      if (!ssr) dataDir = ensureSiteData(root);
    },
    configureServer(server: ServerLike) {
      dataDir = ensureSiteData(root);
      const prefix = `${server.config.base}${DIGITS_PATH}`;
      const files = new Set<string>(Object.values(DIGITS_FILES));
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
        if (!files.has(name)) return next();
        res.setHeader('content-type', 'application/octet-stream');
        res.end(readFileSync(join(dataDir, name)));
      });
    },
    generateBundle(this: EmitContext) {
      if (ssr) return;
      for (const f of Object.values(DIGITS_FILES))
        this.emitFile({
          type: 'asset',
          fileName: `${DIGITS_PATH}${f}`,
          source: readFileSync(join(dataDir, f)),
        });
    },
  };
}
