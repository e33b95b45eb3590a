// One chunk of the event stream as stored on disk: the machine's 80-byte records turned into
// columns, each value stored as the zigzag varint of its difference from the same column of the
// previous event of the same kind (times from the previous event), then deflated.
//
// Why this shape (tests/bench/session_bench.ts measures the alternatives): neighbouring events of
// one kind repeat most of their words (the same RIP region, the same stack, zero arguments), so
// per-kind deltas are mostly 0 and a column of them deflates to almost nothing. Each chunk decodes
// on its own, back into exactly the words the machine produced.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';

const CHUNK_MAGIC = 0x46;
const CHUNK_VERSION = 1;
const HEADER_BYTES = 8;
/** Header flag: the body is deflated (set only when that makes it smaller). */
const FLAG_DEFLATED = 1;
/** Header flag: times were not all integers, so they are kept as raw float64s. */
const FLAG_RAW_TIMES = 2;
/** The most events a stored chunk may claim: bounds what a crafted file can make us allocate. */
const MAX_CHUNK_EVENTS = 65536;
const MAX_VARINT_BYTES = 5;

export class ChunkFormatError extends Error {}

/** Scratch for the column bytes, reused across chunks (encoding runs on one thread at a time). */
let scratch = new Uint8Array(0);

/**
 * Encodes `count` records (RECORD_WORDS words each) into one chunk blob; `deflate` false keeps
 * the columns as they are (the benchmark measures what deflating buys).
 */
export function encodeChunk(words: Uint32Array, count: number, deflate = true): Buffer {
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
  // Word 1 and words 4..19, each as the difference from the previous event of the same kind; a
  // run of zero differences (the common case: unused arguments, repeated values) is written as a
  // 0 followed by the run length minus one.
  const prevByKind = new Int32Array(256);
  for (let c = 0; c < ARG_COLUMNS.length; c++) {
    const col = ARG_COLUMNS[c]!;
    prevByKind.fill(0);
    let zeros = 0;
    for (let i = 0; i < count; i++) {
      const w = i * RECORD_WORDS;
      const kind = words[w]! & 0xff;
      const cur = col === 0 ? words[w]! >>> 8 : words[w + col]! | 0;
      const d = (cur - prevByKind[kind]!) | 0;
      prevByKind[kind] = cur;
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
  let flags = rawTimes ? FLAG_RAW_TIMES : 0;
  let payload: Uint8Array = body.subarray(0, p);
  const deflated = deflate ? deflateRawSync(payload, { level: 1 }) : payload;
  if (deflated.length < payload.length) { payload = deflated; flags |= FLAG_DEFLATED; }
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = CHUNK_MAGIC;
  out[1] = CHUNK_VERSION;
  out[2] = flags;
  out[3] = 0;
  out.writeUInt32LE(count, 4);
  out.set(payload, HEADER_BYTES);
  return out;
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
  if (blob.length < HEADER_BYTES || blob[0] !== CHUNK_MAGIC || blob[1] !== CHUNK_VERSION) throw damaged('has a bad header');
  const flags = blob[2]!;
  const count = (blob[4]! | (blob[5]! << 8) | (blob[6]! << 16) | (blob[7]! << 24)) >>> 0;
  if (count > MAX_CHUNK_EVENTS) throw damaged(`claims ${count} events`);
  let body: Uint8Array = blob.subarray(HEADER_BYTES);
  if (flags & FLAG_DEFLATED) {
    try {
      body = inflateRawSync(body, { maxOutputLength: maxBodyBytes(count) });
    } catch {
      throw damaged('does not inflate');
    }
  }
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
  const prevByKind = new Int32Array(256);
  for (let c = 0; c < ARG_COLUMNS.length; c++) {
    const col = ARG_COLUMNS[c]!;
    prevByKind.fill(0);
    let zeros = 0;
    for (let i = 0; i < count; i++) {
      const w = i * RECORD_WORDS;
      const kind = words[w]! & 0xff;
      if (zeros > 0) {
        zeros--;
        store(words, w, col, kind, prevByKind[kind]!);
        continue;
      }
      let zz = 0, shift = 0, b = 0x80;
      while (b & 0x80 && p < end && shift < 35) { b = body[p++]!; zz |= (b & 0x7f) << shift; shift += 7; }
      if (b & 0x80) throw damaged('is truncated');
      if (zz === 0) {
        shift = 0; b = 0x80;
        while (b & 0x80 && p < end && shift < 35) { b = body[p++]!; zeros |= (b & 0x7f) << shift; shift += 7; }
        if (b & 0x80 || zeros < 0 || zeros >= count - i) throw damaged('has a bad run');
        store(words, w, col, kind, prevByKind[kind]!);
        continue;
      }
      const v = (prevByKind[kind]! + ((zz >>> 1) ^ -(zz & 1))) | 0;
      prevByKind[kind] = v;
      store(words, w, col, kind, v);
    }
  }
  if (p !== end) throw damaged(p < end ? 'has trailing bytes' : 'is truncated');
  return { firstSeq, count, words, texts };
}
