// JSON with typed arrays, for the browser-mode WebSocket (Electron IPC clones them natively).
//
// A typed array becomes {"$ta": kind, "b64": base64 of its bytes}; everything else is plain JSON.
// Base64 costs a third more bytes than binary frames but keeps one message per reply, which is
// what the request/response matching wants; the largest replies (spans at one pixel per span)
// are a few hundred KiB. Runs in Node and in the browser: no Buffer, only atob/btoa.

const KINDS = {
  f64: Float64Array,
  u8: Uint8Array,
  i32: Int32Array,
  u32: Uint32Array,
} as const;
type Kind = keyof typeof KINDS;

function kindOf(v: ArrayBufferView): Kind | null {
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Uint8Array) return 'u8';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint32Array) return 'u32';
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  // Chunks keep String.fromCharCode's argument list far below engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v)) {
      const kind = kindOf(v);
      if (kind === null) throw new Error(`wire codec: unsupported ${v.constructor.name}`);
      return { $ta: kind, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    if (typeof v === 'bigint') throw new Error('wire codec: bigint must travel as a hex string');
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$ta' in v && 'b64' in v) {
      const { $ta, b64 } = v as { $ta: unknown; b64: unknown };
      if (typeof $ta === 'string' && typeof b64 === 'string' && $ta in KINDS) {
        const bytes = fromBase64(b64);
        const Ctor = KINDS[$ta as Kind];
        if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error('wire codec: ragged typed array');
        // fromBase64 returns a fresh buffer starting at offset 0, so every element type is aligned.
        return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
    }
    return v;
  });
}
