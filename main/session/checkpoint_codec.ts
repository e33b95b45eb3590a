// Machine snapshots as stored in checkpoints. Memory pages are kept apart from the rest: each
// distinct page once (a kernel that fills free memory with a pattern has thousands of equal
// pages), each page as a bitmap of its non-zero 32-bit words followed by those words (a free
// page holding only its free-list link is 136 bytes, not 4096), the page list as two integer
// arrays, and the rest of the snapshot as V8's structured serialization; all compressed together
// (body_compression.ts) behind one marker byte. Restoring decompresses one small buffer and
// writes the non-zero words straight into the machine's memory, so a full snapshot of 64 MiB of
// mostly empty pages restores in milliseconds. Blobs of session formats 1 and 2 (raw deflate, no
// marker; version 1 with whole pages) still decode.

import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { BodyFlag, brotli, decompressBody } from './body_compression.ts';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';

const MAGIC_V1 = 0x504b4843; // "CHKP": whole pages
const MAGIC = 0x32504b43; // "CKP2": sparse pages
const PAGE = 4096;
const PAGE_WORDS = PAGE / 4;
const BITMAP_WORDS = PAGE_WORDS / 32;
const HEADER_WORDS = 5;
const MAX_SNAPSHOT_BYTES = 2 ** 31 - 1;
/**
 * The first byte of a brotli-compressed blob. No raw deflate stream starts with it: its block
 * type bits (1-2) are 11, which deflate reserves, so older deflated blobs are told apart by it.
 */
const BROTLI_MARK = 0xff;

export class CheckpointFormatError extends Error {}

/** A page as its bitmap of non-zero words, then those words. */
function sparsePage(page: Uint8Array): Uint32Array {
  const words = new Uint32Array(page.buffer, page.byteOffset, PAGE_WORDS);
  let nonZero = 0;
  for (let i = 0; i < PAGE_WORDS; i++) if (words[i] !== 0) nonZero++;
  const out = new Uint32Array(BITMAP_WORDS + nonZero);
  let k = BITMAP_WORDS;
  for (let i = 0; i < PAGE_WORDS; i++) {
    const w = words[i]!;
    if (w === 0) continue;
    out[i >>> 5] |= 1 << (i & 31);
    out[k++] = w;
  }
  return out;
}

/**
 * A page's checksum and sparse form, kept as long as the page's buffer lives: the recorder makes
 * full checkpoints out of the very pages earlier deltas brought, so each page is scanned once.
 * Snapshot pages are copies that nothing writes to afterwards.
 */
const pageForms = new WeakMap<Uint8Array, { sum: number; sparse: Uint32Array }>();

function formOf(data: Uint8Array): { sum: number; sparse: Uint32Array } {
  let form = pageForms.get(data);
  if (!form) {
    const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
    form = { sum: crc32(aligned), sparse: sparsePage(aligned) };
    pageForms.set(data, form);
  }
  return form;
}

export function encodeCheckpoint(snapshot: MachineSnapshot): Buffer {
  const pages = snapshot.pages;
  const numbers = new Uint32Array(pages.length);
  const refs = new Uint32Array(pages.length);
  const unique: Uint8Array[] = [];
  const sparse: Uint32Array[] = [];
  const byHash = new Map<number, number[]>();
  pages.forEach(([n, data], i) => {
    if (data.length !== PAGE) throw new CheckpointFormatError(`page ${n} is ${data.length} bytes`);
    numbers[i] = n;
    const form = formOf(data);
    const candidates = byHash.get(form.sum) ?? [];
    let ref = candidates.find((u) => Buffer.compare(unique[u]!, data) === 0);
    if (ref === undefined) {
      ref = unique.length;
      unique.push(data);
      sparse.push(form.sparse);
      candidates.push(ref);
      byHash.set(form.sum, candidates);
    }
    refs[i] = ref;
  });
  /** Where each unique page starts among the page words, and where the last ends. */
  const offsets = new Uint32Array(unique.length + 1);
  sparse.forEach((s, i) => { offsets[i + 1] = offsets[i]! + s.length; });
  const rest = serialize({ ...snapshot, pages: [] });
  const header = new Uint32Array([MAGIC, rest.length, pages.length, unique.length, offsets[unique.length]!]);
  const parts = [header, numbers, refs, offsets, ...sparse].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat([Buffer.of(BROTLI_MARK), brotli(Buffer.concat([...parts, rest]))]);
}

/**
 * A decoded checkpoint: the machine state without its pages, and a way to write the pages into
 * a memory (Machine.restore(state) first, which zeroes memory for a full snapshot).
 */
export interface CheckpointImage {
  state: MachineSnapshot;
  /** The page numbers the checkpoint holds, in order. */
  pages: Uint32Array;
  /**
   * Writes every page into `memory` (the machine's physical memory), replacing what it held;
   * `at(i)` says where the i-th page goes, by default at its own page number. For a full
   * snapshot the memory must be all zero (as Machine.restore leaves it).
   */
  writePages(memory: Uint8Array, at?: (i: number) => number): void;
}

function restOf(raw: Buffer, at: number): MachineSnapshot {
  let rest: unknown;
  try {
    rest = deserialize(raw.subarray(at));
  } catch {
    throw new CheckpointFormatError('has a damaged machine state');
  }
  const s = rest as MachineSnapshot;
  if (typeof s !== 'object' || s === null || !Array.isArray(s.cpus) || typeof s.clock !== 'number') throw new CheckpointFormatError('is not a machine snapshot');
  return { ...s, pages: [] };
}

function checkPage(n: number, memory: Uint8Array): void {
  if ((n + 1) * PAGE > memory.length) throw new CheckpointFormatError(`holds page ${n}, beyond the machine's memory`);
}

/** By default a page goes at its own number. */
const ownNumber = (numbers: Uint32Array) => (i: number) => numbers[i]!;

export function openCheckpoint(blob: Uint8Array): CheckpointImage {
  const body = blob[0] === BROTLI_MARK
    ? decompressBody(blob.subarray(1), BodyFlag.Brotli, MAX_SNAPSHOT_BYTES)
    : decompressBody(blob, BodyFlag.Deflated, MAX_SNAPSHOT_BYTES);
  if (!body) throw new CheckpointFormatError('does not decompress');
  const raw = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (raw.length < HEADER_WORDS * 4) throw new CheckpointFormatError('is truncated');
  // Copied out so that every view below is aligned.
  const header = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + HEADER_WORDS * 4));
  const [magic, restBytes, count, uniqueCount, pageWords] = header as unknown as [number, number, number, number, number];
  if (magic === MAGIC_V1) return openV1(raw, restBytes, count, uniqueCount);
  if (magic !== MAGIC) throw new CheckpointFormatError('has a bad header');
  const listWords = 2 * count + uniqueCount + 1;
  const restAt = (HEADER_WORDS + listWords + pageWords) * 4;
  if (raw.length !== restAt + restBytes) throw new CheckpointFormatError('has the wrong size');
  const words = new Uint32Array(raw.buffer.slice(raw.byteOffset + HEADER_WORDS * 4, raw.byteOffset + restAt));
  const numbers = words.subarray(0, count);
  const refs = words.subarray(count, 2 * count);
  const offsets = words.subarray(2 * count, listWords);
  const data = words.subarray(listWords);
  for (let i = 0; i < count; i++) if (refs[i]! >= uniqueCount) throw new CheckpointFormatError('refers to a page it does not hold');
  for (let u = 0; u < uniqueCount; u++) {
    const from = offsets[u]!, to = offsets[u + 1]!;
    if (to < from + BITMAP_WORDS || to > pageWords) throw new CheckpointFormatError('has a damaged page table');
    let bits = 0;
    for (let b = 0; b < BITMAP_WORDS; b++) {
      let v = data[from + b]!;
      for (; v !== 0; bits++) v &= v - 1;
    }
    if (bits !== to - from - BITMAP_WORDS) throw new CheckpointFormatError('has a damaged page');
  }
  const state = restOf(raw, restAt);
  return {
    state,
    pages: numbers,
    writePages(memory: Uint8Array, at = ownNumber(numbers)): void {
      const zeroed = state.full;
      const aligned = memory.byteOffset % 4 === 0;
      const mem32 = aligned ? new Uint32Array(memory.buffer, memory.byteOffset, memory.length >>> 2) : null;
      const view = new DataView(memory.buffer, memory.byteOffset, memory.length);
      for (let i = 0; i < count; i++) {
        const n = at(i);
        checkPage(n, memory);
        if (!zeroed) memory.fill(0, n * PAGE, (n + 1) * PAGE);
        const from = offsets[refs[i]!]!;
        let k = from + BITMAP_WORDS;
        for (let b = 0; b < BITMAP_WORDS; b++) {
          let bits = data[from + b]!;
          while (bits !== 0) {
            const low = bits & -bits;
            const word = n * PAGE_WORDS + b * 32 + (31 - Math.clz32(low));
            if (mem32) mem32[word] = data[k++]!;
            else view.setUint32(word * 4, data[k++]!, true);
            bits ^= low;
          }
        }
      }
    },
  };
}

/** Version 1: every distinct page whole. */
function openV1(raw: Buffer, restBytes: number, count: number, uniqueCount: number): CheckpointImage {
  const pagesAt = HEADER_WORDS * 4 + count * 8;
  const restAt = pagesAt + uniqueCount * PAGE;
  if (raw.length !== restAt + restBytes) throw new CheckpointFormatError('has the wrong size');
  const lists = new Uint32Array(raw.buffer.slice(raw.byteOffset + HEADER_WORDS * 4, raw.byteOffset + pagesAt));
  for (let i = 0; i < count; i++) if (lists[count + i]! >= uniqueCount) throw new CheckpointFormatError('refers to a page it does not hold');
  return {
    state: restOf(raw, restAt),
    pages: lists.subarray(0, count),
    writePages(memory: Uint8Array, at = ownNumber(lists)): void {
      for (let i = 0; i < count; i++) {
        const n = at(i);
        checkPage(n, memory);
        const from = pagesAt + lists[count + i]! * PAGE;
        memory.set(raw.subarray(from, from + PAGE), n * PAGE);
      }
    },
  };
}

/** The whole snapshot, every page materialized (for checks; time travel writes pages in place). */
export function decodeCheckpoint(blob: Uint8Array): MachineSnapshot {
  const image = openCheckpoint(blob);
  const memory = new Uint8Array(image.pages.length * PAGE);
  image.writePages(memory, (i) => i);
  const pages: [number, Uint8Array][] = [...image.pages].map((n, i) => [n, memory.subarray(i * PAGE, (i + 1) * PAGE)]);
  return { ...image.state, pages };
}
