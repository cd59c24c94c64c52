import { describe, expect, it } from 'vitest';
import { applyCudaVisibleDevices, type CudaProbeSources, detectCudaDevice, parseNvidiaSmiList } from './cuda';

const SMI = [
  'GPU 0: NVIDIA GeForce RTX 3090 (UUID: GPU-5e2a1c3b-aaaa-bbbb-cccc-000000000000)',
  'GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-9f8e7d6c-aaaa-bbbb-cccc-111111111111)',
  '  MIG 1g.5gb     Device  0: (UUID: MIG-0a1b2c3d-aaaa-bbbb-cccc-222222222222)',
  '',
].join('\n');

/** An injected machine: `dev` lists /dev, `smi` is nvidia-smi's output (null: not installed, Error: fails). */
function machine(o: {
  dev?: string[];
  smi?: string | null | Error;
  env?: Record<string, string>;
}): CudaProbeSources {
  return {
    env: (name) => o.env?.[name],
    readdir: (p) => {
      if (p !== '/dev') throw new Error(`ENOENT ${p}`);
      return o.dev ?? ['null', 'tty0', 'zero'];
    },
    exec: (file, args) => {
      expect([file, ...args]).toEqual(['nvidia-smi', '-L']);
      if (o.smi instanceof Error) throw o.smi;
      return o.smi ?? null;
    },
  };
}

describe('detectCudaDevice', () => {
  it('no GPU: no nvidia-smi and no /dev/nvidia<N>', async () => {
    const p = await detectCudaDevice(machine({}));
    expect(p).toEqual({
      usable: false,
      reason: 'no CUDA device (no nvidia-smi and no /dev/nvidia<N>)',
      gpus: [],
    });
  });

  it('accepts any /dev/nvidia<N>, not only nvidia0 (a container given GPU 3)', async () => {
    const p = await detectCudaDevice(machine({ dev: ['nvidia3', 'nvidiactl', 'nvidia-uvm', 'null'] }));
    expect(p.usable).toBe(true);
    expect(p.gpus).toEqual([{ index: 3, name: 'NVIDIA GPU' }]);
    expect(p.reason).toBe('1 CUDA GPU (3: NVIDIA GPU)');
  });

  it('nvidia-smi -L, when present, names the GPUs and wins over the device nodes', async () => {
    const p = await detectCudaDevice(machine({ dev: ['nvidia0'], smi: SMI }));
    expect(p.usable).toBe(true);
    expect(p.gpus.map((g) => [g.index, g.name])).toEqual([
      [0, 'NVIDIA GeForce RTX 3090'],
      [1, 'NVIDIA A100-SXM4-40GB'],
    ]);
    expect(p.reason).toBe('2 CUDA GPUs (0: NVIDIA GeForce RTX 3090, 1: NVIDIA A100-SXM4-40GB)');
  });

  it('a failing nvidia-smi (driver not loaded) is not usable and says why', async () => {
    const err = new Error(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\nMake sure ...",
    );
    const p = await detectCudaDevice(machine({ dev: ['nvidia0'], smi: err }));
    expect(p.usable).toBe(false);
    expect(p.reason).toBe(
      "no CUDA device (nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.)",
    );
  });

  it('nvidia-smi listing nothing is no device', async () => {
    const p = await detectCudaDevice(machine({ smi: 'No devices found.\n' }));
    expect(p.usable).toBe(false);
    expect(p.reason).toBe('no CUDA device (nvidia-smi -L lists no GPU)');
  });

  it.each([
    ['', []],
    ['-1', []],
    ['1', [1]],
    ['1,0', [1, 0]],
    ['0,-1,1', [0]],
    ['7', []],
    ['1,1', [1]],
    [' 1 , 0 ', [1, 0]],
    ['GPU-9f8e7d6c', [1]],
    ['GPU-9f8e7d6c-aaaa-bbbb-cccc-111111111111,0', [1, 0]],
    ['GPU-ffffffff', []],
  ])('CUDA_VISIBLE_DEVICES=%j shows GPUs %j', async (visible, want) => {
    const p = await detectCudaDevice(machine({ smi: SMI, env: { CUDA_VISIBLE_DEVICES: visible } }));
    expect(p.gpus.map((g) => g.index)).toEqual(want);
    expect(p.usable).toBe(want.length > 0);
    if (!p.usable)
      expect(p.reason).toBe(`no CUDA device (CUDA_VISIBLE_DEVICES=${JSON.stringify(visible)} hides all 2)`);
  });

  it('device nodes only: indices match /dev/nvidia<N>, a UUID takes the next GPU', () => {
    const all = [
      { index: 2, name: 'NVIDIA GPU' },
      { index: 5, name: 'NVIDIA GPU' },
    ];
    expect(applyCudaVisibleDevices(all, '5').map((g) => g.index)).toEqual([5]);
    expect(applyCudaVisibleDevices(all, '0').map((g) => g.index)).toEqual([]);
    expect(applyCudaVisibleDevices(all, 'GPU-abc').map((g) => g.index)).toEqual([2]);
    expect(applyCudaVisibleDevices(all, undefined)).toBe(all);
  });

  it('parses nvidia-smi -L and ignores MIG lines', () => {
    expect(parseNvidiaSmiList(SMI)).toEqual([
      { index: 0, name: 'NVIDIA GeForce RTX 3090', uuid: 'GPU-5e2a1c3b-aaaa-bbbb-cccc-000000000000' },
      { index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-9f8e7d6c-aaaa-bbbb-cccc-111111111111' },
    ]);
  });
});
