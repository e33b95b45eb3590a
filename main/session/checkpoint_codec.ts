// Machine snapshots as stored in checkpoints. Memory pages are kept apart from the rest: each
// distinct page once (a kernel that fills free memory with a pattern has thousands of equal
// pages), the page list as two integer arrays, and the rest of the snapshot as V8's structured
// serialization; all deflated together. Restoring then inflates one buffer and makes views
// into it, instead of deserializing thousands of small arrays.

import { deserialize, serialize } from 'node:v8';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';

const MAGIC = 0x504b4843; // "CHKP"
const PAGE = 4096;
const HEADER_WORDS = 5;
const MAX_SNAPSHOT_BYTES = 2 ** 31 - 1;

export class CheckpointFormatError extends Error {}

export function encodeCheckpoint(snapshot: MachineSnapshot): Buffer {
  const pages = snapshot.pages;
  const numbers = new Uint32Array(pages.length);
  const refs = new Uint32Array(pages.length);
  const unique: Uint8Array[] = [];
  const byHash = new Map<number, number[]>();
  pages.forEach(([n, data], i) => {
    if (data.length !== PAGE) throw new CheckpointFormatError(`page ${n} is ${data.length} bytes`);
    numbers[i] = n;
    const h = crc32(data);
    const candidates = byHash.get(h) ?? [];
    let ref = candidates.find((u) => Buffer.compare(unique[u]!, data) === 0);
    if (ref === undefined) {
      ref = unique.length;
      unique.push(data);
      candidates.push(ref);
      byHash.set(h, candidates);
    }
    refs[i] = ref;
  });
  const rest = serialize({ ...snapshot, pages: [] });
  const header = new Uint32Array([MAGIC, rest.length, pages.length, unique.length, 0]);
  const parts = [header, numbers, refs, ...unique].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return deflateRawSync(Buffer.concat([...parts, rest]), { level: 1 });
}

export function decodeCheckpoint(blob: Uint8Array): MachineSnapshot {
  let raw: Buffer;
  try {
    raw = inflateRawSync(blob, { maxOutputLength: MAX_SNAPSHOT_BYTES });
  } catch {
    throw new CheckpointFormatError('does not inflate');
  }
  if (raw.length < HEADER_WORDS * 4) throw new CheckpointFormatError('is truncated');
  const header = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + HEADER_WORDS * 4));
  const [magic, restBytes, count, uniqueCount] = header as unknown as [number, number, number, number];
  if (magic !== MAGIC) throw new CheckpointFormatError('has a bad header');
  const pagesAt = HEADER_WORDS * 4 + count * 8;
  const restAt = pagesAt + uniqueCount * PAGE;
  if (raw.length !== restAt + restBytes) throw new CheckpointFormatError('has the wrong size');
  const lists = new Uint32Array(raw.buffer.slice(raw.byteOffset + HEADER_WORDS * 4, raw.byteOffset + pagesAt));
  let rest: unknown;
  try {
    rest = deserialize(raw.subarray(restAt));
  } catch {
    throw new CheckpointFormatError('has a damaged machine state');
  }
  const s = rest as MachineSnapshot;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.cpus) || typeof s.clock !== 'number') throw new CheckpointFormatError('is not a machine snapshot');
  const pages: [number, Uint8Array][] = [];
  for (let i = 0; i < count; i++) {
    const ref = lists[count + i]!;
    if (ref >= uniqueCount) throw new CheckpointFormatError('refers to a page it does not hold');
    pages.push([lists[i]!, new Uint8Array(raw.buffer, raw.byteOffset + pagesAt + ref * PAGE, PAGE)]);
  }
  return { ...s, pages };
}
