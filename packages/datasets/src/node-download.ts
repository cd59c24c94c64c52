import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { BetterDLError } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';

/** Progress of one download, reported as bytes arrive. */
export interface DownloadProgress {
  /** The URL being fetched. */
  url: string;
  /** Where the file will be written. */
  dest: string;
  /** Bytes received so far. */
  received: number;
  /** Total size from `Content-Length`, when the server sent one. */
  total?: number;
  /** True once the file is verified and written. */
  done: boolean;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Expected SHA-256 (hex) of the file; a mismatch is retried, then an error. Defaults to no check. */
  sha256?: string;
  /** Extra attempts per URL after a network error, a 5xx or a checksum mismatch. Defaults to 2. */
  retries?: number;
  /** Delay before the first retry, doubled each time, in ms. Defaults to 500. */
  retryDelayMs?: number;
  /** Give up on one attempt after this many ms without finishing. Defaults to 120000. */
  timeoutMs?: number;
  /** Called as bytes arrive and when done. Defaults to silence (see {@link consoleProgress}). */
  onProgress?: (p: DownloadProgress) => void;
  /** The `fetch` to use. Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** Root of the dataset cache: `$BETTERDL_DATA_HOME`, or `~/.betterdl/datasets`. */
export function dataHome(): string {
  const env = process.env.BETTERDL_DATA_HOME;
  return env && env.length > 0 ? env : join(homedir(), '.betterdl', 'datasets');
}

/**
 * A progress printer for {@link DownloadOptions.onProgress} that writes to stderr: a live percentage on a
 * terminal, and just a start and an end line otherwise (CI logs).
 */
export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): (p: DownloadProgress) => void {
  let lastUrl = '';
  let lastPct = -1;
  const mb = (b: number) => (b / 1048576).toFixed(1);
  return (p) => {
    const name = basename(p.dest);
    if (p.url !== lastUrl) {
      lastUrl = p.url;
      lastPct = -1;
      if (!stream.isTTY) stream.write(`betterdl: downloading ${p.url}\n`);
    }
    if (p.done) {
      stream.write(
        `${stream.isTTY ? '\r\x1b[K' : ''}betterdl: ${name} ${mb(p.received)} MB, SHA-256 ok, saved to ${p.dest}\n`,
      );
      return;
    }
    if (!stream.isTTY || !p.total) return;
    const pct = Math.floor((100 * p.received) / p.total);
    if (pct === lastPct) return;
    lastPct = pct;
    stream.write(`\r\x1b[Kbetterdl: ${name} ${mb(p.received)}/${mb(p.total)} MB (${pct}%)`);
  };
}

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

async function attempt(url: string, dest: string, o: DownloadOptions): Promise<Uint8Array> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), o.timeoutMs ?? 120_000);
  try {
    const res = await (o.fetch ?? fetch)(url, { signal: ctrl.signal });
    if (!res.ok || !res.body) throw new HttpStatusError(res.status);
    const len = Number(res.headers.get('content-length'));
    const total = Number.isFinite(len) && len > 0 ? len : undefined;
    const hash = createHash('sha256');
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      hash.update(value);
      received += value.length;
      o.onProgress?.({ url, dest, received, total, done: false });
    }
    if (total !== undefined && received !== total) {
      throw new Error(`connection closed after ${received} of ${total} bytes`);
    }
    const digest = hash.digest('hex');
    if (o.sha256 && digest !== o.sha256.toLowerCase()) {
      throw new Error(`SHA-256 mismatch: got ${digest}, expected ${o.sha256}`);
    }
    const out = new Uint8Array(received);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads the first of `urls` (mirrors, tried in order) that works into `dest`: streamed, checked against
 * `sha256`, retried with backoff on transient failures, and written atomically (a temporary file renamed
 * into place), so an interrupted download never leaves a partial file behind. Returns the bytes.
 */
export async function downloadFile(
  urls: string | string[],
  dest: string,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  const list = typeof urls === 'string' ? [urls] : urls;
  const retries = options.retries ?? 2;
  if (list.length === 0)
    throw new BetterDLError('INVALID_ARGUMENT', `downloadFile: no URL given for ${dest}.`);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `downloadFile: retries must be an integer >= 0, got ${retries}.`,
    );
  }
  const failures: string[] = [];
  for (const url of list) {
    let delay = options.retryDelayMs ?? 500;
    for (let a = 0; a <= retries; a++) {
      try {
        const bytes = await attempt(url, dest, options);
        await writeFileAtomic(dest, bytes);
        options.onProgress?.({ url, dest, received: bytes.length, total: bytes.length, done: true });
        return bytes;
      } catch (err) {
        const msg = (err as Error).name === 'AbortError' ? 'timed out' : (err as Error).message;
        failures.push(`${url} (attempt ${a + 1}): ${msg}`);
        // A 4xx will not fix itself: move on to the next mirror.
        if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500) break;
        if (a < retries) await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
  }
  throw new BetterDLError(
    'IO_ERROR',
    `Could not download ${basename(dest)}:\n  ${failures.join('\n  ')}\nCheck your network, or download the file yourself into ${dest}.`,
  );
}
