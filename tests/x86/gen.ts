// Case generation for the differential tests: a seeded RNG, operand values that sit on the edges
// (0, 1, -1, sign boundaries, carries) or are random, and an x86-64 encoder for ModRM/SIB memory
// operands that points every memory operand into the test window. The host CPU is the oracle:
// the generator only has to know which registers address memory and which feed implicit operands.

import { CODE_ADDR, WIN_ADDR, WIN_SIZE, type Case } from './host.ts';

export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  /** mulberry32 */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return this.u32() % n; }
  bool(p = 0.5): boolean { return this.u32() / 4294967296 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
}

/** A value of `bits` bits: an edge value most of the time, else random (unsigned bigint). */
export function edge(rng: Rng, bits: number): bigint {
  const m = (1n << BigInt(bits)) - 1n;
  const min = 1n << BigInt(bits - 1);
  const k = rng.int(16);
  let v: bigint;
  switch (k) {
    case 0: v = 0n; break;
    case 1: v = 1n; break;
    case 2: v = m; break; // -1
    case 3: v = min; break; // most negative
    case 4: v = min - 1n; break; // most positive
    case 5: v = min + 1n; break;
    case 6: v = m - 1n; break;
    case 7: v = BigInt(rng.int(16)); break;
    case 8: v = m - BigInt(rng.int(16)); break;
    case 9: v = 0x7fn + BigInt(rng.int(3)); break;
    case 10: v = 0x7fffn + BigInt(rng.int(3)); break;
    case 11: v = 0x7fffffffn + BigInt(rng.int(3)); break;
    default: v = rng.u64();
  }
  return v & m;
}

/** A 64-bit register value whose low `bits` are an edge value and whose upper bits are random. */
export function edgeReg(rng: Rng, bits: number): bigint {
  if (bits >= 64) return edge(rng, 64);
  const low = edge(rng, bits);
  const up = rng.bool(0.3) ? 0n : rng.u64() >> BigInt(bits) << BigInt(bits);
  return BigInt.asUintN(64, up | low);
}

const SIZE_BITS = [0, 8, 16, 0, 32, 0, 0, 0, 64];

export const MASK64 = (1n << 64n) - 1n;

/** A memory operand as encoded: ModRM mod/rm, optional SIB, displacement bytes, REX.X/B. */
export interface MemOp {
  mod: number;
  rm: number;
  sib: number; // -1 when absent
  disp: number;
  dispBytes: number;
  rexX: boolean;
  rexB: boolean;
  addr32: boolean;
  /** RIP-relative: disp is patched once the instruction's end is known. */
  ripTarget: number; // -1 when not RIP-relative
  /** The linear address the operand designates. */
  addr: number;
}

export type Operand = { reg: number } | MemOp;

/** A case under construction: registers, flags, window, code, which flags are compared. */
export class Ctx {
  regs: bigint[] = [];
  rflags = 0x202n;
  window = new Uint8Array(WIN_SIZE);
  code: number[] = [];
  /** RFLAGS bits compared (the arithmetic flags and DF, minus what the SDM leaves undefined). */
  flagMask = 0x8d5 | 0x400;
  /** Registers that implicit operands need: memory operands avoid them as base/index. */
  reserved = new Set<number>();
  constructor(readonly rng: Rng) {
    for (let r = 0; r < 16; r++) this.regs.push(edgeReg(rng, rng.pick([8, 16, 32, 64])));
    for (let k = 0; k < WIN_SIZE; k++) this.window[k] = rng.u32() & 0xff;
    // Random arithmetic flags, IF set (user mode keeps it), DF clear unless a form sets it.
    this.rflags = BigInt(0x202 | (rng.u32() & 0x8d5));
    this.regs[4] = BigInt(WIN_ADDR + 0x300);
  }

  setReg(r: number, v: bigint): void { this.regs[r] = BigInt.asUintN(64, v); }
  reserve(...rs: number[]): void { for (const r of rs) this.reserved.add(r); }
  mask(bits: number): void { this.flagMask &= ~bits; }

  /** Writes a little-endian value of `size` bytes into the window at address `addr`. */
  poke(addr: number, size: number, v: bigint): void {
    const o = addr - WIN_ADDR;
    for (let k = 0; k < size; k++) this.window[o + k] = Number((v >> BigInt(8 * k)) & 0xffn);
  }

  /** A random register number not reserved (for operands), optionally excluding more. */
  freeReg(...exclude: number[]): number {
    for (;;) {
      const r = this.rng.int(16);
      if (!this.reserved.has(r) && !exclude.includes(r)) return r;
    }
  }

  /**
   * A memory operand of `size` bytes at a random window address (offset range [lo, hi) from the
   * window start), using a random addressing form; sets the base/index registers to reach it.
   */
  mem(size: number, lo = 64, hi = WIN_SIZE - 64, allow32 = true): MemOp {
    const rng = this.rng;
    const off = lo + rng.int(Math.max(1, hi - lo - size));
    const target = WIN_ADDR + off;
    const addr32 = allow32 && rng.bool(0.1);
    const kind = rng.int(8); // 0 [base] 1 [base+d8] 2 [base+d32] 3-4 [base+index*s+d] 5 [index*s+d32] 6 [d32] 7 [rip+d32]
    const m: MemOp = { mod: 0, rm: 0, sib: -1, disp: 0, dispBytes: 0, rexX: false, rexB: false, addr32, ripTarget: -1, addr: target };
    const pickBase = (): number => this.freeReg();
    const setBase = (b: number, v: bigint): void => {
      // With a 67 prefix only the low 32 bits address: fill the upper half with garbage.
      this.setReg(b, addr32 ? (rng.u64() & ~0xffffffffn) | BigInt.asUintN(32, v) : v);
    };
    if (kind === 7 && !addr32) {
      m.mod = 0; m.rm = 5; m.dispBytes = 4; m.ripTarget = target;
      return m;
    }
    if (kind === 6 || (kind === 7 && addr32)) {
      m.mod = 0; m.rm = 4; m.sib = (4 << 3) | 5; m.dispBytes = 4; m.disp = target;
      return m;
    }
    const disp = kind === 0 ? 0 : kind === 1 ? (rng.int(256) - 128) : kind === 2 ? rng.int(0x20000) - 0x10000
      : rng.pick([0, rng.int(256) - 128, rng.int(0x20000) - 0x10000]);
    const dispBytes = disp === 0 ? 0 : disp >= -128 && disp < 128 ? 1 : 4;
    if (kind <= 2) {
      const b = pickBase();
      setBase(b, BigInt(target - disp));
      this.encodeBase(m, b, disp, dispBytes, -1, 0);
      return m;
    }
    const x = this.freeRegNot4();
    const scale = rng.int(4);
    const iv = BigInt(rng.int(33) - 16);
    this.setReg(x, addr32 ? (rng.u64() & ~0xffffffffn) | BigInt.asUintN(32, iv) : iv);
    if (kind === 5) {
      m.mod = 0; m.rm = 4; m.sib = (scale << 6) | ((x & 7) << 3) | 5; m.rexX = x >= 8;
      m.disp = target - Number(iv) * (1 << scale); m.dispBytes = 4;
      return m;
    }
    let b = pickBase();
    while (b === x) b = pickBase();
    setBase(b, BigInt(target - disp) - iv * BigInt(1 << scale));
    this.encodeBase(m, b, disp, dispBytes, x, scale);
    return m;
  }

  private freeRegNot4(): number {
    for (;;) { const r = this.freeReg(); if (r !== 4) return r; }
  }

  private encodeBase(m: MemOp, b: number, disp: number, dispBytes: number, x: number, scale: number): void {
    m.rexB = b >= 8;
    // [rbp]/[r13] with no displacement needs mod 1 and disp8 0.
    if (dispBytes === 0 && (b & 7) === 5) dispBytes = 1;
    m.mod = dispBytes === 0 ? 0 : dispBytes === 1 ? 1 : 2;
    m.disp = disp; m.dispBytes = dispBytes;
    if (x >= 0 || (b & 7) === 4) {
      m.rm = 4;
      m.sib = (scale << 6) | (((x >= 0 ? x : 4) & 7) << 3) | (b & 7);
      m.rexX = x >= 8;
    } else m.rm = b & 7;
  }

  /** An operand for ModRM.rm: a register (reg: 0-15) or memory. */
  rmOperand(size: number, memory: boolean): Operand {
    return memory ? this.mem(size) : { reg: this.freeReg() };
  }

  /**
   * Emits one instruction: legacy prefixes, then REX (W, forced, or as the operands need), the
   * opcode bytes, ModRM (with `regField` in the reg field) and the immediate bytes.
   */
  emit(o: {
    prefixes?: number[]; w?: boolean; rex?: boolean; opcode: number[]; regField?: number; rm?: Operand;
    imm?: number[]; opReg?: number;
  }): void {
    const start = this.code.length;
    const bytes: number[] = [...(o.prefixes ?? [])];
    const rm = o.rm;
    const mem = rm !== undefined && !('reg' in rm) ? rm : undefined;
    if (mem?.addr32) bytes.push(0x67);
    let rex = 0x40;
    if (o.w) rex |= 8;
    const regField = o.regField ?? 0;
    if (regField >= 8) rex |= 4;
    if (rm !== undefined) {
      if ('reg' in rm) { if (rm.reg >= 8) rex |= 1; }
      else { if (mem!.rexX) rex |= 2; if (mem!.rexB) rex |= 1; }
    }
    if (o.opReg !== undefined && o.opReg >= 8) rex |= 1;
    if (rex !== 0x40 || o.rex) bytes.push(rex);
    const opcode = [...o.opcode];
    if (o.opReg !== undefined) opcode[opcode.length - 1]! += o.opReg & 7;
    bytes.push(...opcode);
    let ripPatch = -1;
    if (rm !== undefined) {
      if ('reg' in rm) bytes.push(0xc0 | ((regField & 7) << 3) | (rm.reg & 7));
      else {
        bytes.push((mem!.mod << 6) | ((regField & 7) << 3) | mem!.rm);
        if (mem!.sib >= 0) bytes.push(mem!.sib);
        if (mem!.ripTarget >= 0) ripPatch = bytes.length;
        pushLE(bytes, mem!.disp, mem!.dispBytes);
      }
    }
    if (o.imm) bytes.push(...o.imm);
    if (ripPatch >= 0) {
      const next = CODE_ADDR + start + bytes.length;
      const d = mem!.ripTarget - next;
      for (let k = 0; k < 4; k++) bytes[ripPatch + k] = (d >> (8 * k)) & 0xff;
    }
    this.code.push(...bytes);
  }

  /** The address the code will end at (where the run stops). */
  get here(): number { return CODE_ADDR + this.code.length; }

  toCase(): Case {
    return { code: Uint8Array.from(this.code), regs: this.regs, rflags: this.rflags, window: this.window };
  }
}

export function pushLE(out: number[], v: number, n: number): void {
  for (let k = 0; k < n; k++) out.push(Number((BigInt(v) >> BigInt(8 * k)) & 0xffn));
}

/** Little-endian bytes of a bigint immediate. */
export function le(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Number((v >> BigInt(8 * k)) & 0xffn));
  return out;
}

export function bitsOf(size: number): number {
  return SIZE_BITS[size]!;
}

/** Operand-size prefix/REX.W for a "v" operand of `size` bytes (2, 4 or 8). */
export function sizePrefix(size: number): { prefixes: number[]; w: boolean } {
  return { prefixes: size === 2 ? [0x66] : [], w: size === 8 };
}
