// The one way tests launch headless Chromium: the same flags, a throw-away profile, and a kill that takes the
// browser's whole process group (its helpers would otherwise go on writing into the profile being removed).
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** Flags for a quiet, offline-friendly headless run that needs no sandbox and no GPU. */
export const HEADLESS_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the browser printed and how it ended. */
export interface ChromiumExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running headless Chromium. */
export interface Chromium {
  process: ChildProcess;
  /** With `pipe: true`: the DevTools protocol pipe (see cdp.ts), Chromium's fd 3 (in) and fd 4 (out). */
  devtools?: { input: Writable; output: Readable };
  /** The last 4000 characters Chromium wrote to stderr so far. */
  stderr(): string;
  /** Settles when the browser exits (killed or not). */
  exited: Promise<ChromiumExit>;
  /** Kills Chromium with every process it started and waits for it to exit. */
  kill(): Promise<void>;
}

/** Options of {@link launchChromium}. */
export interface LaunchArgs {
  /** The profile folder (`--user-data-dir`); give each browser its own, inside the test's temp dir. */
  profileDir: string;
  /** Extra flags and the URL, after {@link HEADLESS_FLAGS}. */
  args: string[];
  /** Open the DevTools protocol on a pipe (`--remote-debugging-pipe`) to drive pages. Defaults to false. */
  pipe?: boolean;
}

/** Starts `binary` (from `needs('chromium').chromium`) headless, in its own process group. */
export function launchChromium(binary: string, { profileDir, args, pipe }: LaunchArgs): Chromium {
  const flags = [
    ...HEADLESS_FLAGS,
    `--user-data-dir=${profileDir}`,
    ...(pipe ? ['--remote-debugging-pipe'] : []),
  ];
  const child = spawn(binary, [...flags, ...args], {
    stdio: pipe ? ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<ChromiumExit>((resolve) => {
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
      resolve({ code: null, signal: null, stdout, stderr });
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const kill = async (): Promise<void> => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL'); // helpers may outlive the main process
    } catch {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // no process group here
    }
    await exited;
  };
  const devtools = pipe
    ? { input: child.stdio[3] as Writable, output: child.stdio[4] as Readable }
    : undefined;
  return { process: child, devtools, stderr: () => stderr, exited, kill };
}

/**
 * Runs Chromium to completion (e.g. `--dump-dom URL` or `--screenshot=FILE URL`) and resolves with its stdout;
 * rejects with Chromium's stderr when it fails or takes longer than `timeoutMs`.
 */
export async function runChromium(
  binary: string,
  args: LaunchArgs & { timeoutMs?: number },
): Promise<string> {
  const browser = launchChromium(binary, args);
  const timeoutMs = args.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([browser.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await browser.kill();
    throw new Error(`Chromium did not finish within ${timeoutMs / 1000} s:\n${browser.stderr()}`);
  }
  await browser.kill();
  if (result.code !== 0)
    throw new Error(`Chromium exited with ${result.code ?? result.signal}:\n${result.stderr}`);
  return result.stdout;
}
