// One chunk of the event stream as stored on disk: the machine's 80-byte records turned into
// columns, each value stored as the zigzag varint of its difference from the same column of the
// previous event of the same shape (times from the previous event), then compressed
// (body_compression.ts).
//
// Why this shape (tests/bench/session_bench.ts measures the alternatives): neighbouring events of
// one shape repeat most of their words (the same RIP region, the same stack, zero arguments), so
// their deltas are mostly 0 and a column of them compresses to almost nothing. The shape is word 0
// whole (kind, CPU and flags): a lock-release trace record is compared with the last lock release
// on that CPU, not with whatever trace record came last, and a page fault with the last page fault
// (version 2; version 1 compared by kind alone, and left twice the bytes to compress).
// Word 0 itself is compared by kind. Each chunk decodes on its own, back into exactly the words the
// machine produced.

import { RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';
import { compressBody, decompressBody } from './body_compression.ts';

const CHUNK_MAGIC = 0x46;
/** The version written; 1 (deltas per kind only) is still read. */
const CHUNK_VERSION = 2;
const HEADER_BYTES = 8;
/** Header flag: times were not all integers, so they are kept as raw float64s (bits 0 and 2 say how the body is compressed). */
const FLAG_RAW_TIMES = 2;
/** The most events a stored chunk may claim: bounds what a crafted file can make us allocate. */
const MAX_CHUNK_EVENTS = 65536;
const MAX_VARINT_BYTES = 5;

export class ChunkFormatError extends Error {}

/** Scratch for the column bytes and each event's slots, reused across chunks (encoding runs on one thread at a time). */
let scratch = new Uint8Array(0);
let kindSlots = new Uint16Array(0);
let shapeSlots = new Uint16Array(0);

/**
 * Encodes `count` records (RECORD_WORDS words each) into one chunk blob; `compress` false keeps
 * the columns as they are (the benchmark measures what compressing buys).
 */
export function encodeChunk(words: Uint32Array, count: number, compress = true): Buffer {
  if (count > MAX_CHUNK_EVENTS) throw new ChunkFormatError(`chunk of ${count} events is over ${MAX_CHUNK_EVENTS}`);
  if (words.byteOffset % 8 !== 0) words = words.slice(0, count * RECORD_WORDS);
  const times = new Float64Array(words.buffer, words.byteOffset, (count * RECORD_WORDS) >> 1);
  const F64_STRIDE = RECORD_WORDS >> 1;
  let rawTimes = false;
  for (let i = 0; i < count; i++) {
    const t = times[i * F64_STRIDE + 1]!;
    if (!Number.isSafeInteger(t) || t < 0) { rawTimes = true; break; }
  }
  const need = maxBodyBytes(count);
  if (scratch.length < need) scratch = new Uint8Array(need);
  const body = scratch;
  let p = 0;
  // Time: differences of integer ticks (exact in a float64), split into two varints (low 28 bits,
  // rest) so that no step needs more than 32-bit integer arithmetic.
  if (rawTimes) {
    const raw = new Uint8Array(times.buffer, times.byteOffset, times.byteLength);
    for (let i = 0; i < count; i++) {
      const at = (i * RECORD_WORDS + 2) * 4;
      for (let b = 0; b < 8; b++) body[p++] = raw[at + b]!;
    }
  } else {
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const t = times[i * F64_STRIDE + 1]!;
      const d = t - prev;
      const zz = d >= 0 ? d * 2 : -d * 2 - 1;
      let v = zz % 0x10000000;
      while (v > 0x7f) { body[p++] = (v & 0x7f) | 0x80; v >>>= 7; }
      body[p++] = v;
      v = Math.floor(zz / 0x10000000);
      while (v > 0x7f) { body[p++] = (v & 0x7f) | 0x80; v >>>= 7; }
      body[p++] = v;
      prev = t;
    }
  }
  // The kind (low byte of word 0) as a byte: every other column is a difference per kind.
  for (let i = 0; i < count; i++) body[p++] = words[i * RECORD_WORDS]! & 0xff;
  // Word 0 above the kind, word 1 and words 4..19, each as the difference from the previous event
  // of the same kind (word 0) or shape (the rest); a run of zero differences (the common case:
  // unused arguments, repeated values) is written as a 0 followed by the run length minus one.
  if (kindSlots.length < count) { kindSlots = new Uint16Array(count); shapeSlots = new Uint16Array(count); }
  for (let i = 0; i < count; i++) {
    const w0 = words[i * RECORD_WORDS]!;
    kindSlots[i] = w0 & 0xff;
    shapeSlots[i] = shapeSlot(w0);
  }
  const prev = new Int32Array(SLOTS);
  for (let c = 0; c < ARG_COLUMNS.length; c++) {
    const col = ARG_COLUMNS[c]!;
    const slots = col === 0 ? kindSlots : shapeSlots;
    prev.fill(0);
    let zeros = 0;
    for (let i = 0; i < count; i++) {
      const w = i * RECORD_WORDS;
      const slot = slots[i]!;
      const cur = col === 0 ? words[w]! >>> 8 : words[w + col]! | 0;
      const d = (cur - prev[slot]!) | 0;
      prev[slot] = cur;
      if (d === 0) { zeros++; continue; }
      if (zeros > 0) {
        body[p++] = 0;
        let r = zeros - 1;
        while (r > 0x7f) { body[p++] = (r & 0x7f) | 0x80; r >>>= 7; }
        body[p++] = r;
        zeros = 0;
      }
      let v = ((d << 1) ^ (d >> 31)) >>> 0;
      while (v > 0x7f) { body[p++] = (v & 0x7f) | 0x80; v >>>= 7; }
      body[p++] = v;
    }
    if (zeros > 0) {
      body[p++] = 0;
      let r = zeros - 1;
      while (r > 0x7f) { body[p++] = (r & 0x7f) | 0x80; r >>>= 7; }
      body[p++] = r;
    }
  }
  const { payload, flag } = compress ? compressBody(body.subarray(0, p)) : { payload: body.subarray(0, p), flag: 0 };
  const flags = (rawTimes ? FLAG_RAW_TIMES : 0) | flag;
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = CHUNK_MAGIC;
  out[1] = CHUNK_VERSION;
  out[2] = flags;
  out[3] = 0;
  out.writeUInt32LE(count, 4);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Slots of the previous-value table: a kind, or a shape hashed (collisions cost bytes, never values). */
const SLOTS = 4096;

/** The slot of an event's shape: its whole word 0 (kind, CPU, flags), hashed to 12 bits. */
function shapeSlot(w0: number): number {
  return Math.imul(w0, 0x9e3779b1) >>> 20;
}

/** Word 0 (cpu and flags, above the kind), word 1 (pid), words 4-19 (arguments). */
const ARG_COLUMNS: readonly number[] = [0, 1, ...Array.from({ length: RECORD_WORDS - 4 }, (_, i) => i + 4)];

/** Puts a decoded column value back; column 0 holds word 0 above its kind byte. */
function store(words: Uint32Array, w: number, col: number, kind: number, v: number): void {
  words[w + col] = col === 0 ? ((v << 8) | kind) >>> 0 : v;
}

function maxBodyBytes(count: number): number {
  return count * (RECORD_WORDS - 2) * MAX_VARINT_BYTES + count * 8 + 16;
}

/** Decodes a chunk blob back into the machine's records. Throws ChunkFormatError on any damage. */
export function decodeChunk(blob: Uint8Array, firstSeq: number, texts: string[]): EventBatch {
  const damaged = (what: string) => new ChunkFormatError(`event chunk at seq ${firstSeq} ${what}`);
  const version = blob[1];
  if (blob.length < HEADER_BYTES || blob[0] !== CHUNK_MAGIC || (version !== 1 && version !== CHUNK_VERSION)) throw damaged('has a bad header');
  const flags = blob[2]!;
  const count = (blob[4]! | (blob[5]! << 8) | (blob[6]! << 16) | (blob[7]! << 24)) >>> 0;
  if (count > MAX_CHUNK_EVENTS) throw damaged(`claims ${count} events`);
  const body = decompressBody(blob.subarray(HEADER_BYTES), flags, maxBodyBytes(count));
  if (!body) throw damaged('does not decompress');
  const end = body.length;
  const words = new Uint32Array(count * RECORD_WORDS);
  const times = new Float64Array(words.buffer);
  const F64_STRIDE = RECORD_WORDS >> 1;
  let p = 0;
  // Every varint read below is bounded by `end` and 5 bytes; a damaged body fails the final length check.
  if (flags & FLAG_RAW_TIMES) {
    if (end < count * 8) throw damaged('is truncated');
    const raw = new Uint8Array(words.buffer);
    for (let i = 0; i < count; i++) {
      const at = (i * RECORD_WORDS + 2) * 4;
      for (let b = 0; b < 8; b++) raw[at + b] = body[p++]!;
    }
  } else {
    let prev = 0;
    for (let i = 0; i < count; i++) {
      let lo = 0, hi = 0, shift = 0, b = 0x80;
      while (b & 0x80 && p < end && shift < 35) { b = body[p++]!; lo += (b & 0x7f) * 2 ** shift; shift += 7; }
      if (b & 0x80) throw damaged('is truncated');
      shift = 0; b = 0x80;
      while (b & 0x80 && p < end && shift < 35) { b = body[p++]!; hi += (b & 0x7f) * 2 ** shift; shift += 7; }
      if (b & 0x80) throw damaged('is truncated');
      const zz = lo + hi * 0x10000000;
      prev += zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
      times[i * F64_STRIDE + 1] = prev;
    }
  }
  if (end - p < count) throw damaged('is truncated');
  for (let i = 0; i < count; i++) words[i * RECORD_WORDS] = body[p++]!;
  const prev = new Int32Array(SLOTS);
  for (let c = 0; c < ARG_COLUMNS.length; c++) {
    const col = ARG_COLUMNS[c]!;
    prev.fill(0);
    let zeros = 0;
    for (let i = 0; i < count; i++) {
      const w = i * RECORD_WORDS;
      const w0 = words[w]!;
      const kind = w0 & 0xff;
      // Column 0 completes word 0 before any other column is read, so the shape is known here.
      const slot = col === 0 || version === 1 ? kind : shapeSlot(w0);
      if (zeros > 0) {
        zeros--;
        store(words, w, col, kind, prev[slot]!);
        continue;
      }
      let zz = 0, shift = 0, b = 0x80;
      while (b & 0x80 && p < end && shift < 35) { b = body[p++]!; zz |= (b & 0x7f) << shift; shift += 7; }
      if (b & 0x80) throw damaged('is truncated');
      if (zz === 0) {
        shift = 0; b = 0x80;
        while (b & 0x80 && p < end && shift < 35) { b = body[p++]!; zeros |= (b & 0x7f) << shift; shift += 7; }
        if (b & 0x80 || zeros < 0 || zeros >= count - i) throw damaged('has a bad run');
        store(words, w, col, kind, prev[slot]!);
        continue;
      }
      const v = (prev[slot]! + ((zz >>> 1) ^ -(zz & 1))) | 0;
      prev[slot] = v;
      store(words, w, col, kind, v);
    }
  }
  if (p !== end) throw damaged(p < end ? 'has trailing bytes' : 'is truncated');
  return { firstSeq, count, words, texts };
}
