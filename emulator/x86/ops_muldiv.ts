// MUL, IMUL (one, two and three operands), DIV, IDIV (SDM Vol. 2). Products of 64-bit operands
// are formed exactly from 16-bit limbs, without allocation. Division is exact in doubles, or in
// 16-bit digits for a 128-bit dividend and a divisor below 2^32; only a 64-bit divisor of 2^32 or
// more, or a 32-bit DIV of an EDX:EAX beyond 2^53, falls back to BigInt (rare in compiled code).
// Flags: MUL/IMUL set CF = OF = "the high half is significant"; SF ZF PF AF are undefined and
// we set SF ZF PF from the low half and clear AF. DIV/IDIV leave all flags unchanged (undefined).

import { TWO32, type Cpu } from './cpu.ts';
import { parity } from './flags.ts';
import type { Handler, Instr } from './instr.ts';
import { getReg, getRm, maskOf, setReg } from './operands.ts';

/** Unsigned 64x64 -> 128 product into out[0..3] (32-bit words, least significant first). */
export function mulU64(aLo: number, aHi: number, bLo: number, bHi: number, out: Uint32Array): void {
  // Schoolbook multiplication on 16-bit limbs held in a scratch array (no allocation).
  const a = limbA, b = limbB, r = limbR;
  a[0] = aLo & 0xffff; a[1] = aLo >>> 16; a[2] = aHi & 0xffff; a[3] = aHi >>> 16;
  b[0] = bLo & 0xffff; b[1] = bLo >>> 16; b[2] = bHi & 0xffff; b[3] = bHi >>> 16;
  r.fill(0);
  for (let x = 0; x < 4; x++) {
    let carry = 0;
    const ax = a[x]!;
    for (let y = 0; y < 4; y++) {
      const t = ax * b[y]! + r[x + y]! + carry; // < 2^33: exact
      r[x + y] = t & 0xffff;
      carry = Math.floor(t / 65536);
    }
    r[x + 4] = carry;
  }
  for (let k = 0; k < 4; k++) out[k] = r[2 * k]! + r[2 * k + 1]! * 65536;
}

const limbA = new Float64Array(4), limbB = new Float64Array(4), limbR = new Float64Array(8);

const prod = new Uint32Array(4);

function negate128(w: Uint32Array): void {
  let carry = 1;
  for (let k = 0; k < 4; k++) {
    const t = (~w[k]! >>> 0) + carry;
    w[k] = t >>> 0;
    carry = t > 0xffffffff ? 1 : 0;
  }
}

/** The high word of the signed 64-bit product of two int32 values. */
function mulHi32(a: number, b: number): number {
  mulU64(a >>> 0, 0, b >>> 0, 0, prod);
  let hi = prod[1]!;
  if (a < 0) hi -= b >>> 0;
  if (b < 0) hi -= a >>> 0;
  return hi | 0;
}

/** Signed 64x64 -> 128 product into `prod`. */
function mulS64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  const na = aHi < 0, nb = bHi < 0;
  if (na) { aLo = -aLo | 0; aHi = (~aHi + (aLo === 0 ? 1 : 0)) | 0; }
  if (nb) { bLo = -bLo | 0; bHi = (~bHi + (bLo === 0 ? 1 : 0)) | 0; }
  mulU64(aLo, aHi, bLo, bHi, prod);
  if (na !== nb) negate128(prod);
}

function setMulFlags(cpu: Cpu, size: number, lo: number, hi: number, overflow: boolean): void {
  const sign = size === 8 ? hi >>> 31 : (lo >>> (size * 8 - 1)) & 1;
  const zero = size === 8 ? (lo | hi) === 0 : (lo & maskOf(size)) === 0;
  const o = overflow ? 1 : 0;
  cpu.flags.setArith(o | (parity(lo) << 2) | ((zero ? 1 : 0) << 6) | (sign << 7) | (o << 11));
}

/**
 * Signed product truncated to the operand size, with overflow = the full product does not fit.
 * Returns the low word, high word in cpu.rHi, and sets the flags.
 */
function imulTrunc(cpu: Cpu, size: number, aLo: number, aHi: number, bLo: number, bHi: number): number {
  if (size === 8 && aHi === aLo >> 31 && bHi === bLo >> 31 && (aLo | 0) === aLo && (bLo | 0) === bLo) {
    // Both operands are sign-extended 32-bit values: |product| < 2^62 never overflows 64 bits.
    const lo = Math.imul(aLo, bLo);
    const p = aLo * bLo; // exact when |p| < 2^53; otherwise only its high word is needed, below
    const hi = Math.abs(p) < 9007199254740992 ? Math.floor(p / TWO32) | 0 : mulHi32(aLo, bLo);
    setMulFlags(cpu, 8, lo, hi, false);
    cpu.rHi = hi;
    return lo;
  }
  if (size === 8) {
    mulS64(aLo, aHi, bLo, bHi);
    const lo = prod[0]! | 0, hi = prod[1]! | 0;
    const ext = hi < 0 ? 0xffffffff : 0;
    setMulFlags(cpu, 8, lo, hi, prod[2] !== ext || prod[3] !== ext);
    cpu.rHi = hi;
    return lo;
  }
  const bits = size * 8;
  const sa = (aLo << (32 - bits)) >> (32 - bits), sb = (bLo << (32 - bits)) >> (32 - bits);
  let lo: number, overflow: boolean;
  if (size === 4) {
    lo = Math.imul(sa, sb);
    const full = sa * sb; // exact: |full| < 2^62 but only needs the comparison below
    overflow = full !== lo;
  } else {
    const full = sa * sb;
    lo = full & maskOf(size);
    overflow = full !== ((lo << (32 - bits)) >> (32 - bits));
  }
  setMulFlags(cpu, size, lo, 0, overflow);
  cpu.rHi = 0;
  return lo;
}

/** IMUL G, E (0F AF). */
export function imul2(size: number): Handler {
  return (cpu, i) => {
    const sLo = getRm(cpu, i, size), sHi = size === 8 ? cpu.rHi : 0;
    const dLo = getReg(cpu, i.reg, size), dHi = size === 8 ? cpu.rHi : 0;
    const r = imulTrunc(cpu, size, dLo, dHi, sLo, sHi);
    setReg(cpu, i.reg, size, r, cpu.rHi);
  };
}

/** IMUL G, E, imm (69, 6B). */
export function imul3(size: number): Handler {
  return (cpu, i) => {
    const sLo = getRm(cpu, i, size), sHi = size === 8 ? cpu.rHi : 0;
    const r = imulTrunc(cpu, size, sLo, sHi, i.immLo, i.immHi);
    setReg(cpu, i.reg, size, r, cpu.rHi);
  };
}

/** Group 3 /4 MUL, /5 IMUL, /6 DIV, /7 IDIV with the implicit accumulator operands. */
export function mulDiv(op: number, size: number): Handler {
  switch (op) {
    case 4: return (cpu, i) => mulAcc(cpu, i, size, false);
    case 5: return (cpu, i) => mulAcc(cpu, i, size, true);
    case 6: return (cpu, i) => divAcc(cpu, i, size, false);
    default: return (cpu, i) => divAcc(cpu, i, size, true);
  }
}

function mulAcc(cpu: Cpu, i: Instr, size: number, signed: boolean): void {
  const sLo = getRm(cpu, i, size), sHi = size === 8 ? cpu.rHi : 0;
  if (size === 8) {
    if (signed) mulS64(cpu.lo[0]!, cpu.hi[0]!, sLo, sHi);
    else mulU64(cpu.lo[0]!, cpu.hi[0]!, sLo, sHi, prod);
    const lo = prod[0]! | 0, hi = prod[1]! | 0;
    const ext = signed && hi < 0 ? 0xffffffff : 0;
    setMulFlags(cpu, 8, lo, hi, prod[2] !== ext || prod[3] !== ext);
    cpu.lo[0] = lo; cpu.hi[0] = hi;
    cpu.lo[2] = prod[2]! | 0; cpu.hi[2] = prod[3]! | 0;
    return;
  }
  const bits = size * 8;
  const a = getReg(cpu, 0, size);
  if (size === 4) {
    let lo: number, hi: number;
    if (signed) {
      lo = Math.imul(a, sLo); hi = mulHi32(a, sLo);
      setMulFlags(cpu, 4, lo, 0, hi !== (lo >> 31));
    } else {
      mulU64(a, 0, sLo, 0, prod);
      lo = prod[0]! | 0; hi = prod[1]! | 0;
      setMulFlags(cpu, 4, lo, 0, hi !== 0);
    }
    setReg(cpu, 0, 4, lo, 0);
    setReg(cpu, 2, 4, hi, 0);
    return;
  }
  const x = signed ? (a << (32 - bits)) >> (32 - bits) : a;
  const y = signed ? (sLo << (32 - bits)) >> (32 - bits) : sLo;
  const full = x * y;
  const m = maskOf(size);
  const lo = full & m, hi = (full >> bits) & m;
  const overflow = signed ? full !== ((lo << (32 - bits)) >> (32 - bits)) : hi !== 0;
  setMulFlags(cpu, size, lo, 0, overflow);
  if (size === 1) setReg(cpu, 0, 2, (hi << 8) | lo, 0);
  else { setReg(cpu, 0, 2, lo, 0); setReg(cpu, 2, 2, hi, 0); }
}

// The 16-bit digits of a 128-bit dividend (most significant first) and of the quotient.
const digits = new Float64Array(8);

/**
 * DIV/IDIV of RDX:RAX by a divisor whose magnitude is below 2^32 (what compiled code divides by:
 * printf's digits, hashing), without BigInt: long division in 16-bit digits, where every partial
 * remainder times 2^16 stays below 2^48 and is exact in a double. Raises #DE when the quotient
 * does not fit (SDM Vol. 2, DIV/IDIV). Returns false, leaving the work to the caller, when the
 * divisor's magnitude is 0 or 2^32 and above.
 */
function div128Small(cpu: Cpu, signed: boolean, sLo: number, sHi: number): boolean {
  const negDivisor = signed && sHi < 0;
  if (sHi !== (negDivisor ? -1 : 0)) return false;
  const d = (negDivisor ? -sLo : sLo) >>> 0;
  if (d === 0) return false; // 0, or -2^32
  let w3 = cpu.hi[2]!, w2 = cpu.lo[2]!, w1 = cpu.hi[0]!, w0 = cpu.lo[0]!;
  const negDividend = signed && w3 < 0;
  if (negDividend) {
    // |dividend|: two's complement negation of the 128-bit value.
    w0 = (~w0 + 1) | 0; w1 = ~w1; w2 = ~w2; w3 = ~w3;
    if (w0 === 0) { w1 = (w1 + 1) | 0; if (w1 === 0) { w2 = (w2 + 1) | 0; if (w2 === 0) w3 = (w3 + 1) | 0; } }
  }
  const q = digits;
  q[0] = w3 >>> 16; q[1] = w3 & 0xffff; q[2] = w2 >>> 16; q[3] = w2 & 0xffff;
  q[4] = w1 >>> 16; q[5] = w1 & 0xffff; q[6] = w0 >>> 16; q[7] = w0 & 0xffff;
  let r = 0;
  for (let k = 0; k < 8; k++) {
    const t = r * 65536 + q[k]!; // < 2^48
    let qd = Math.floor(t / d);
    r = t - qd * d;
    if (r < 0) { qd--; r += d; } else if (r >= d) { qd++; r -= d; }
    q[k] = qd; // < 2^16 because r < d
  }
  // The quotient must fit in 64 bits: the top four digits are zero.
  if (q[0] !== 0 || q[1] !== 0 || q[2] !== 0 || q[3] !== 0) cpu.fault(0);
  let qHi = ((q[4]! << 16) | q[5]!) | 0, qLo = ((q[6]! << 16) | q[7]!) | 0;
  if (!signed) {
    cpu.lo[0] = qLo; cpu.hi[0] = qHi;
    cpu.lo[2] = r | 0; cpu.hi[2] = 0;
    return true;
  }
  // Signed: |q| <= 2^63 - 1, or 2^63 for a negative quotient; the remainder has the dividend's sign.
  const negQ = negDividend !== negDivisor;
  if (qHi < 0 && !(negQ && qHi === -0x80000000 && qLo === 0)) cpu.fault(0);
  if (negQ) { qLo = -qLo | 0; qHi = (~qHi + (qLo === 0 ? 1 : 0)) | 0; }
  cpu.lo[0] = qLo; cpu.hi[0] = qHi;
  if (negDividend && r !== 0) { cpu.lo[2] = -r | 0; cpu.hi[2] = -1; }
  else { cpu.lo[2] = r | 0; cpu.hi[2] = 0; }
  return true;
}

/** 32-bit DIV/IDIV of an EDX:EAX beyond 2^53 in magnitude (rare): exact with BigInt. */
function div64by32Big(cpu: Cpu, signed: boolean, divisor: number): void {
  let d = (BigInt(cpu.lo[2]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0);
  let s = BigInt(divisor);
  if (signed) { d = BigInt.asIntN(64, d); s = BigInt.asIntN(32, s); }
  const q = d / s, r = d % s;
  if (signed ? q !== BigInt.asIntN(32, q) : q >> 32n !== 0n) cpu.fault(0);
  setReg(cpu, 0, 4, Number(BigInt.asIntN(32, q)), 0);
  setReg(cpu, 2, 4, Number(BigInt.asIntN(32, r)), 0);
}

/** DIV/IDIV: #DE on a zero divisor or a quotient that does not fit (SDM Vol. 2, DIV). */
function divAcc(cpu: Cpu, i: Instr, size: number, signed: boolean): void {
  const sLo = getRm(cpu, i, size), sHi = size === 8 ? cpu.rHi : 0;
  const bits = size * 8;
  if (size === 8) {
    if (div128Small(cpu, signed, sLo, sHi)) return;
    let dividend = (BigInt(cpu.hi[2]! >>> 0) << 96n) | (BigInt(cpu.lo[2]! >>> 0) << 64n)
      | (BigInt(cpu.hi[0]! >>> 0) << 32n) | BigInt(cpu.lo[0]! >>> 0);
    let divisor = (BigInt(sHi >>> 0) << 32n) | BigInt(sLo >>> 0);
    if (divisor === 0n) cpu.fault(0);
    if (signed) { dividend = BigInt.asIntN(128, dividend); divisor = BigInt.asIntN(64, divisor); }
    const q = dividend / divisor, r = dividend % divisor;
    if (signed ? q !== BigInt.asIntN(64, q) : q >> 64n !== 0n) cpu.fault(0);
    cpu.lo[0] = Number(BigInt.asIntN(32, q)); cpu.hi[0] = Number(BigInt.asIntN(32, q >> 32n));
    cpu.lo[2] = Number(BigInt.asIntN(32, r)); cpu.hi[2] = Number(BigInt.asIntN(32, r >> 32n));
    return;
  }
  // Dividend and divisor as exact numbers (signed or not). With |dividend| < 2^53 the correctly
  // rounded dv / sv never crosses an integer, so truncating it is the exact quotient.
  const divisor = size === 4 ? sLo >>> 0 : sLo & maskOf(size);
  if (divisor === 0) cpu.fault(0);
  let dv: number, sv: number;
  if (size === 1) {
    const a = cpu.lo[0]! & 0xffff;
    dv = signed ? (a << 16) >> 16 : a; sv = signed ? (divisor << 24) >> 24 : divisor;
  } else if (size === 2) {
    const a = ((cpu.lo[2]! & 0xffff) << 16) | (cpu.lo[0]! & 0xffff);
    dv = signed ? a | 0 : a >>> 0; sv = signed ? (divisor << 16) >> 16 : divisor;
  } else {
    const h = signed ? cpu.lo[2]! | 0 : cpu.lo[2]! >>> 0;
    if (h >= 0x200000 || h < -0x200000) { div64by32Big(cpu, signed, divisor); return; }
    dv = h * TWO32 + (cpu.lo[0]! >>> 0); sv = signed ? divisor | 0 : divisor;
  }
  const q = Math.trunc(dv / sv), r = dv - q * sv;
  if (signed ? q < -(2 ** (bits - 1)) || q >= 2 ** (bits - 1) : q >= 2 ** bits) cpu.fault(0);
  if (size === 1) setReg(cpu, 0, 2, ((r & 0xff) << 8) | (q & 0xff), 0);
  else { setReg(cpu, 0, size, q | 0, 0); setReg(cpu, 2, size, r | 0, 0); }
}
