// The instruction forms the differential tests cover. Each form generates one case at a time:
// it chooses operands (registers, memory in the window, immediates), sets the registers that
// implicit operands read, emits the instruction bytes and masks the flags the SDM leaves
// undefined for that form (SDM Vol. 2, the "Flags Affected" section of each instruction).

import { CODE_ADDR, WIN_ADDR } from './host.ts';
import { bitsOf, type Ctx, edge, edgeReg, le, type Operand, sizePrefix } from './gen.ts';

export interface Form {
  name: string;
  gen(c: Ctx): void;
}

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ALL = CF | PF | AF | ZF | SF | OF;
const SIZES = [1, 2, 4, 8];
const VSIZES = [2, 4, 8];
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

const forms: Form[] = [];
function form(name: string, gen: (c: Ctx) => void): void {
  forms.push({ name, gen });
}

/** Opcode for an operand size: the byte form for size 1, else the "v" form. */
function opFor(size: number, byteOp: number[], vOp: number[]): number[] {
  return size === 1 ? byteOp : vOp;
}

/** A REX prefix forced sometimes for byte operands (so 4-7 mean SPL..DIL, not AH..BH). */
function byteRex(c: Ctx, size: number): boolean {
  return size === 1 && c.rng.bool(0.4);
}

/** Fills a memory operand with an edge value of the operand size. */
function fillMem(c: Ctx, op: Operand, size: number): void {
  if (!('reg' in op)) c.poke(op.addr, size, edge(c.rng, bitsOf(size)));
}

function immBytes(c: Ctx, n: number): number[] {
  return le(edge(c.rng, n * 8), n);
}

const memForms = [false, true];
const where = (m: boolean): string => (m ? 'm' : 'r');

// ---- ADD OR ADC SBB AND SUB XOR CMP: E,G  G,E  acc,imm  E,imm (80 81 83) ----
for (let op = 0; op < 8; op++) {
  const logic = op === 1 || op === 4 || op === 6;
  const undef = logic ? AF : 0; // AND OR XOR: AF undefined
  for (const size of SIZES) {
    const bits = bitsOf(size);
    for (const m of memForms) {
      form(`${ALU[op]} E${size}${where(m)},G`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        const lock = m && op !== 7 && c.rng.bool(0.3) ? [0xf0] : [];
        c.emit({ ...sizePrefix(size), prefixes: [...sizePrefix(size).prefixes, ...lock], rex: byteRex(c, size),
          opcode: [op * 8 + (size === 1 ? 0 : 1)], regField: c.freeReg(), rm });
        c.mask(undef);
      });
      form(`${ALU[op]} G,E${size}${where(m)}`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [op * 8 + (size === 1 ? 2 : 3)], regField: c.freeReg(), rm });
        c.mask(undef);
      });
      form(`${ALU[op]} E${size}${where(m)},imm`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        const lock = m && op !== 7 && c.rng.bool(0.3) ? [0xf0] : [];
        const sp = sizePrefix(size);
        if (size === 1) c.emit({ prefixes: lock, rex: byteRex(c, 1), opcode: [0x80], regField: op, rm, imm: immBytes(c, 1) });
        else c.emit({ ...sp, prefixes: [...sp.prefixes, ...lock], opcode: [0x81], regField: op, rm, imm: immBytes(c, size === 2 ? 2 : 4) });
        c.mask(undef);
      });
      if (size > 1) {
        form(`${ALU[op]} E${size}${where(m)},imm8`, (c) => {
          const rm = c.rmOperand(size, m); fillMem(c, rm, size);
          c.emit({ ...sizePrefix(size), opcode: [0x83], regField: op, rm, imm: immBytes(c, 1) });
          c.mask(undef);
        });
      }
    }
    form(`${ALU[op]} acc${size},imm`, (c) => {
      c.setReg(0, edgeReg(c.rng, bits));
      c.emit({ ...sizePrefix(size), opcode: [op * 8 + (size === 1 ? 4 : 5)], imm: immBytes(c, Math.min(size, 4)) });
      c.mask(undef);
    });
  }
}

// ---- TEST, INC, DEC, NEG, NOT ----
for (const size of SIZES) {
  for (const m of memForms) {
    form(`test E${size}${where(m)},G`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [size === 1 ? 0x84 : 0x85], regField: c.freeReg(), rm });
      c.mask(AF);
    });
    form(`test E${size}${where(m)},imm`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [size === 1 ? 0xf6 : 0xf7], regField: 0, rm, imm: immBytes(c, Math.min(size, 4)) });
      c.mask(AF);
    });
    for (const [name, grp, sub] of [['inc', 0xfe, 0], ['dec', 0xfe, 1], ['not', 0xf6, 2], ['neg', 0xf6, 3]] as const) {
      form(`${name} E${size}${where(m)}`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        const lock = m && c.rng.bool(0.3) ? [0xf0] : [];
        const sp = sizePrefix(size);
        c.emit({ ...sp, prefixes: [...sp.prefixes, ...lock], rex: byteRex(c, size), opcode: [grp + (size === 1 ? 0 : 1)], regField: sub, rm });
      });
    }
  }
  form(`test acc${size},imm`, (c) => {
    c.setReg(0, edgeReg(c.rng, bitsOf(size)));
    c.emit({ ...sizePrefix(size), opcode: [size === 1 ? 0xa8 : 0xa9], imm: immBytes(c, Math.min(size, 4)) });
    c.mask(AF);
  });
}

// ---- MOV ----
for (const size of SIZES) {
  for (const m of memForms) {
    form(`mov E${size}${where(m)},G`, (c) => {
      const rm = c.rmOperand(size, m);
      c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: opFor(size, [0x88], [0x89]), regField: c.freeReg(), rm });
    });
    form(`mov G,E${size}${where(m)}`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: opFor(size, [0x8a], [0x8b]), regField: c.freeReg(), rm });
    });
    form(`mov E${size}${where(m)},imm`, (c) => {
      const rm = c.rmOperand(size, m);
      c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: opFor(size, [0xc6], [0xc7]), regField: 0, rm, imm: immBytes(c, Math.min(size, 4)) });
    });
  }
  form(`mov r${size},imm${size}`, (c) => {
    c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [size === 1 ? 0xb0 : 0xb8], opReg: c.rng.int(16), imm: immBytes(c, size) });
  });
  for (const a32 of [false, true]) {
    form(`mov acc${size},moffs${a32 ? 32 : 64}`, (c) => {
      const addr = WIN_ADDR + 64 + c.rng.int(800);
      c.poke(addr, size, edge(c.rng, bitsOf(size)));
      c.emit({ ...sizePrefix(size), prefixes: [...sizePrefix(size).prefixes, ...(a32 ? [0x67] : [])], opcode: [size === 1 ? 0xa0 : 0xa1], imm: le(BigInt(addr), a32 ? 4 : 8) });
    });
    form(`mov moffs${a32 ? 32 : 64},acc${size}`, (c) => {
      const addr = WIN_ADDR + 64 + c.rng.int(800);
      c.emit({ ...sizePrefix(size), prefixes: [...sizePrefix(size).prefixes, ...(a32 ? [0x67] : [])], opcode: [size === 1 ? 0xa2 : 0xa3], imm: le(BigInt(addr), a32 ? 4 : 8) });
    });
  }
}

// ---- MOVZX, MOVSX, MOVSXD, LEA ----
for (const size of VSIZES) {
  for (const m of memForms) {
    for (const [name, op, src] of [['movzx', 0xb6, 1], ['movzx', 0xb7, 2], ['movsx', 0xbe, 1], ['movsx', 0xbf, 2]] as const) {
      form(`${name} G${size},E${src}${where(m)}`, (c) => {
        const rm = c.rmOperand(src, m); fillMem(c, rm, src);
        c.emit({ ...sizePrefix(size), rex: byteRex(c, src), opcode: [0x0f, op], regField: c.freeReg(), rm });
      });
    }
    form(`movsxd G${size},E4${where(m)}`, (c) => {
      const rm = c.rmOperand(4, m); fillMem(c, rm, 4);
      c.emit({ ...sizePrefix(size), opcode: [0x63], regField: c.freeReg(), rm });
    });
  }
  form(`lea G${size},M`, (c) => {
    const rm = c.mem(1);
    // Random base/index values too: LEA only does the arithmetic.
    if (c.rng.bool(0.5)) for (let r = 0; r < 16; r++) if (r !== 4) c.setReg(r, c.rng.bool() ? c.rng.u64() : c.regs[r]!);
    c.emit({ ...sizePrefix(size), opcode: [0x8d], regField: c.freeReg(), rm });
  });
}

// LEA with FS/GS overrides: the effective address is the offset; no segment base is added.
for (const size of VSIZES) {
  form(`lea G${size},fs/gs:M`, (c) => {
    const rm = c.mem(1);
    c.emit({ ...sizePrefix(size), prefixes: [c.rng.pick([0x64, 0x65]), ...sizePrefix(size).prefixes], opcode: [0x8d], regField: c.freeReg(), rm });
  });
}

// ---- MUL, IMUL, DIV, IDIV (group 3) and the 2- and 3-operand IMUL ----
for (const size of SIZES) {
  const bits = bitsOf(size);
  for (const m of memForms) {
    for (const [name, sub] of [['mul', 4], ['imul', 5]] as const) {
      form(`${name} E${size}${where(m)}`, (c) => {
        c.setReg(0, edgeReg(c.rng, bits));
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [size === 1 ? 0xf6 : 0xf7], regField: sub, rm });
        c.mask(SF | ZF | AF | PF);
      });
    }
    for (const [name, sub] of [['div', 6], ['idiv', 7]] as const) {
      form(`${name} E${size}${where(m)}`, (c) => genDiv(c, size, m, sub === 7));
    }
  }
}
for (const size of VSIZES) {
  for (const m of memForms) {
    form(`imul G${size},E${size}${where(m)}`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), opcode: [0x0f, 0xaf], regField: c.freeReg(), rm });
      c.mask(SF | ZF | AF | PF);
    });
    form(`imul G${size},E${size}${where(m)},imm`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), opcode: [0x69], regField: c.freeReg(), rm, imm: immBytes(c, size === 2 ? 2 : 4) });
      c.mask(SF | ZF | AF | PF);
    });
    form(`imul G${size},E${size}${where(m)},imm8`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), opcode: [0x6b], regField: c.freeReg(), rm, imm: immBytes(c, 1) });
      c.mask(SF | ZF | AF | PF);
    });
  }
}

/**
 * DIV/IDIV with a dividend chosen so that the quotient fits (a #DE on the host would only test
 * the fault; tests/x86/faults.test.ts covers #DE). All six flags are undefined.
 */
function genDiv(c: Ctx, size: number, m: boolean, signed: boolean): void {
  const bits = BigInt(bitsOf(size));
  const rng = c.rng;
  c.reserve(0, 2);
  const rm = m ? c.mem(size) : { reg: c.freeReg() };
  let divisor = edge(rng, Number(bits));
  if (divisor === 0n) divisor = 1n;
  const sd = signed ? BigInt.asIntN(Number(bits), divisor) : divisor;
  // quotient q within range, remainder |r| < |divisor| with the dividend's sign.
  const qmax = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  let q = BigInt.asUintN(Number(bits), edge(rng, Number(bits)));
  if (signed) q = BigInt.asIntN(Number(bits), q);
  if (q > qmax) q = qmax;
  const ad = sd < 0n ? -sd : sd;
  let r = ad > 1n ? (rng.u64() % ad) : 0n;
  const dividend0 = q * sd;
  if (signed && dividend0 < 0n) r = -r;
  if (signed && dividend0 === 0n && rng.bool()) r = -r;
  const dividend = dividend0 + r;
  // Keep the operation's quotient in range after adding the remainder (truncation toward zero).
  const tq = signed ? (dividend < 0n) !== (sd < 0n) ? -((dividend < 0n ? -dividend : dividend) / ad) : (dividend < 0n ? -dividend : dividend) / ad : dividend / sd;
  const lim = signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
  let dv = dividend;
  if (tq < lim[0]! || tq > lim[1]!) dv = sd; // quotient 1
  const d2 = BigInt.asUintN(Number(bits) * 2, dv);
  const lo = d2 & ((1n << bits) - 1n), hi = d2 >> bits;
  if (size === 1) c.setReg(0, (c.regs[0]! & ~0xffffn) | d2);
  else {
    // Bits above the operand size are ignored: fill them with garbage.
    const keep = size === 8 ? 0n : c.rng.u64() & ~((1n << bits) - 1n);
    c.setReg(0, keep | lo);
    c.setReg(2, (size === 8 ? 0n : c.rng.u64() & ~((1n << bits) - 1n)) | hi);
  }
  if ('reg' in rm) {
    const cur = c.regs[rm.reg]!;
    if (size === 1 && rm.reg >= 4 && rm.reg < 8) {
      // Without REX, 4-7 are AH..BH; AH is part of the dividend: use the REX form (SPL..DIL).
      c.setReg(rm.reg, (cur & ~0xffn) | divisor);
      c.emit({ rex: true, opcode: [0xf6], regField: signed ? 7 : 6, rm });
      c.mask(ALL);
      return;
    }
    if (rm.reg === 0 || rm.reg === 2) {
      // The divisor is the dividend register: pick another.
      const r2 = c.freeReg(0, 2);
      c.setReg(r2, (c.regs[r2]! & ~((1n << bits) - 1n)) | divisor);
      c.emit({ ...sizePrefix(size), opcode: [size === 1 ? 0xf6 : 0xf7], regField: signed ? 7 : 6, rm: { reg: r2 } });
      c.mask(ALL);
      return;
    }
    c.setReg(rm.reg, (cur & ~((1n << bits) - 1n)) | divisor);
  } else c.poke(rm.addr, size, divisor);
  c.emit({ ...sizePrefix(size), rex: size === 1 && 'reg' in rm && rm.reg < 4 && c.rng.bool(0.3), opcode: [size === 1 ? 0xf6 : 0xf7], regField: signed ? 7 : 6, rm });
  c.mask(ALL);
}

// 64-bit DIV/IDIV at the edges of the quotient range (no #DE): RDX:RAX and the divisor chosen so
// the quotient is 2^64 - 1, -2^63, 2^63 - 1, or the divisor is +-1, +-(2^32 - 1), +-2^31.
form('div/idiv E8r quotient edges', (c) => {
  c.reserve(0, 2);
  const r = c.freeReg(0, 2);
  const M64 = (1n << 64n) - 1n;
  const cases: [boolean, bigint, bigint][] = [ // signed, dividend (128-bit, two's complement), divisor
    [false, (1n << 64n) * 6n + 5n, 7n], [false, M64 * 3n, 3n], [false, (0xfffffffen << 64n) + M64, 0xffffffffn],
    [true, -(1n << 64n), 2n], [true, (1n << 63n) - 1n, 1n], [true, -(1n << 63n), 1n],
    [true, -(1n << 63n) + 1n, -1n], [true, -((1n << 63n) * 0x7fffffffn) - 5n, 0x7fffffffn],
    [true, (1n << 94n) + 123n, -(0xffffffffn)], [true, -123456789n, -(1n << 31n)], [true, 5n, -7n], [true, -5n, 7n],
  ];
  const [signed, dividend, divisor] = c.rng.pick(cases);
  const d = BigInt.asUintN(128, dividend);
  c.setReg(0, d & M64); c.setReg(2, d >> 64n); c.setReg(r, BigInt.asUintN(64, divisor));
  c.emit({ w: true, opcode: [0xf7], regField: signed ? 7 : 6, rm: { reg: r } });
  c.mask(ALL);
});

// ---- shifts and rotates: by 1, by imm8, by CL ----
for (let op = 0; op < 8; op++) {
  for (const size of SIZES) {
    const bits = bitsOf(size);
    for (const m of memForms) {
      for (const how of ['1', 'imm', 'cl'] as const) {
        form(`${SHIFTS[op]} E${size}${where(m)},${how}`, (c) => {
          let count = 1;
          if (how !== '1') count = c.rng.pick([0, 1, 2, bits - 1, bits, bits + 1, 31, 32, 33, 63, 64, 255, c.rng.int(256), c.rng.int(bits + 2)]);
          if (how === 'cl') { c.reserve(1); c.setReg(1, (c.regs[1]! & ~0xffn) | BigInt(count)); }
          const rm = c.rmOperand(size, m); fillMem(c, rm, size);
          const base = how === '1' ? 0xd0 : how === 'imm' ? 0xc0 : 0xd2;
          c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [base + (size === 1 ? 0 : 1)], regField: op, rm, imm: how === 'imm' ? [count] : [] });
          maskShift(c, op, size, count);
        });
      }
    }
  }
}

/** Undefined flags of group 2 (SDM Vol. 2, SAL/SAR/SHL/SHR and RCL/RCR/ROL/ROR). */
function maskShift(c: Ctx, op: number, size: number, count: number): void {
  const n = count & (size === 8 ? 63 : 31);
  if (n === 0) return; // no flags affected
  if (op < 4) { // rotates: OF defined only for 1-bit rotates
    if (n !== 1) c.mask(OF);
    return;
  }
  c.mask(AF);
  if (n !== 1) c.mask(OF);
  if ((op === 4 || op === 5 || op === 6) && n >= bitsOf(size)) c.mask(CF);
}

// ---- SHLD / SHRD ----
for (const size of VSIZES) {
  const bits = bitsOf(size);
  for (const m of memForms) {
    for (const [name, op] of [['shld', 0xa4], ['shrd', 0xac]] as const) {
      for (const how of ['imm', 'cl'] as const) {
        form(`${name} E${size}${where(m)},G,${how}`, (c) => {
          // 16-bit counts above 16 leave the result undefined: not generated.
          let count = c.rng.pick([0, 1, 2, bits - 1, c.rng.int(bits + 1), 32 + c.rng.int(bits === 16 ? 1 : 32)]);
          if (bits === 16 && (count & 31) > 16) count = c.rng.int(17);
          if (how === 'cl') { c.reserve(1); c.setReg(1, (c.regs[1]! & ~0xffn) | BigInt(count)); }
          const rm = c.rmOperand(size, m); fillMem(c, rm, size);
          const reg = c.freeReg();
          c.emit({ ...sizePrefix(size), opcode: [0x0f, op + (how === 'cl' ? 1 : 0)], regField: reg, rm, imm: how === 'imm' ? [count] : [] });
          const n = count & (size === 8 ? 63 : 31);
          if (n !== 0) { c.mask(AF); if (n !== 1) c.mask(OF); }
        });
      }
    }
  }
}

// ---- BT BTS BTR BTC (register and immediate offsets), BSF, BSR, BSWAP ----
for (const size of VSIZES) {
  const bits = bitsOf(size);
  for (const m of memForms) {
    for (const [name, op, sub] of [['bt', 0xa3, 4], ['bts', 0xab, 5], ['btr', 0xb3, 6], ['btc', 0xbb, 7]] as const) {
      form(`${name} E${size}${where(m)},G`, (c) => {
        // A register offset with a memory operand reaches outside the operand: stay in the window.
        const rm = m ? c.mem(size, 400, 600) : { reg: c.freeReg() };
        fillMem(c, rm, size);
        const reg = c.freeReg(...(m ? regsOf(rm) : []));
        if (m) c.setReg(reg, (c.regs[reg]! & ~((1n << BigInt(bits)) - 1n)) | BigInt.asUintN(bits, BigInt(c.rng.int(2 * 300 * 8) - 300 * 8)));
        const lock = m && sub !== 4 && c.rng.bool(0.3) ? [0xf0] : [];
        const sp = sizePrefix(size);
        c.emit({ ...sp, prefixes: [...sp.prefixes, ...lock], opcode: [0x0f, op], regField: reg, rm });
        c.mask(OF | SF | AF | PF);
      });
      form(`${name} E${size}${where(m)},imm8`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        c.emit({ ...sizePrefix(size), opcode: [0x0f, 0xba], regField: sub, rm, imm: [c.rng.int(256)] });
        c.mask(OF | SF | AF | PF);
      });
    }
    for (const [name, op] of [['bsf', 0xbc], ['bsr', 0xbd]] as const) {
      form(`${name} G${size},E${size}${where(m)}`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        c.emit({ ...sizePrefix(size), opcode: [0x0f, op], regField: c.freeReg(), rm });
        c.mask(CF | OF | SF | AF | PF);
      });
    }
  }
}
for (const size of [4, 8]) {
  form(`bswap r${size}`, (c) => c.emit({ w: size === 8, opcode: [0x0f, 0xc8], opReg: c.rng.int(16) }));
}

/** Registers a memory operand's address uses (so a bit offset does not overwrite them). */
function regsOf(op: Operand): number[] {
  if ('reg' in op) return [op.reg];
  const out: number[] = [];
  if (op.sib >= 0) {
    if ((op.sib & 7) !== 5 || op.mod !== 0) out.push((op.sib & 7) | (op.rexB ? 8 : 0));
    const x = ((op.sib >> 3) & 7) | (op.rexX ? 8 : 0);
    if (x !== 4) out.push(x);
  } else if (op.ripTarget < 0) out.push(op.rm | (op.rexB ? 8 : 0));
  return out;
}

// ---- SETcc, CMOVcc ----
for (let cc = 0; cc < 16; cc++) {
  for (const m of memForms) {
    form(`set${CC[cc]} E1${where(m)}`, (c) => {
      const rm = c.rmOperand(1, m);
      c.emit({ rex: byteRex(c, 1), opcode: [0x0f, 0x90 + cc], regField: 0, rm });
    });
    for (const size of VSIZES) {
      form(`cmov${CC[cc]} G${size},E${size}${where(m)}`, (c) => {
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        c.emit({ ...sizePrefix(size), opcode: [0x0f, 0x40 + cc], regField: c.freeReg(), rm });
      });
    }
  }
}

// ---- Jcc, JMP, CALL, RET: a taken branch skips `add rax, 1` ----
const SKIP = [0x48, 0x83, 0xc0, 0x01]; // add rax, 1
for (let cc = 0; cc < 16; cc++) {
  form(`j${CC[cc]} rel8`, (c) => { c.emit({ opcode: [0x70 + cc], imm: [SKIP.length] }); c.code.push(...SKIP); });
  form(`j${CC[cc]} rel32`, (c) => { c.emit({ opcode: [0x0f, 0x80 + cc], imm: le(BigInt(SKIP.length), 4) }); c.code.push(...SKIP); });
}
form('jmp rel8', (c) => { c.emit({ opcode: [0xeb], imm: [SKIP.length] }); c.code.push(...SKIP); });
form('jmp rel32', (c) => { c.emit({ opcode: [0xe9], imm: le(BigInt(SKIP.length), 4) }); c.code.push(...SKIP); });
form('jmp rel8 backward', (c) => {
  // jmp +4; add rax,1; jmp -6 (back to the add? no: to the end): a backward branch over a skip.
  c.emit({ opcode: [0xeb], imm: [SKIP.length + 2] });
  c.code.push(...SKIP);
  c.emit({ opcode: [0xeb], imm: [2] });
  c.emit({ opcode: [0xeb], imm: [(-(2 + 2 + SKIP.length)) & 0xff] }); // to the add, then falls into jmp +2
});
form('call rel32', (c) => {
  c.reserve(4);
  c.emit({ opcode: [0xe8], imm: le(BigInt(SKIP.length), 4) });
  c.code.push(...SKIP);
});
for (const m of memForms) {
  for (const [name, sub] of [['jmp', 4], ['call', 2]] as const) {
    form(`${name} E8${where(m)}`, (c) => {
      c.reserve(4);
      const rm = m ? c.mem(8) : { reg: c.freeReg() };
      // The target (the end of the code) is known once the instruction is emitted: patch it in.
      const before = c.code.length;
      c.emit({ opcode: [0xff], regField: sub, rm });
      const len = c.code.length - before;
      c.code.push(...SKIP);
      const target = BigInt(CODE_ADDR + before + len + SKIP.length);
      if ('reg' in rm) c.setReg(rm.reg, target); else c.poke(rm.addr, 8, target);
    });
  }
}
for (const imm of [false, true]) {
  form(`ret${imm ? ' imm16' : ''}`, (c) => {
    c.reserve(4);
    const n = imm ? c.rng.pick([0, 8, 16, 24, 3]) : 0;
    c.emit({ opcode: [imm ? 0xc2 : 0xc3], imm: imm ? le(BigInt(n), 2) : [] });
    c.poke(Number(c.regs[4]!), 8, BigInt(c.here));
  });
}
form('call rel32; ret', (c) => {
  // call +N to a ret placed after the skip... the ret returns to the skip, which runs once.
  c.reserve(4);
  c.emit({ opcode: [0xe8], imm: le(BigInt(SKIP.length + 2), 4) });
  c.code.push(...SKIP);
  c.emit({ opcode: [0xeb], imm: [1] }); // over the ret
  c.emit({ opcode: [0xc3] });
});

// ---- PUSH, POP, LEAVE ----
for (const size of [2, 8]) {
  const sp = size === 2 ? [0x66] : [];
  form(`push r${size}`, (c) => { c.reserve(4); c.emit({ prefixes: sp, opcode: [0x50], opReg: c.rng.int(16) }); });
  form(`pop r${size}`, (c) => { c.reserve(4); c.poke(Number(c.regs[4]!), 8, c.rng.u64()); c.emit({ prefixes: sp, opcode: [0x58], opReg: c.rng.int(16) }); });
  for (const m of memForms) {
    form(`push E${size}${where(m)}`, (c) => {
      c.reserve(4);
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ prefixes: sp, opcode: [0xff], regField: 6, rm });
    });
    form(`pop E${size}${where(m)}`, (c) => {
      c.reserve(4);
      c.poke(Number(c.regs[4]!), 8, c.rng.u64());
      // A memory destination may be addressed through RSP (it sees the incremented RSP).
      if (m && c.rng.bool(0.3)) {
        c.reserved.delete(4);
        const d = c.rng.int(8) * 8;
        c.emit({ prefixes: sp, opcode: [0x8f], regField: 0, rm: { mod: 1, rm: 4, sib: 0x24, disp: d, dispBytes: 1, rexX: false, rexB: false, addr32: false, ripTarget: -1, addr: 0 } });
        return;
      }
      const rm = c.rmOperand(size, m);
      c.emit({ prefixes: sp, opcode: [0x8f], regField: 0, rm });
    });
  }
  form(`push imm${size === 2 ? 16 : 32}`, (c) => { c.reserve(4); c.emit({ prefixes: sp, opcode: [0x68], imm: immBytes(c, size === 2 ? 2 : 4) }); });
  form(`push${size === 2 ? 'w' : ''} imm8`, (c) => { c.reserve(4); c.emit({ prefixes: sp, opcode: [0x6a], imm: immBytes(c, 1) }); });
  form(`leave${size === 2 ? 'w' : ''}`, (c) => {
    c.reserve(4, 5);
    c.setReg(5, BigInt(WIN_ADDR + 0x100 + c.rng.int(64) * 8));
    c.poke(Number(c.regs[5]!), 8, c.rng.u64());
    c.emit({ prefixes: sp, opcode: [0xc9] });
  });
}

// ---- XCHG, CMPXCHG, XADD ----
for (const size of SIZES) {
  for (const m of memForms) {
    form(`xchg E${size}${where(m)},G`, (c) => {
      const rm = c.rmOperand(size, m); fillMem(c, rm, size);
      c.emit({ ...sizePrefix(size), prefixes: [...sizePrefix(size).prefixes, ...(m && c.rng.bool(0.3) ? [0xf0] : [])], rex: byteRex(c, size), opcode: opFor(size, [0x86], [0x87]), regField: c.freeReg(), rm });
    });
    for (const [name, op] of [['cmpxchg', 0xb0], ['xadd', 0xc0]] as const) {
      form(`${name} E${size}${where(m)},G`, (c) => {
        c.reserve(0);
        const rm = c.rmOperand(size, m); fillMem(c, rm, size);
        // Make the compare succeed half of the time.
        if (name === 'cmpxchg' && c.rng.bool()) {
          const v = 'reg' in rm ? c.regs[rm.reg]! : readWin(c, rm.addr, size);
          c.setReg(0, (c.regs[0]! & ~((1n << BigInt(bitsOf(size))) - 1n)) | (v & ((1n << BigInt(bitsOf(size))) - 1n)));
        }
        const lock = m && c.rng.bool(0.5) ? [0xf0] : [];
        const sp = sizePrefix(size);
        c.emit({ ...sp, prefixes: [...sp.prefixes, ...lock], rex: byteRex(c, size), opcode: [0x0f, op + (size === 1 ? 0 : 1)], regField: c.freeReg(), rm });
      });
    }
  }
  if (size > 1) form(`xchg r${size},acc`, (c) => c.emit({ ...sizePrefix(size), opcode: [0x90], opReg: c.rng.int(16) }));
}

function readWin(c: Ctx, addr: number, size: number): bigint {
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(c.window[addr - WIN_ADDR + k]!);
  return v;
}

// ---- CBW/CWDE/CDQE, CWD/CDQ/CQO ----
for (const size of VSIZES) {
  form(`cbw/cwde/cdqe ${size}`, (c) => { c.setReg(0, edgeReg(c.rng, size * 4)); c.emit({ ...sizePrefix(size), opcode: [0x98] }); });
  form(`cwd/cdq/cqo ${size}`, (c) => { c.setReg(0, edgeReg(c.rng, size * 8)); c.emit({ ...sizePrefix(size), opcode: [0x99] }); });
}

// ---- string instructions with REP/REPE/REPNE, both directions ----
for (const [name, op, compares] of [['movs', 0xa4, false], ['cmps', 0xa6, true], ['stos', 0xaa, false], ['lods', 0xac, false], ['scas', 0xae, true]] as const) {
  for (const size of SIZES) {
    for (const rep of [0, 0xf3, 0xf2]) {
      form(`${rep === 0xf3 ? (compares ? 'repe ' : 'rep ') : rep === 0xf2 ? 'repne ' : ''}${name}${size}`, (c) => {
        c.reserve(0, 1, 6, 7);
        const down = c.rng.bool();
        if (down) c.rflags |= 0x400n;
        const count = rep ? c.rng.pick([0, 1, 2, 3, 5, 8, c.rng.int(24)]) : 1;
        c.setReg(1, rep ? BigInt(count) : c.regs[1]!);
        const a32 = c.rng.bool(0.15);
        const place = (r: number, base: number): void => {
          const a = BigInt(base + (down ? 0x100 : 0) + c.rng.int(16) * size);
          c.setReg(r, a32 ? (c.rng.u64() & ~0xffffffffn) | a : a);
        };
        place(6, WIN_ADDR + 0x20);
        place(7, WIN_ADDR + 0x180);
        if (a32 && rep) c.setReg(1, (c.rng.u64() & ~0xffffffffn) | BigInt(count));
        if (compares) {
          // Make runs of equal elements so REPE/REPNE stop at interesting places.
          const src = Number(BigInt.asUintN(32, c.regs[6]!)), dst = Number(BigInt.asUintN(32, c.regs[7]!));
          const fill = c.rng.u32() & 0xff;
          for (let k = -0x100; k < 0x100; k++) {
            if (c.rng.bool(0.8)) {
              const s = src + k - WIN_ADDR, d = dst + k - WIN_ADDR;
              if (s >= 0 && s < 1024 && d >= 0 && d < 1024) c.window[s] = c.window[d] = c.rng.bool(0.9) ? fill : c.rng.u32() & 0xff;
            }
          }
          if (op === 0xae) c.setReg(0, BigInt(fill) * 0x0101010101010101n);
        }
        const sp = sizePrefix(size);
        c.emit({ prefixes: [...(a32 ? [0x67] : []), ...(rep ? [rep] : []), ...sp.prefixes], w: sp.w, opcode: [size === 1 ? op : op + 1] });
      });
    }
  }
}

// Long REP MOVS/STOS (beyond one REP_CHUNK of the emulator: it resumes the instruction) into the
// data pages outside the window, which the outside-memory hash covers.
for (const [name, op] of [['movs', 0xa4], ['stos', 0xaa]] as const) {
  for (const size of [1, 8]) {
    form(`rep ${name}${size} long`, (c) => {
      c.reserve(0, 1, 6, 7);
      const n = 1025 + c.rng.int(size === 1 ? 4000 : 300); // stays inside the mapped region
      c.setReg(1, BigInt(n));
      c.setReg(6, BigInt(WIN_ADDR - 0x1000 + c.rng.int(64)));
      c.setReg(7, BigInt(WIN_ADDR + 0x400 + c.rng.int(64) * size));
      const sp = sizePrefix(size);
      c.emit({ prefixes: [0xf3], w: sp.w, opcode: [size === 1 ? op : op + 1] });
    });
  }
}

// ---- LOOP, LOOPE, LOOPNE, JRCXZ/JECXZ (with and without the address-size prefix) ----
for (const [name, op] of [['loopne', 0xe0], ['loope', 0xe1], ['loop', 0xe2], ['jrcxz', 0xe3]] as const) {
  for (const a32 of [false, true]) {
    form(`${name}${a32 ? ' (67)' : ''}`, (c) => {
      c.reserve(1);
      c.setReg(1, c.rng.pick([0n, 1n, 2n, 0x100000000n, 0x100000001n, 0xffffffffn, c.rng.u64()]));
      c.emit({ prefixes: a32 ? [0x67] : [], opcode: [op], imm: [SKIP.length] });
      c.code.push(...SKIP);
    });
  }
}

// ---- ENTER (nesting levels 0-3), CMPXCHG8B/16B, prefetch hints ----
for (const size of [2, 8]) {
  form(`enter${size === 2 ? 'w' : ''}`, (c) => {
    c.reserve(4, 5);
    c.setReg(5, BigInt(WIN_ADDR + 0x200 + c.rng.int(32) * 8));
    const level = c.rng.pick([0, 0, 1, 2, 3]);
    c.emit({ prefixes: size === 2 ? [0x66] : [], opcode: [0xc8], imm: [...le(BigInt(c.rng.int(64) * 2), 2), level] });
  });
}
for (const wide of [false, true]) {
  form(`cmpxchg${wide ? 16 : 8}b`, (c) => {
    c.reserve(0, 1, 2, 3);
    const m = c.mem(wide ? 16 : 8, 64, 900);
    if (wide && (m.addr & 15) !== 0) {
      // CMPXCHG16B needs a 16-byte aligned operand (#GP otherwise): realign through the base.
      return c.emit({ prefixes: [0xf0], w: true, opcode: [0x0f, 0xc7], regField: 1, rm: alignedMem(c) });
    }
    if (c.rng.bool()) { // make the comparison succeed
      const lo = readWin(c, m.addr, 8), hi = readWin(c, m.addr + 8, 8);
      if (wide) { c.setReg(0, lo); c.setReg(2, hi); }
      else { c.setReg(0, (c.regs[0]! & ~0xffffffffn) | (lo & 0xffffffffn)); c.setReg(2, (c.regs[2]! & ~0xffffffffn) | (lo >> 32n)); }
    }
    c.emit({ prefixes: c.rng.bool() ? [0xf0] : [], w: wide, opcode: [0x0f, 0xc7], regField: 1, rm: m });
  });
}
for (let hint = 0; hint < 4; hint++) {
  form(`prefetch hint ${hint} (0F 18)`, (c) => c.emit({ opcode: [0x0f, 0x18], regField: hint, rm: c.mem(1) }));
}

/** A 16-byte aligned [base] operand in the window. */
function alignedMem(c: Ctx) {
  const b = c.freeReg(4);
  const addr = WIN_ADDR + 64 + c.rng.int(50) * 16;
  c.setReg(b, BigInt(addr));
  if ((b & 7) === 5) return { mod: 1, rm: 5, sib: -1, disp: 0, dispBytes: 1, rexX: false, rexB: b >= 8, addr32: false, ripTarget: -1, addr };
  return { mod: 0, rm: b & 7, sib: (b & 7) === 4 ? 0x24 : -1, disp: 0, dispBytes: 0, rexX: false, rexB: b >= 8, addr32: false, ripTarget: -1, addr };
}

// ---- flag instructions, LAHF/SAHF, PUSHF/POPF ----
form('cld', (c) => { if (c.rng.bool()) c.rflags |= 0x400n; c.emit({ opcode: [0xfc] }); });
form('std', (c) => { c.emit({ opcode: [0xfd] }); });
form('clc', (c) => c.emit({ opcode: [0xf8] }));
form('stc', (c) => c.emit({ opcode: [0xf9] }));
form('cmc', (c) => c.emit({ opcode: [0xf5] }));
form('lahf', (c) => c.emit({ opcode: [0x9f] }));
form('sahf', (c) => c.emit({ opcode: [0x9e] }));
form('add; lahf', (c) => {
  // LAHF after a lazily-evaluated ADD: the flags come from the recorded operation.
  c.emit({ w: true, opcode: [0x01], regField: c.freeReg(), rm: { reg: c.freeReg() } });
  c.emit({ opcode: [0x9f] });
});
for (const size of [2, 8]) {
  const sp = size === 2 ? [0x66] : [];
  form(`pushf${size === 2 ? 'w' : 'q'}`, (c) => { c.reserve(4); if (c.rng.bool()) c.rflags |= 0x400n; c.emit({ prefixes: sp, opcode: [0x9c] }); });
  form(`popf${size === 2 ? 'w' : 'q'}`, (c) => {
    c.reserve(4);
    // Only the arithmetic flags and DF: TF would trap and AC would enable alignment checks.
    c.poke(Number(c.regs[4]!), 8, BigInt(c.rng.u32() & 0xcd5) | (c.rng.u64() & ~0xffffffffn));
    c.emit({ prefixes: sp, opcode: [0x9d] });
  });
  form(`sub; pushf${size === 2 ? 'w' : 'q'}`, (c) => {
    c.reserve(4);
    c.emit({ opcode: [0x29], regField: c.freeReg(4), rm: { reg: c.freeReg(4) } });
    c.emit({ prefixes: sp, opcode: [0x9c] });
  });
}

// ---- NOP forms, PAUSE ----
form('nop', (c) => c.emit({ opcode: [0x90] }));
form('66 nop', (c) => c.emit({ prefixes: [0x66], opcode: [0x90] }));
form('pause', (c) => c.emit({ prefixes: [0xf3], opcode: [0x90] }));
form('endbr64', (c) => c.emit({ prefixes: [0xf3], opcode: [0x0f, 0x1e, 0xfa] }));
form('lfence/mfence/sfence', (c) => c.emit({ opcode: [0x0f, 0xae, c.rng.pick([0xe8, 0xf0, 0xf8])] }));
for (const m of memForms) {
  for (const size of [2, 4, 8]) {
    form(`nop E${size}${where(m)} (0F 1F)`, (c) => {
      const rm = c.rmOperand(size, m);
      c.emit({ ...sizePrefix(size), opcode: [0x0f, 0x1f], regField: 0, rm });
    });
  }
}

// ---- sequences that mix lazy flags with their consumers ----
for (let cc = 0; cc < 16; cc++) {
  for (const size of SIZES) {
    form(`alu${size}; set${CC[cc]}; adc`, (c) => {
      const op = c.rng.int(8);
      c.emit({ ...sizePrefix(size), rex: byteRex(c, size), opcode: [op * 8 + (size === 1 ? 0 : 1)], regField: c.freeReg(), rm: { reg: c.freeReg() } });
      if (c.rng.bool(0.3)) c.emit({ ...sizePrefix(size), opcode: [size === 1 ? 0xfe : 0xff], regField: c.rng.int(2), rm: { reg: c.freeReg() } });
      c.emit({ rex: true, opcode: [0x0f, 0x90 + cc], regField: 0, rm: { reg: c.freeReg() } });
      c.emit({ ...sizePrefix(size), opcode: [c.rng.pick([0x11, 0x19])], regField: c.freeReg(), rm: { reg: c.freeReg() } });
    });
  }
}

// ---- prefix corner cases (SDM Vol. 2, 2.1 and 2.2.1): null segment overrides in 64-bit mode,
// REX.W over 66, a REX that is not the last prefix (ignored), repeated prefixes ----
for (const size of [4, 8]) {
  form(`add G,E${size}m with a null segment prefix`, (c) => {
    const rm = c.mem(size); fillMem(c, rm, size);
    const sp = sizePrefix(size);
    c.emit({ ...sp, prefixes: [c.rng.pick([0x26, 0x2e, 0x36, 0x3e]), ...sp.prefixes], opcode: [0x03], regField: c.freeReg(), rm });
  });
}
for (const m of memForms) {
  form(`66 REX.W add E${where(m)},G (REX.W wins)`, (c) => {
    const rm = c.rmOperand(8, m); fillMem(c, rm, 8);
    c.emit({ prefixes: [0x66], w: true, opcode: [0x01], regField: c.freeReg(), rm });
  });
  form(`REX then 66: the REX is ignored, mov E${where(m)},G`, (c) => {
    const rm = c.rmOperand(2, m); fillMem(c, rm, 2);
    const r = c.freeReg(...('reg' in rm ? [] : regsOf(rm)));
    // Only registers 0-7 are reachable once the REX is dropped; memory addressing must not need it.
    if (!('reg' in rm) && (rm.rexB || rm.rexX)) { c.emit({ prefixes: [0x66], opcode: [0x89], regField: r & 7, rm: { reg: 3 } }); return; }
    const rmOp: Operand = 'reg' in rm ? { reg: rm.reg & 7 } : rm;
    c.code.push(0x48 | c.rng.int(8)); // REX.W plus any R/X/B: all ignored
    c.emit({ prefixes: [0x66], opcode: [0x89], regField: r & 7, rm: rmOp });
  });
}
form('66 66 add (repeated prefix)', (c) => c.emit({ prefixes: [0x66, 0x66], opcode: [0x01], regField: c.freeReg(), rm: { reg: c.freeReg() } }));
form('f3 add (ignored REP)', (c) => c.emit({ prefixes: [0xf3], opcode: [0x01], regField: c.freeReg(), rm: { reg: c.freeReg() } }));

// ---- self-modifying code: run an instruction, patch its immediate, run it again (the second run
// must see the store: the decoded copy has to be dropped) ----
for (const [name, wide] of [['add eax, imm8', false], ['mov ebx, imm32', true]] as const) {
  form(`self-modifying: ${name} patched between two runs`, (c) => {
    c.reserve(1);
    c.setReg(1, 2n);
    const loop = c.code.length;
    const target = wide ? [0xbb, ...le(edge(c.rng, 32), 4)] : [0x83, 0xc0, c.rng.int(256)]; // mov ebx, imm32 / add eax, imm8
    const immAt = CODE_ADDR + loop + (wide ? 1 : 2);
    c.code.push(...target);
    if (wide) c.code.push(0x01, 0xd8); // add eax, ebx: both runs leave a trace in RAX
    // mov byte/dword [rip + d], imm: rewrites the immediate of `target`.
    const store = wide ? [0xc7, 0x05] : [0xc6, 0x05];
    const imm = wide ? le(edge(c.rng, 32), 4) : [c.rng.int(256)];
    const len = store.length + 4 + imm.length;
    const d = immAt - (CODE_ADDR + c.code.length + len);
    c.code.push(...store, ...le(BigInt.asUintN(32, BigInt(d)), 4), ...imm);
    c.code.push(0xff, 0xc9); // dec ecx
    const back = loop - (c.code.length + 2);
    c.code.push(0x75, back & 0xff); // jnz loop
  });
}

// ---- random sequences of register forms: lazy flags produced by one instruction and consumed by
// the next (Jcc, SETcc, CMOVcc, ADC/SBB, INC/DEC keeping CF, RCL/RCR, SAHF). Only forms whose
// flags are all defined take part, except AF after logic ops (nothing in the pool reads AF). ----
const SEQ_POOL = forms.filter((f) => [
  /^(add|or|adc|sbb|and|sub|xor|cmp|test) (E\dr|G,E\dr|acc)/, /^(inc|dec|neg|not) E\dr/,
  /^mov (E\dr|G,E\dr|r\d)/, /^(movzx|movsx|movsxd) G\d,E\dr/, /^lea G\d,M$/, /^set\w+ E1r/,
  /^cmov\w+ G\d,E\dr/, /^(rol|ror|rcl|rcr|shl|shr|sal|sar) E\dr,1$/, /^bswap/, /^(cbw|cwd)/,
  /^(clc|stc|cmc|sahf)$/, /^xchg (E\dr|r)/, /^(xadd|cmpxchg) E\dr/, /^j\w+ rel/,
].some((re) => re.test(f.name)));
for (let k = 0; k < 24; k++) {
  form(`sequence ${k + 1}`, (c) => {
    const n = 2 + c.rng.int(5);
    for (let j = 0; j < n; j++) c.rng.pick(SEQ_POOL).gen(c);
  });
}

export const FORMS: readonly Form[] = forms;
export const FLAG_MASK_ALL = ALL;
