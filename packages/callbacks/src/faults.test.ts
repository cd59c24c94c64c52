/**
 * Fault injection: child processes save checkpoints and backups and are SIGKILLed at random moments and at
 * every file step of a save (BETTERDL_FAULT_STEP), twice in a row (double faults), and two of them write one
 * checkpoint at once. After each, the checkpoint must be loadable, complete and no older than the last save the
 * child reported, the other files in and beside its directory untouched, and after the next load nothing of
 * the killed saves left behind.
 *
 * `pnpm test` runs a quick subset; `pnpm test:faults` (BETTERDL_FAULTS=full) runs the whole suite (> 100 kills)
 * and prints the numbers quoted in packages/callbacks/README.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSystemHandler } from '@betterdl/runtime/node';
import { afterAll, describe, expect, it } from 'vitest';

const FULL = process.env.BETTERDL_FAULTS === 'full';
const child = fileURLToPath(new URL('./fixtures/fault-child.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'betterdl-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const stats = { kills: 0, stepKills: 0, randomKills: 0, doubleFaults: 0, backupKills: 0, writers: 0 };
const bad = { corrupt: 0, missing: 0, stale: 0, touched: 0, leftBehind: 0, backupRegressions: 0 };

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
}

function run(args: string[], opts: { step?: number; killAfterMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.BETTERDL_FAULT_STEP;
    if (opts.step !== undefined) env.BETTERDL_FAULT_STEP = String(opts.step);
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: repo, env });
    const lines: string[] = [];
    let err = '';
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const l of parts) {
        lines.push(l);
        if (l.startsWith('ready') && opts.killAfterMs !== undefined)
          setTimeout(() => p.kill('SIGKILL'), opts.killAfterMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`fault child failed (${code}): ${err}`));
      else resolve({ code, signal, lines });
    });
  });
}

function lastReported(r: Run, word: string): number {
  let n = -1;
  for (const l of r.lines) if (l.startsWith(`${word} `)) n = Number(l.slice(word.length + 1));
  return n;
}

/** A checkpoint directory with a neighbour file inside and a sibling beside it, both of which must survive. */
function scene(name: string): { dir: string; check: () => boolean } {
  const base = join(root, name);
  const dir = join(base, 'ckpt');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), `notes of ${name}`);
  writeFileSync(join(base, 'sibling.txt'), 'beside');
  return {
    dir,
    check: () =>
      readFileSync(join(dir, 'notes.txt'), 'utf8') === `notes of ${name}` &&
      readFileSync(join(base, 'sibling.txt'), 'utf8') === 'beside' &&
      readdirSync(base).sort().join() === 'ckpt,sibling.txt',
  };
}

/** Loads the checkpoint, counts what is wrong, and returns the value all its weights hold (or -1). */
async function verify(dir: string, atLeast: number, untouched: () => boolean): Promise<number> {
  if (!untouched()) bad.touched++;
  const hasManifest = readdirSync(dir).includes('model.json');
  if (!hasManifest) {
    if (atLeast >= 0) bad.missing++;
    return -1;
  }
  let value = -1;
  try {
    const a = await fileSystemHandler(dir).load?.();
    const w = new Float32Array(a?.weightData as ArrayBuffer);
    value = w[0] as number;
    if (w.length !== 4096 || !w.every((v) => v === value)) bad.corrupt++;
  } catch {
    bad.corrupt++;
    return -1;
  }
  if (value < atLeast) bad.stale++;
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const expected = ['model.json', 'notes.txt', ...json.weightsManifest[0].paths].sort().join();
  if (readdirSync(dir).sort().join() !== expected) bad.leftBehind++;
  return value;
}

function countKill(r: Run, kind: 'stepKills' | 'randomKills' | 'backupKills'): boolean {
  if (r.signal !== 'SIGKILL') return false;
  stats.kills++;
  stats[kind]++;
  return true;
}

/** The first good checkpoint (weights all 0), saved by this process. */
async function seed(dir: string): Promise<void> {
  await fileSystemHandler(dir).save?.({
    modelTopology: { class_name: 'Sequential' },
    weightSpecs: [{ name: 'w', shape: [4096], dtype: 'float32' }],
    weightData: new Float32Array(4096).buffer,
  });
}

// Fault points of the child's saves 1..3 over a seeded checkpoint: per save data, manifest-tmp, dir-sync,
// rename, committed, then one clean-up removal of the replaced weights: 6 × 3 = 18.
const STEPS = FULL ? Array.from({ length: 18 }, (_, i) => i + 1) : [4];
const PAIRS: Array<[number, number]> = FULL
  ? [2, 4, 5, 6].flatMap((a) => [1, 3, 4, 6].map((b): [number, number] => [a, b]))
  : [[2, 6]];
const RANDOM = FULL ? 60 : 0;
const BACKUP_STEPS = FULL ? Array.from({ length: 12 }, (_, i) => i + 1) : [];
const BACKUP_RANDOM = FULL ? 10 : 0;
const WRITER_ROUNDS = FULL ? 5 : 1;
/** The full suite spawns ~200 processes: give each test up to an hour on a busy machine. */
const LONG = FULL ? 3_600_000 : 120_000;

describe(`checkpoint commit under SIGKILL (${FULL ? 'full' : 'quick'})`, () => {
  it(
    'a kill at every file step of a save leaves the previous or the new checkpoint, complete',
    async () => {
      for (const k of STEPS) {
        const { dir, check } = scene(`step-${k}`);
        await seed(dir);
        const r = await run(['checkpoint', dir, '1', '3'], { step: k });
        countKill(r, 'stepKills');
        await verify(dir, lastReported(r, 'saved'), check);
      }
    },
    LONG,
  );

  it(
    'double faults: killed again while the next run saves over a killed save',
    async () => {
      for (const [k1, k2] of PAIRS) {
        const { dir, check } = scene(`double-${k1}-${k2}`);
        await seed(dir);
        const r1 = await run(['checkpoint', dir, '1', '3'], { step: k1 });
        const r2 = await run(['checkpoint', dir, '4', '6'], { step: k2 });
        if (countKill(r1, 'stepKills') && countKill(r2, 'stepKills')) stats.doubleFaults++;
        const reported = Math.max(lastReported(r1, 'saved'), lastReported(r2, 'saved'), 0);
        await verify(dir, reported, check);
      }
    },
    LONG,
  );

  it.runIf(RANDOM > 0)(
    'kills at random moments',
    async () => {
      const { dir, check } = scene('random');
      let next = 1;
      let reported = -1;
      for (let i = 0; i < RANDOM; i++) {
        // 0-120 ms after the child is ready: saves take a few ms, so the kill lands anywhere in them.
        const delay = (i * 37) % 121;
        const r = await run(['checkpoint', dir, String(next), String(next + 400)], { killAfterMs: delay });
        countKill(r, 'randomKills');
        reported = Math.max(reported, lastReported(r, 'saved'));
        const v = await verify(dir, reported, check);
        next = Math.max(next, v) + 401;
      }
    },
    LONG,
  );

  it(
    'two processes saving to one checkpoint both finish; the result is one complete checkpoint',
    async () => {
      for (let round = 0; round < WRITER_ROUNDS; round++) {
        const { dir, check } = scene(`writers-${round}`);
        const [a, b] = await Promise.all([
          run(['checkpoint', dir, '1', FULL ? '40' : '15']),
          run(['checkpoint', dir, '101', FULL ? '140' : '115']),
        ]);
        stats.writers += 2;
        expect([a.code, b.code]).toEqual([0, 0]);
        const v = await verify(dir, 1, check);
        expect(FULL ? [40, 140] : [15, 115]).toContain(v);
      }
    },
    LONG,
  );
});

describe.runIf(FULL)('backupAndRestore under SIGKILL', () => {
  async function resumeAfter(dir: string, r: Run): Promise<void> {
    const backed = lastReported(r, 'backed');
    const again = await run(['backup', dir, '4']);
    const ready = again.lines.find((l) => l.startsWith('ready ')) as string;
    const from = Number(ready.slice(6));
    // A committed backup of epoch e means resuming at e + 1 (or later, if a commit finished unreported).
    if (from < backed + 1) bad.backupRegressions++;
    expect(again.lines).toContain('done');
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(state.epoch).toBe(3);
    const names = readdirSync(dir).sort();
    if (names.join() !== ['notes.txt', 'state.json', state.files[0]].sort().join()) bad.leftBehind++;
  }

  it(
    'a kill at every file step of a backup, and at random moments, resumes from the last backup',
    async () => {
      for (const k of BACKUP_STEPS) {
        const { dir, check } = scene(`backup-step-${k}`);
        const r = await run(['backup', dir, '4'], { step: k });
        countKill(r, 'backupKills');
        await resumeAfter(dir, r);
        if (!check()) bad.touched++;
      }
      for (let i = 0; i < BACKUP_RANDOM; i++) {
        const { dir, check } = scene(`backup-random-${i}`);
        const r = await run(['backup', dir, '4'], { killAfterMs: 20 + i * 25 });
        countKill(r, 'backupKills');
        await resumeAfter(dir, r);
        if (!check()) bad.touched++;
      }
    },
    LONG,
  );
});

describe('fault summary', () => {
  it('nothing corrupt, missing, stale, touched or left behind', () => {
    const line = `fault injection (${FULL ? 'full' : 'quick'}): ${JSON.stringify({ ...stats, ...bad })}`;
    console.log(line);
    expect(bad).toEqual({
      corrupt: 0,
      missing: 0,
      stale: 0,
      touched: 0,
      leftBehind: 0,
      backupRegressions: 0,
    });
    expect(stats.kills).toBeGreaterThanOrEqual(FULL ? 100 : 3);
    if (FULL) expect(stats.stepKills).toBe(STEPS.length + 2 * PAIRS.length);
  });
});
