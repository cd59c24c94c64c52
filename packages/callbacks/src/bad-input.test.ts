import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyModel, toyData } from './fixtures/helpers';
import { fitWithBackup } from './node-backup-and-restore';
import { fillTemplate, parseTemplate, pathSafe } from './path-template';

describe('bad input never becomes a path', () => {
  it('a metric value containing ../ cannot move a templated checkpoint out of its directory', () => {
    const parts = parseTemplate('file://./ckpt/model-{tag}-{val_loss:.2f}');
    const out = fillTemplate(parts, { tag: '../../../etc/evil', val_loss: 0.25 });
    expect(out).toBe(`file://./ckpt/model-${'_'.repeat(9)}etc_evil-0.25`);
    expect(out.startsWith('file://./ckpt/')).toBe(true);
    expect(out.slice('file://./ckpt/'.length)).not.toMatch(/[/\\]|\.\./);
    expect(fillTemplate(parseTemplate('ckpt/{tag}/model'), { tag: '..' })).toBe('ckpt/__/model');
    expect(pathSafe('C:\\x\u0000y')).toBe('C__x_y');
    expect(pathSafe('0.1234')).toBe('0.1234');
    expect(pathSafe('-1.5e-07')).toBe('-1.5e-07');
  });

  it('a truncated backup data.bin is INVALID_DATA naming the tensor, not a bare tfjs error', async () => {
    await initRuntime({ backend: 'cpu', verbose: false });
    const dir = await mkdtemp(join(tmpdir(), 'betterdl-truncated-backup-'));
    const backup = join(dir, 'backup');
    const { x, y } = toyData(8);
    try {
      await fitWithBackup(tinyModel(), x, y, { epochs: 2, batchSize: 4, verbose: 0 }, backup, {
        deleteCheckpoint: false,
      });
      const data = join(backup, (await readdir(backup)).find((f) => f.endsWith('.bin')) as string);
      const bytes = await readFile(data);
      await writeFile(data, bytes.subarray(0, bytes.length - 6));
      let err: unknown;
      try {
        await fitWithBackup(tinyModel(), x, y, { epochs: 4, batchSize: 4, verbose: 0 }, backup);
      } catch (e) {
        err = e;
      }
      expect(isBetterDLError(err), String(err)).toBe(true);
      expect((err as { code: string }).code).toBe('INVALID_DATA');
      expect((err as Error).message).toMatch(
        /backupAndRestore: \S+\.bin of the backup .*truncated.*tensor '.+'.*Delete the backup/,
      );
    } finally {
      tf.dispose([x, y]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
