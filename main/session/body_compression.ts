// How the bodies of stored chunks (events, derived rows, checkpoints) are compressed: brotli at quality 1,
// kept only when it makes the body smaller. On the event stream it is 3x faster than deflate at
// level 1 for 3% more bytes (tests/bench/session_bench.ts), and compressing is a third of the
// recorder's time. Files written before still hold deflated bodies, and they still read.

import { brotliCompressSync, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';

/** Header flag bits a chunk sets for its body; the other bits are the chunk's own. */
export const BodyFlag = { Deflated: 1, Brotli: 4 } as const;
const COMPRESSION_BITS = BodyFlag.Deflated | BodyFlag.Brotli;

/** Bodies this small are stored as they are: compressing them costs more than it saves. */
const MIN_COMPRESSED_BYTES = 64;

const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } };

/** Brotli at the quality every stored body uses. */
export function brotli(body: Uint8Array): Buffer {
  return brotliCompressSync(body, BROTLI_OPTIONS);
}

/** The body to store and the flag saying how it is compressed (0: not at all). */
export function compressBody(body: Uint8Array): { payload: Uint8Array; flag: number } {
  if (body.length > MIN_COMPRESSED_BYTES) {
    const packed = brotli(body);
    if (packed.length < body.length) return { payload: packed, flag: BodyFlag.Brotli };
  }
  return { payload: body, flag: 0 };
}

/**
 * The body as stored before compression, given the chunk's flags; null when it does not
 * decompress within `maxBytes` or the flags name two methods (a damaged chunk).
 */
export function decompressBody(body: Uint8Array, flags: number, maxBytes: number): Uint8Array | null {
  try {
    switch (flags & COMPRESSION_BITS) {
      case 0: return body;
      case BodyFlag.Deflated: return inflateRawSync(body, { maxOutputLength: maxBytes });
      case BodyFlag.Brotli: return brotliDecompressSync(body, { maxOutputLength: maxBytes });
      default: return null;
    }
  } catch {
    return null;
  }
}
