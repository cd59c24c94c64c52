import { importOptional, isNode, env as processEnv } from './platform';

/** One NVIDIA GPU that CUDA programs in this process may use. */
export interface CudaGpu {
  /** The device's index as `nvidia-smi` numbers it (`/dev/nvidia<index>` when `nvidia-smi` is absent). */
  index: number;
  /** Its name from `nvidia-smi -L` (`'NVIDIA GeForce RTX 4090'`), or `'NVIDIA GPU'` when unknown. */
  name: string;
  /** Its UUID from `nvidia-smi -L` (`'GPU-…'`), when known. */
  uuid?: string;
}

/** Whether a CUDA GPU looks usable by `@tensorflow/tfjs-node-gpu`. */
export interface CudaProbe {
  /** True when at least one NVIDIA GPU exists and `CUDA_VISIBLE_DEVICES` does not hide it. */
  usable: boolean;
  /** Why not, when not usable; what was found otherwise. */
  reason: string;
  /** The GPUs CUDA programs may use, in `CUDA_VISIBLE_DEVICES` order (empty when not usable). */
  gpus: CudaGpu[];
}

/**
 * What {@link detectCudaDevice} reads, so that it can be tested (and used) without touching the machine.
 * Every field defaults to the real thing in Node.
 */
export interface CudaProbeSources {
  /** Reads an environment variable. Defaults to `process.env`. */
  env?: (name: string) => string | undefined;
  /** Lists a directory; throws (or returns `[]`) when it does not exist. Defaults to `fs.readdirSync`. */
  readdir?: (path: string) => string[];
  /**
   * Runs a program and returns its standard output, `null` when the program does not exist, or throws with
   * its error output when it ran and failed. Defaults to `child_process.execFileSync` with a 5 s timeout.
   */
  exec?: (file: string, args: string[]) => string | null;
}

const SMI_LINE = /^GPU (\d+): (.*?)(?: \(UUID: ([^)]+)\))?\s*$/;

/** Parses `nvidia-smi -L` output (`GPU 0: NVIDIA A100 (UUID: GPU-…)`; MIG lines are ignored). */
export function parseNvidiaSmiList(out: string): CudaGpu[] {
  const gpus: CudaGpu[] = [];
  for (const line of out.split('\n')) {
    const m = SMI_LINE.exec(line.trim());
    if (m) gpus.push({ index: Number(m[1]), name: m[2] as string, ...(m[3] ? { uuid: m[3] } : {}) });
  }
  return gpus;
}

/**
 * Applies CUDA's `CUDA_VISIBLE_DEVICES` rules to the installed GPUs: unset shows all; empty hides all;
 * otherwise a comma-separated list of indices or (prefixes of) UUIDs, in the order CUDA will number them,
 * read up to the first entry that names no device (so `-1` hides everything after it). A UUID cannot be
 * matched when the UUIDs are unknown (no `nvidia-smi`), so such an entry counts as the next unlisted GPU.
 */
export function applyCudaVisibleDevices(all: CudaGpu[], visible: string | undefined): CudaGpu[] {
  if (visible === undefined) return all;
  const out: CudaGpu[] = [];
  for (const raw of visible.split(',')) {
    const entry = raw.trim();
    if (entry === '') break;
    let gpu: CudaGpu | undefined;
    if (/^\d+$/.test(entry)) gpu = all.find((g) => g.index === Number(entry));
    else if (/^(GPU|MIG)-/i.test(entry)) {
      const known = all.filter((g) => g.uuid !== undefined);
      gpu =
        known.length > 0
          ? known.find((g) => g.uuid?.toLowerCase().startsWith(entry.toLowerCase()))
          : all.find((g) => !out.includes(g));
    }
    if (!gpu || out.includes(gpu)) break;
    out.push(gpu);
  }
  return out;
}

async function defaultSources(): Promise<Required<CudaProbeSources>> {
  const fs = await importOptional<{ readdirSync(p: string): string[] }>('node:fs');
  const cp = await importOptional<{
    execFileSync(f: string, a: string[], o: object): string;
  }>('node:child_process');
  return {
    env: processEnv,
    readdir: (p) => fs.readdirSync(p),
    exec: (file, args) => {
      try {
        return cp.execFileSync(file, args, {
          encoding: 'utf8',
          timeout: 5000,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        const e = err as { code?: string; stderr?: string; stdout?: string; message?: string };
        if (e.code === 'ENOENT') return null;
        throw new Error(`${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message);
      }
    },
  };
}

/**
 * Looks for NVIDIA GPUs that `@tensorflow/tfjs-node-gpu` could use, without loading any CUDA library:
 * the GPUs `nvidia-smi -L` lists when it is installed (a failing `nvidia-smi` means the driver is not
 * usable), otherwise every `/dev/nvidia<N>` device node; then `CUDA_VISIBLE_DEVICES` as CUDA reads it.
 * Pass `sources` to probe an injected environment instead of this machine.
 */
export async function detectCudaDevice(sources: CudaProbeSources = {}): Promise<CudaProbe> {
  const injected = sources.env !== undefined && sources.readdir !== undefined && sources.exec !== undefined;
  if (!injected && !isNode()) return { usable: false, reason: 'no CUDA in a browser', gpus: [] };
  const io = injected ? (sources as Required<CudaProbeSources>) : { ...(await defaultSources()), ...sources };
  let all: CudaGpu[];
  let source: string;
  let smi: string | null;
  try {
    smi = io.exec('nvidia-smi', ['-L']);
  } catch (err) {
    const first = ((err as Error).message.split('\n')[0] ?? '').trim();
    return { usable: false, reason: `no CUDA device (nvidia-smi failed: ${first})`, gpus: [] };
  }
  if (smi !== null) {
    all = parseNvidiaSmiList(smi);
    source = 'nvidia-smi';
  } else {
    let nodes: string[] = [];
    try {
      nodes = io.readdir('/dev');
    } catch {
      // no /dev: no device nodes
    }
    all = nodes
      .map((n) => /^nvidia(\d+)$/.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map((n) => ({ index: Number(n), name: 'NVIDIA GPU' }))
      .sort((a, b) => a.index - b.index);
    source = '/dev/nvidia*';
  }
  if (all.length === 0) {
    return {
      usable: false,
      reason: `no CUDA device (${source === 'nvidia-smi' ? 'nvidia-smi -L lists no GPU' : 'no nvidia-smi and no /dev/nvidia<N>'})`,
      gpus: [],
    };
  }
  const visibleVar = io.env('CUDA_VISIBLE_DEVICES');
  const gpus = applyCudaVisibleDevices(all, visibleVar);
  if (gpus.length === 0) {
    return {
      usable: false,
      reason: `no CUDA device (CUDA_VISIBLE_DEVICES=${JSON.stringify(visibleVar)} hides all ${all.length})`,
      gpus: [],
    };
  }
  const names = gpus.map((g) => `${g.index}: ${g.name}`).join(', ');
  return { usable: true, reason: `${gpus.length} CUDA GPU${gpus.length === 1 ? '' : 's'} (${names})`, gpus };
}
