// RFLAGS with lazily computed arithmetic flags.
//
// Most flag results are overwritten before anything reads them, so ADD/SUB/logic-style
// instructions only record their operands and result; CF, PF, AF, ZF, SF and OF are derived
// when a Jcc, SETcc, CMOVcc, ADC or PUSHF asks (the technique of Bochs and QEMU). Every other
// instruction computes its flags eagerly into `bits`. Definitions: SDM Vol. 1, 3.4.3 and
// Appendix A (EFLAGS cross-reference).

export const enum FlagOp {
  /** The arithmetic flags are in `bits`. */
  None = 0,
  Add = 1,
  Adc = 2,
  Sub = 3,
  Sbb = 4,
  Logic = 5,
  /** ADD of 1 with CF preserved in `cin`. */
  Inc = 6,
  /** SUB of 1 with CF preserved in `cin`. */
  Dec = 7,
}

const ARITH = 0x8d5; // CF PF AF ZF SF OF

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = 0; b < 8; b++) p ^= (i >> b) & 1;
  PARITY[i] = p;
}

/** PF for a result: set when the low byte has an even number of one bits. */
export function parity(v: number): number {
  return PARITY[v & 0xff]!;
}

export class LazyFlags {
  /** All of RFLAGS; the arithmetic bits are meaningful only when op is None. */
  bits = 2;
  op: FlagOp = FlagOp.None;
  /** Operand size in bytes of the recorded operation (1, 2, 4 or 8). */
  size = 4;
  // Operands and result, masked to the operand size. For size 8 the high words are used too.
  dstLo = 0; dstHi = 0;
  srcLo = 0; srcHi = 0;
  resLo = 0; resHi = 0;
  /** Carry into ADC/SBB, or the CF that INC/DEC preserve. */
  cin = 0;

  /** Records an arithmetic result whose flags will be derived on demand. */
  record(op: FlagOp, size: number, dstLo: number, dstHi: number, srcLo: number, srcHi: number,
    resLo: number, resHi: number): void {
    this.op = op;
    this.size = size;
    this.dstLo = dstLo; this.dstHi = dstHi;
    this.srcLo = srcLo; this.srcHi = srcHi;
    this.resLo = resLo; this.resHi = resHi;
  }

  /** Sets the six arithmetic flags eagerly (`v` holds them at their RFLAGS positions). */
  setArith(v: number): void {
    this.bits = (this.bits & ~ARITH) | (v & ARITH);
    this.op = FlagOp.None;
  }

  /** The full RFLAGS value. */
  get(): number {
    if (this.op === FlagOp.None) return this.bits;
    const a = this.cf() | (this.pf() << 2) | (this.af() << 4) | (this.zf() << 6) | (this.sf() << 7) | (this.of() << 11);
    return (this.bits & ~ARITH) | a;
  }

  /** Replaces RFLAGS (bit 1 always reads as 1). */
  set(v: number): void {
    this.bits = (v | 2) >>> 0;
    this.op = FlagOp.None;
  }

  /** Freezes the lazy flags into `bits` (before an instruction that changes only some of them). */
  materialize(): void {
    if (this.op !== FlagOp.None) {
      this.bits = this.get();
      this.op = FlagOp.None;
    }
  }

  cf(): number {
    switch (this.op) {
      case FlagOp.None: return this.bits & 1;
      case FlagOp.Add: return this.ltRes(this.resLo, this.resHi, this.dstLo, this.dstHi);
      case FlagOp.Adc: return this.cin ? this.leU(this.resLo, this.resHi, this.dstLo, this.dstHi) : this.ltRes(this.resLo, this.resHi, this.dstLo, this.dstHi);
      case FlagOp.Sub: return this.ltRes(this.dstLo, this.dstHi, this.srcLo, this.srcHi);
      case FlagOp.Sbb: return this.cin ? this.leU(this.dstLo, this.dstHi, this.srcLo, this.srcHi) : this.ltRes(this.dstLo, this.dstHi, this.srcLo, this.srcHi);
      case FlagOp.Logic: return 0;
      default: return this.cin; // Inc, Dec
    }
  }

  zf(): number {
    if (this.op === FlagOp.None) return (this.bits >> 6) & 1;
    // Below 8 bytes the high words are stale: the specialised handlers record only the low words.
    return this.resLo === 0 && (this.size !== 8 || this.resHi === 0) ? 1 : 0;
  }

  sf(): number {
    if (this.op === FlagOp.None) return (this.bits >> 7) & 1;
    return this.size === 8 ? this.resHi >>> 31 : (this.resLo >>> (this.size * 8 - 1)) & 1;
  }

  pf(): number {
    if (this.op === FlagOp.None) return (this.bits >> 2) & 1;
    return PARITY[this.resLo & 0xff]!;
  }

  af(): number {
    if (this.op === FlagOp.None) return (this.bits >> 4) & 1;
    if (this.op === FlagOp.Logic) return 0; // undefined by the SDM; we clear it, as Intel CPUs do
    return ((this.dstLo ^ this.srcLo ^ this.resLo) >> 4) & 1;
  }

  of(): number {
    let x: number, y: number;
    switch (this.op) {
      case FlagOp.None: return (this.bits >> 11) & 1;
      case FlagOp.Logic: return 0;
      case FlagOp.Add: case FlagOp.Adc: case FlagOp.Inc:
        // Overflow when both operands have the same sign and the result's differs.
        if (this.size === 8) { x = (this.dstHi ^ this.resHi) & (this.srcHi ^ this.resHi); return x >>> 31; }
        x = (this.dstLo ^ this.resLo) & (this.srcLo ^ this.resLo);
        return (x >>> (this.size * 8 - 1)) & 1;
      default: // Sub, Sbb, Dec: operands of different signs and the result's sign differs from dst's.
        if (this.size === 8) { y = (this.dstHi ^ this.srcHi) & (this.dstHi ^ this.resHi); return y >>> 31; }
        y = (this.dstLo ^ this.srcLo) & (this.dstLo ^ this.resLo);
        return (y >>> (this.size * 8 - 1)) & 1;
    }
  }

  /** Evaluates condition code cc (0-15, the low nibble of Jcc/SETcc/CMOVcc; SDM Vol. 1, B.1). */
  test(cc: number): boolean {
    let r: boolean;
    switch (cc >> 1) {
      case 0: r = this.of() === 1; break;                       // O
      case 1: r = this.cf() === 1; break;                       // B
      case 2: r = this.zf() === 1; break;                       // E
      case 3: r = (this.cf() | this.zf()) === 1; break;         // BE
      case 4: r = this.sf() === 1; break;                       // S
      case 5: r = this.pf() === 1; break;                       // P
      case 6: r = this.sf() !== this.of(); break;               // L
      default: r = this.zf() === 1 || this.sf() !== this.of(); // LE
    }
    return (cc & 1) === 0 ? r : !r;
  }

  /** Unsigned a < b over the recorded size. */
  private ltRes(aLo: number, aHi: number, bLo: number, bHi: number): number {
    if (this.size === 8 && aHi !== bHi) return (aHi >>> 0) < (bHi >>> 0) ? 1 : 0;
    return (aLo >>> 0) < (bLo >>> 0) ? 1 : 0;
  }

  /** Unsigned a <= b over the recorded size. */
  private leU(aLo: number, aHi: number, bLo: number, bHi: number): number {
    if (this.size === 8 && aHi !== bHi) return (aHi >>> 0) < (bHi >>> 0) ? 1 : 0;
    return (aLo >>> 0) <= (bLo >>> 0) ? 1 : 0;
  }
}
