// Chunks of derived rows (spans, summaries, flows) stored as one blob: each column of integers
// as zigzag varints of its difference from the previous row, compressed when that pays
// (body_compression.ts). Derived
// rows come by the hundred thousand per second; as SQLite rows they cost ~30 bytes each and most
// of the recording time, as chunks ~3-6 bytes and almost nothing.

import { compressBody, decompressBody } from './body_compression.ts';

const MAGIC = 0x52;
const HEADER_BYTES = 8;
/** The most rows a stored chunk may claim: bounds what a crafted file can make us allocate. */
const MAX_CHUNK_ROWS = 1 << 20;
const MAX_VARINT_BYTES = 8;

export class RowChunkError extends Error {}

/** Scratch for the column bytes, reused across chunks (encoding runs on one thread at a time). */
let scratch = new Uint8Array(0);

/** Encodes rows of `columns.length` integer columns (each a safe integer). */
export function encodeRows(columns: readonly ArrayLike<number>[]): Buffer {
  const count = columns[0]?.length ?? 0;
  if (count > MAX_CHUNK_ROWS) throw new RowChunkError(`row chunk of ${count} rows is over ${MAX_CHUNK_ROWS}`);
  const need = count * columns.length * MAX_VARINT_BYTES + 1;
  if (scratch.length < need) scratch = new Uint8Array(need);
  const body = scratch;
  let p = 0;
  for (const col of columns) {
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const v = col[i]!;
      const d = v - prev;
      prev = v;
      if ((d | 0) === d && d >= -0x40000000 && d < 0x40000000) {
        // Most differences are small: 32-bit integer arithmetic, the same bytes as below.
        let z = ((d << 1) ^ (d >> 31)) >>> 0;
        while (z >= 0x80) { body[p++] = (z & 0x7f) | 0x80; z >>>= 7; }
        body[p++] = z;
        continue;
      }
      let zz = d >= 0 ? d * 2 : -d * 2 - 1;
      while (zz >= 0x80) { body[p++] = (zz % 0x80) | 0x80; zz = Math.floor(zz / 0x80); }
      body[p++] = zz;
    }
  }
  const { payload, flag } = compressBody(body.subarray(0, p));
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = MAGIC;
  out[1] = columns.length;
  out[2] = flag;
  out[3] = 0;
  out.writeUInt32LE(count, 4);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Decodes a chunk of `ncols` columns; throws RowChunkError on any damage. */
export function decodeRows(blob: Uint8Array, ncols: number): number[][] {
  if (blob.length < HEADER_BYTES || blob[0] !== MAGIC || blob[1] !== ncols) throw new RowChunkError('a row chunk has a bad header');
  const count = (blob[4]! | (blob[5]! << 8) | (blob[6]! << 16) | (blob[7]! << 24)) >>> 0;
  if (count > MAX_CHUNK_ROWS) throw new RowChunkError(`a row chunk claims ${count} rows`);
  const body = decompressBody(blob.subarray(HEADER_BYTES), blob[2]!, count * ncols * MAX_VARINT_BYTES + 1);
  if (!body) throw new RowChunkError('a row chunk does not decompress');
  const end = body.length;
  let p = 0;
  const columns: number[][] = [];
  for (let c = 0; c < ncols; c++) {
    const col = new Array<number>(count);
    let prev = 0;
    for (let i = 0; i < count; i++) {
      let zz = 0, scale = 1, b = 0x80, n = 0;
      while (b & 0x80) {
        if (p >= end || n === MAX_VARINT_BYTES) throw new RowChunkError('a row chunk is truncated');
        b = body[p++]!;
        zz += (b & 0x7f) * scale;
        scale *= 0x80;
        n++;
      }
      prev += zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
      col[i] = prev;
    }
    columns.push(col);
  }
  if (p !== end) throw new RowChunkError('a row chunk has trailing bytes');
  return columns;
}
