// The trace port (0x500, GUEST-INTERFACE.md "Trace records"): the kernel writes a record into
// memory and OUTs its physical address (32 bits, so below 4 GiB); the record is read and checked
// during that OUT and handed to `onTrace`, which the machine turns into a trace event stamped
// with the CPU and the time. The guest is untrusted: a record that is not well formed (wrong OUT
// width, size outside 56..4096, not wholly inside RAM, an unknown type) is reported as a type-0
// INVALID_RECORD trace whose text says what was wrong, never as a host exception.
//
//   +0x00 u16 type   +0x02 u16 size   +0x04 u32 pid   +0x08 u64 a[6]   +0x38 u8 text[size - 56]

import type { PortDevice } from './io_ports.ts';
import type { PhysMem } from './phys_mem.ts';
import { TRACE_HEADER_SIZE, TRACE_MAX_SIZE, TRACE_TYPE_MAX, TraceType } from './trace_format.ts';

export const TRACE_PORT = 0x500;
/** Ports claimed: 0x500 only (a 32-bit OUT to 0x500 is the one way to post). */
export const TRACE_PORT_COUNT = 1;

export interface PostedTrace {
  /** Tracepoint id (0 = INVALID_RECORD, made by the machine). */
  type: number;
  /** The record's pid field; -1 for an invalid record (not known). */
  pid: number;
  /** a0..a5 as 12 words lo0, hi0, lo1, hi1, ... (the event record's argument layout). */
  args: Uint32Array;
  /** The record's text, UTF-8 decoded with U+FFFD for malformed sequences. */
  text: string;
}

const decoder = new TextDecoder('utf-8');

export class TracePort implements PortDevice {
  /** Records posted (valid or not): a cheap statistic. */
  posted = 0;

  constructor(private readonly mem: PhysMem, private readonly onTrace: (t: PostedTrace) => void) {}

  in(_port: number, size: number): number {
    return size >= 4 ? 0xffffffff : (1 << (size * 8)) - 1; // write-only
  }

  out(_port: number, size: number, value: number): void {
    this.posted++;
    this.onTrace(this.read(value >>> 0, size));
  }

  /** Reads and validates the record at physical `pa`; `size` is the OUT width (must be 4). */
  read(pa: number, outSize = 4): PostedTrace {
    const mem = this.mem;
    if (outSize !== 4) return invalid(pa, 0, 0, `trace port written with a ${outSize * 8}-bit OUT (needs 32 bits)`);
    if (!mem.inRam(pa, TRACE_HEADER_SIZE)) {
      return invalid(pa, 0, 0, `record header at 0x${pa.toString(16)} is outside RAM (size 0x${mem.size.toString(16)})`);
    }
    const v = mem.view;
    const type = v.getUint16(pa, true);
    const size = v.getUint16(pa + 2, true);
    if (size < TRACE_HEADER_SIZE || size > TRACE_MAX_SIZE) {
      return invalid(pa, size, type, `record size ${size} is outside ${TRACE_HEADER_SIZE}..${TRACE_MAX_SIZE}`);
    }
    if (!mem.inRam(pa, size)) {
      return invalid(pa, size, type, `record of ${size} bytes at 0x${pa.toString(16)} runs past the end of RAM`);
    }
    if (type === TraceType.INVALID_RECORD || type > TRACE_TYPE_MAX) {
      return invalid(pa, size, type, `unknown tracepoint type ${type}`);
    }
    const args = new Uint32Array(12);
    for (let i = 0; i < 12; i++) args[i] = v.getUint32(pa + 8 + 4 * i, true);
    const text = size > TRACE_HEADER_SIZE ? decoder.decode(mem.bytes.subarray(pa + TRACE_HEADER_SIZE, pa + size)) : '';
    return { type, pid: v.getUint32(pa + 4, true) | 0, args, text };
  }

  // No state beyond a counter; present so the machine treats every device alike.
  save(): { posted: number } { return { posted: this.posted }; }
  load(s: { posted: number }): void { this.posted = s.posted; }
}

function invalid(pa: number, size: number, type: number, reason: string): PostedTrace {
  const args = new Uint32Array(12);
  args[0] = pa >>> 0;
  args[2] = size;
  args[4] = type;
  return { type: TraceType.INVALID_RECORD, pid: -1, args, text: reason };
}
