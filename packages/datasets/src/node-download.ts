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
  /**
   * Per request: give up on an attempt when the server sends nothing for this many ms — no response, or a
   * pause between bytes (a slow but live download is not cut). Defaults to 15000.
   */
  timeoutMs?: number;
  /**
   * Overall deadline for the whole call (every mirror, retry and backoff), in ms. Defaults to 600000
   * (10 minutes); with the defaults a dead mirror costs at most about 47 s before the next one is tried.
   */
  deadlineMs?: number;
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

/** Default of {@link DownloadOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Default of {@link DownloadOptions.deadlineMs}. */
export const DEFAULT_DEADLINE_MS = 600_000;

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

class TimeoutError extends Error {}

async function attempt(url: string, dest: string, o: DownloadOptions, deadline: number): Promise<Uint8Array> {
  const ctrl = new AbortController();
  const idle = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let why = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  // (Re)armed at the start and on every chunk: fires after `idle` ms of silence or at the overall deadline.
  const arm = () => {
    clearTimeout(timer);
    const left = deadline - Date.now();
    const ms = Math.max(0, Math.min(idle, left));
    timer = setTimeout(() => {
      why =
        ms === idle
          ? `timed out: no data for ${idle} ms (timeoutMs)`
          : `timed out: the overall deadline of ${o.deadlineMs ?? DEFAULT_DEADLINE_MS} ms passed (deadlineMs)`;
      ctrl.abort();
    }, ms);
  };
  arm();
  try {
    const res = await (o.fetch ?? fetch)(url, { signal: ctrl.signal });
    arm();
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
      arm();
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
  } catch (err) {
    if (ctrl.signal.aborted) throw new TimeoutError(why || 'timed out', { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function checkMs(name: string, v: unknown): void {
  if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `downloadFile: ${name} must be a positive number of milliseconds, got ${String(v)}.`,
    );
  }
}

/**
 * Downloads the first of `urls` (mirrors, tried in order) that works into `dest`: streamed, checked against
 * `sha256`, retried with backoff on transient failures, and written atomically (a temporary file renamed
 * into place), so an interrupted download never leaves a partial file behind. A server that goes silent for
 * `timeoutMs` is given up on (then retried or the next mirror tried), and the whole call stops at
 * `deadlineMs`. Returns the bytes.
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
  checkMs('timeoutMs', options.timeoutMs);
  checkMs('deadlineMs', options.deadlineMs);
  const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const failures: string[] = [];
  let pastDeadline = false;
  for (const url of list) {
    let delay = options.retryDelayMs ?? 500;
    for (let a = 0; a <= retries && !pastDeadline; a++) {
      try {
        const bytes = await attempt(url, dest, options, deadline);
        await writeFileAtomic(dest, bytes);
        options.onProgress?.({ url, dest, received: bytes.length, total: bytes.length, done: true });
        return bytes;
      } catch (err) {
        failures.push(`${url} (attempt ${a + 1}): ${(err as Error).message}`);
        // A 4xx will not fix itself: move on to the next mirror.
        if (err instanceof HttpStatusError && err.status >= 400 && err.status < 500) break;
        if (Date.now() + (a < retries ? delay : 0) >= deadline) pastDeadline = true;
        else if (a < retries) await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
    if (pastDeadline) {
      failures.push(
        `stopped: the overall deadline of ${options.deadlineMs ?? DEFAULT_DEADLINE_MS} ms passed (deadlineMs)`,
      );
      break;
    }
  }
  throw new BetterDLError(
    'IO_ERROR',
    `Could not download ${basename(dest)}:\n  ${failures.join('\n  ')}\nCheck your network, or download the file yourself into ${dest}.`,
  );
}
