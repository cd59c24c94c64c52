/**
 * Resume support of the TensorBoard callback (Node-only): a run resumed at epoch k (fitWithBackup) drops the
 * events of epochs >= k from the event files it finds, so re-run epochs appear once.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@betterdl/runtime/node';

function varint(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  let mul = 1;
  let i = at;
  for (;;) {
    if (i >= b.length) throw new Error('truncated varint');
    const byte = b[i++] as number;
    v += (byte & 0x7f) * mul;
    if (byte < 0x80) return [v, i];
    mul *= 128;
  }
}

/** Fields of one protobuf message: number → list of [wire type, value or bytes]. */
function fields(b: Uint8Array): Map<number, Array<number | Uint8Array>> {
  const out = new Map<number, Array<number | Uint8Array>>();
  let i = 0;
  while (i < b.length) {
    const [key, a] = varint(b, i);
    i = a;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) [value, i] = varint(b, i);
    else if (wire === 1) {
      value = 0;
      i += 8;
    } else if (wire === 5) {
      value = 0;
      i += 4;
    } else if (wire === 2) {
      const [len, s] = varint(b, i);
      value = b.subarray(s, s + len);
      i = s + len;
    } else throw new Error(`unsupported wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

/** True for an epoch-level Event at step >= `epoch`, or a `batch_*` one at step > `batch`. */
function isRerun(event: Uint8Array, epoch: number, batch: number): boolean {
  const f = fields(event);
  const step = (f.get(2)?.[0] as number | undefined) ?? 0;
  const summary = f.get(5)?.[0];
  if (!(summary instanceof Uint8Array)) return false;
  const tags = (fields(summary).get(1) ?? []).map((v) => {
    const tag = fields(v as Uint8Array).get(1)?.[0];
    return tag instanceof Uint8Array ? new TextDecoder().decode(tag) : '';
  });
  return tags.some((t) => t.startsWith('batch_')) ? step > batch : step >= epoch;
}

/**
 * Rewrites every `events.out.tfevents.*` file in `dir` without the events of re-run epochs: epoch-level ones
 * at steps >= `epoch`, `batch_*` ones at steps > `batch` (records are kept byte for byte otherwise). Returns
 * how many events were dropped. A file it cannot parse is left as it is.
 */
export async function dropRerunEvents(dir: string, epoch: number, batch: number): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith('events.out.tfevents.'));
  } catch {
    return 0;
  }
  let dropped = 0;
  for (const name of names) {
    const path = join(dir, name);
    const data = new Uint8Array(await readFile(path));
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const keep: Uint8Array[] = [];
    let n = 0;
    let ok = true;
    for (let at = 0; at < data.length; ) {
      if (at + 12 > data.length) {
        ok = false;
        break;
      }
      const len = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
      const end = at + 12 + len + 4;
      if (end > data.length) {
        ok = false;
        break;
      }
      try {
        if (isRerun(data.subarray(at + 12, at + 12 + len), epoch, batch)) n++;
        else keep.push(data.subarray(at, end));
      } catch {
        ok = false;
        break;
      }
      at = end;
    }
    if (!ok || n === 0) continue;
    const out = new Uint8Array(keep.reduce((s, k) => s + k.length, 0));
    let o = 0;
    for (const k of keep) {
      out.set(k, o);
      o += k.length;
    }
    await writeFileAtomic(path, out);
    dropped += n;
  }
  return dropped;
}
