// The 64-bit mode instruction decoder (SDM Vol. 2, chapter 2 and appendix A): legacy prefixes,
// REX, the one- and two-byte opcode maps, ModRM/SIB with RIP-relative addressing,
// displacements and immediates. It reads bytes through the bus (so an instruction fetch can
// page-fault), fills one Instr and binds the handler that executes it. Encodings it does not
// know decode to an Instr that raises #UD when executed, so the fault has the right RIP.

import { SysOp, type Bus, type Cpu } from './cpu.ts';
import { BASE_RIP, HIGH_BYTE, Instr, type Handler } from './instr.ts';
import * as alu from './ops_alu.ts';
import * as ctl from './ops_control.ts';
import * as dat from './ops_data.ts';
import * as flg from './ops_flags.ts';
import * as md from './ops_muldiv.ts';
import * as sh from './ops_shift.ts';
import * as bit from './ops_bit.ts';
import * as str from './ops_string.ts';

const MAX_LEN = 15;

export const ud: Handler = (cpu) => cpu.fault(6);
const gpLen: Handler = (cpu) => cpu.fault(13, 0);

/** Builds one handler per operand size, indexed by the size in bytes. */
function bySize(make: (size: number) => Handler): Handler[] {
  const t: Handler[] = [];
  for (const s of [1, 2, 4, 8]) t[s] = make(s);
  return t;
}

function byOpSize(make: (op: number, size: number) => Handler): Handler[][] {
  const t: Handler[][] = [];
  for (let op = 0; op < 8; op++) t[op] = bySize((s) => make(op, s));
  return t;
}

const ALU_EG = byOpSize(alu.aluEG), ALU_GE = byOpSize(alu.aluGE), ALU_EI = byOpSize(alu.aluEI);
const TEST_EG = bySize(alu.testEG), TEST_EI = bySize(alu.testEI);
const INC = bySize(alu.inc), DEC = bySize(alu.dec), NEG = bySize(alu.neg), NOT = bySize(alu.not);
const MOV_EG = bySize(dat.movEG), MOV_GE = bySize(dat.movGE), MOV_EI = bySize(dat.movEI);
const MOV_LOAD_MOFFS = bySize((s) => dat.movAccMoffs(s, true));
const MOV_STORE_MOFFS = bySize((s) => dat.movAccMoffs(s, false));
const MOVZX8 = bySize((s) => dat.movzx(s, 1)), MOVZX16 = bySize((s) => dat.movzx(s, 2));
const MOVSX8 = bySize((s) => dat.movsx(s, 1)), MOVSX16 = bySize((s) => dat.movsx(s, 2));
const MOVSXD = bySize((s) => dat.movsx(s, 4));
const LEA = bySize(dat.lea), XCHG = bySize(dat.xchg), CMPXCHG = bySize(dat.cmpxchg), XADD = bySize(dat.xadd);
const CBW = bySize(dat.cbw), CWD = bySize(dat.cwd), CMOV = bySize(dat.cmov), BSWAP = bySize(dat.bswap);
const PUSH_E = bySize(dat.pushE), PUSH_I = bySize(dat.pushI), POP_E = bySize(dat.popE);
const LEAVE = bySize(dat.leave), ENTER = bySize(dat.enter);
const PUSHF = bySize(flg.pushf), POPF = bySize(flg.popf);
const SHIFT = byOpSize(sh.shift), SHLD = bySize((s) => sh.shiftDouble(s, true)), SHRD = bySize((s) => sh.shiftDouble(s, false));
const MULDIV: Handler[][] = [];
for (let op = 4; op < 8; op++) MULDIV[op] = bySize((s) => md.mulDiv(op, s));
const IMUL2 = bySize(md.imul2), IMUL3 = bySize(md.imul3);
const BT_G = bySize((s) => bit.bitTest(s, false)), BT_I = bySize((s) => bit.bitTest(s, true));
const BSF = bySize((s) => bit.bitScan(s, false)), BSR = bySize((s) => bit.bitScan(s, true));
const CMPXCHG8B = dat.cmpxchgWide(false), CMPXCHG16B = dat.cmpxchgWide(true);

const sys: Handler = (cpu, i) => cpu.sys.exec(cpu, i.op, i);

// ---- Specialised handlers: for the forms compiled code runs most, a handler written for one
// operand size and one kind of ModRM.rm operand (register or memory) replaces the general one.
const REG_FORM = new Map<Handler, Handler>(), MEM_FORM = new Map<Handler, Handler>();
function special(h: Handler, reg: Handler | undefined, mem: Handler | undefined): void {
  if (reg) REG_FORM.set(h, reg);
  if (mem) MEM_FORM.set(h, mem);
}
for (let op = 0; op < 8; op++) {
  const w = op !== alu.AluOp.Cmp;
  special(ALU_EG[op]![4]!, alu.aluEG32r(op, w), alu.aluEG32m(op, w));
  special(ALU_GE[op]![4]!, alu.aluGE32r(op, w), alu.aluGE32m(op, w));
  special(ALU_EI[op]![4]!, alu.aluEI32r(op, w), alu.aluEI32m(op, w));
  special(ALU_EG[op]![8]!, alu.aluEG64r(op, w), alu.aluEG64m(op, w));
  special(ALU_GE[op]![8]!, alu.aluGE64r(op, w), alu.aluGE64m(op, w));
  special(ALU_EI[op]![8]!, alu.aluEI64r(op, w), alu.aluEI64m(op, w));
}
for (let op = 0; op < 8; op++) {
  const w = op !== alu.AluOp.Cmp;
  special(ALU_EG[op]![1]!, alu.aluEG8r(op, w), alu.aluEG8m(op, w));
  special(ALU_GE[op]![1]!, undefined, alu.aluGE8m(op, w));
  special(ALU_EI[op]![1]!, undefined, alu.aluEI8m(op, w));
}
special(TEST_EG[1]!, alu.aluEG8r(alu.AluOp.And, false), alu.aluEG8m(alu.AluOp.And, false));
special(TEST_EI[1]!, undefined, alu.aluEI8m(alu.AluOp.And, false));
special(TEST_EG[4]!, alu.aluEG32r(alu.AluOp.And, false), alu.aluEG32m(alu.AluOp.And, false));
special(TEST_EI[4]!, alu.aluEI32r(alu.AluOp.And, false), alu.aluEI32m(alu.AluOp.And, false));
special(TEST_EG[8]!, alu.aluEG64r(alu.AluOp.And, false), alu.aluEG64m(alu.AluOp.And, false));
special(TEST_EI[8]!, alu.aluEI64r(alu.AluOp.And, false), alu.aluEI64m(alu.AluOp.And, false));
special(INC[4]!, alu.incDec32r(false), undefined);
special(DEC[4]!, alu.incDec32r(true), undefined);
special(MOV_GE[4]!, dat.movGE32r, dat.movGE32m);
special(MOV_GE[8]!, dat.movGE64r, dat.movGE64m);
special(MOV_EG[4]!, dat.movEG32r, dat.movEG32m);
special(MOV_EG[8]!, dat.movEG64r, dat.movEG64m);
special(MOV_EI[4]!, dat.movEI32r, dat.movEI32m);
special(MOV_EI[8]!, dat.movEI64r, dat.movEI64m);
special(MOV_EG[1]!, undefined, dat.movEG8m);
special(MOV_GE[1]!, undefined, dat.movGE8m);
for (const s of [4, 8]) {
  special(MOVZX8[s]!, dat.movzx8r, dat.movzx8m);
  special(MOVZX16[s]!, dat.movzx16r, dat.movzx16m);
}
special(MOVSX8[8]!, undefined, dat.movsx8to64m);
special(MOVSXD[8]!, dat.movsx32to64r, dat.movsx32to64m);
special(LEA[4]!, undefined, dat.lea32);
special(PUSH_E[8]!, dat.pushR64, undefined);
special(POP_E[8]!, dat.popR64, undefined);
for (const op of [4, 5, 6, 7]) special(SHIFT[op]![4]!, sh.shift32r(op), undefined);

/** Replaces a general handler by its specialised form for this instruction, if there is one. */
function specialise(h: Handler, i: Instr): Handler {
  if (h === ctl.jcc) return ctl.JCC[i.op]!;
  if (h === LEA[8] && !i.addr32 && i.base !== BASE_RIP) return dat.lea64;
  return (i.rm >= 0 ? REG_FORM : MEM_FORM).get(h) ?? h;
}

/** Opcodes that accept LOCK with a memory destination (SDM Vol. 2, LOCK). */
function lockable(i: Instr): boolean {
  const o = i.opcode;
  if (i.rm >= 0) return false;
  if (o < 0x40) return (o & 7) <= 1 && (o >> 3) !== 7;
  switch (o) {
    case 0x80: case 0x81: case 0x83: return i.op !== alu.AluOp.Cmp;
    case 0x86: case 0x87: return true;
    case 0xf6: case 0xf7: return i.op === 2 || i.op === 3;
    case 0xfe: case 0xff: return i.op === 0 || i.op === 1;
    case 0x1ab: case 0x1b3: case 0x1bb: case 0x1b0: case 0x1b1: case 0x1c0: case 0x1c1: return true;
    case 0x1ba: return i.op >= 5;
    case 0x1c7: return i.op === 1;
    default: return false;
  }
}

// The instruction being decoded and the decoder's cursor. Module state rather than closures, so
// that decoding allocates nothing but the Instr (decode is not re-entrant).
let i: Instr = new Instr(ud);
let bus: Bus;
let at = 0, n = 0, rex = 0, rexR = 0, rexX = 0, rexB = 0;

/** The next instruction byte. */
function rd(): number {
  return bus.fetch8(at + n++);
}

/** ModRM, SIB and displacement (SDM Vol. 2, 2.1.5; RIP-relative: 2.2.1.6). */
function modrm(): void {
  const m = rd();
  const mod = m >> 6, rm = m & 7;
  i.reg = ((m >> 3) & 7) | rexR;
  i.op = (m >> 3) & 7;
  if (mod === 3) { i.rm = rm | rexB; return; }
  if (rm === 4) {
    const sib = rd();
    const idx = ((sib >> 3) & 7) | rexX;
    i.index = idx === 4 ? -1 : idx;
    i.scale = sib >> 6;
    const base = sib & 7;
    if (base === 5 && mod === 0) { i.base = -1; i.disp = imm32(); }
    else i.base = base | rexB;
  } else if (rm === 5 && mod === 0) {
    i.base = BASE_RIP;
    i.disp = imm32();
  } else i.base = rm | rexB;
  if (mod === 1) i.disp = (rd() << 24) >> 24;
  else if (mod === 2) i.disp = imm32();
}

function imm8s(): number { return (rd() << 24) >> 24; }
function imm16(): number { return rd() | (rd() << 8); }
function imm32(): number { return rd() | (rd() << 8) | (rd() << 16) | (rd() << 24); }

/** Stores an immediate sign-extended to the operand size. */
function setImm(v: number, size: number): void {
  if (size === 1) i.immLo = v & 0xff;
  else if (size === 2) i.immLo = v & 0xffff;
  else { i.immLo = v | 0; i.immHi = size === 8 && v < 0 ? -1 : 0; }
}

/** The immediate of an "z" operand: 16 bits for 16-bit operands, else 32 sign-extended. */
function immZ(size: number): void {
  setImm(size === 2 ? imm16() : imm32(), size);
}

/** Byte registers without REX: 4-7 are AH, CH, DH, BH (SDM Vol. 2, 3.1.1.1). */
function byteRegs(reg: boolean, rm: boolean): void {
  if (rex !== 0) return;
  if (reg && i.reg >= 4 && i.reg < 8) i.reg = HIGH_BYTE + i.reg - 4;
  if (rm && i.rm >= 4 && i.rm < 8) i.rm = HIGH_BYTE + i.rm - 4;
}

/** Decodes the instruction at linear address `rip`. */
export function decode(cpu: Cpu, rip: number): Instr {
  bus = cpu.bus;
  i = new Instr(ud);
  at = rip;
  n = 0;

  // ---- prefixes (SDM Vol. 2, 2.1.1); REX counts only as the last prefix before the opcode ----
  let opsize16 = false, b = 0;
  rex = 0;
  for (;;) {
    if (n >= MAX_LEN) { i.exec = gpLen; i.len = n; return i; }
    b = rd();
    switch (b) {
      case 0x66: opsize16 = true; rex = 0; continue;
      case 0x67: i.addr32 = true; rex = 0; continue;
      case 0xf2: i.rep = 2; rex = 0; continue;
      case 0xf3: i.rep = 1; rex = 0; continue;
      case 0xf0: i.lock = true; rex = 0; continue;
      case 0x2e: case 0x36: case 0x3e: case 0x26: rex = 0; continue; // null segments in 64-bit mode
      case 0x64: i.seg = 4; rex = 0; continue;
      case 0x65: i.seg = 5; rex = 0; continue;
    }
    if ((b & 0xf0) === 0x40) { rex = b; continue; }
    break;
  }
  const rexW = (rex & 8) !== 0;
  rexR = (rex & 4) ? 8 : 0; rexX = (rex & 2) ? 8 : 0; rexB = (rex & 1) ? 8 : 0;
  const vsize = rexW ? 8 : opsize16 ? 2 : 4; // operand size of "v" operands
  const dsize = opsize16 ? 2 : 8; // default-64 operations (push, pop, near branches)
  let opcode = b;
  if (b === 0x0f) opcode = 0x100 | rd();
  i.opcode = opcode;

  let h: Handler = ud;
  let size = vsize;
  const o = opcode;
  if (o < 0x40 && (o & 7) < 6) {
    // ---- ADD OR ADC SBB AND SUB XOR CMP rows ----
    const op = o >> 3;
    switch (o & 7) {
      case 0: size = 1; modrm(); byteRegs(true, true); h = ALU_EG[op]![1]!; break;
      case 1: modrm(); h = ALU_EG[op]![size]!; break;
      case 2: size = 1; modrm(); byteRegs(true, true); h = ALU_GE[op]![1]!; break;
      case 3: modrm(); h = ALU_GE[op]![size]!; break;
      case 4: size = 1; i.rm = 0; setImm(rd(), 1); h = ALU_EI[op]![1]!; break;
      default: i.rm = 0; immZ(size); h = ALU_EI[op]![size]!; break;
    }
    i.op = op;
  } else if (o >= 0x50 && o <= 0x57) { size = dsize; i.rm = (o & 7) | rexB; h = PUSH_E[size]!; }
  else if (o >= 0x58 && o <= 0x5f) { size = dsize; i.rm = (o & 7) | rexB; h = POP_E[size]!; }
  else if (o >= 0x70 && o <= 0x7f) { i.op = o & 15; i.immLo = imm8s(); h = ctl.jcc; size = 8; }
  else if (o >= 0x91 && o <= 0x97) { i.rm = (o & 7) | rexB; i.reg = 0; h = XCHG[size]!; }
  else if (o >= 0xb0 && o <= 0xb7) { size = 1; i.rm = (o & 7) | rexB; byteRegs(false, true); setImm(rd(), 1); h = MOV_EI[1]!; }
  else if (o >= 0xb8 && o <= 0xbf) {
    i.rm = (o & 7) | rexB;
    if (size === 8) { i.immLo = imm32(); i.immHi = imm32(); }
    else setImm(size === 2 ? imm16() : imm32(), size);
    h = MOV_EI[size]!;
  } else if (o >= 0x140 && o <= 0x14f) { modrm(); i.op = o & 15; h = CMOV[size]!; }
  else if (o >= 0x180 && o <= 0x18f) { i.op = o & 15; i.immLo = imm32(); h = ctl.jcc; size = 8; }
  else if (o >= 0x190 && o <= 0x19f) { modrm(); size = 1; byteRegs(false, true); i.op = o & 15; h = dat.setcc; }
  else if (o >= 0x1c8 && o <= 0x1cf) { i.reg = (o & 7) | rexB; h = BSWAP[size]!; }
  else {
    switch (o) {
      case 0x63: modrm(); h = size === 8 ? MOVSXD[8]! : MOV_GE[size]!; break;
      case 0x68: size = dsize; immZ(size === 2 ? 2 : 8); h = PUSH_I[size]!; break;
      case 0x6a: size = dsize; setImm(imm8s(), size); h = PUSH_I[size]!; break;
      case 0x80: size = 1; modrm(); byteRegs(false, true); setImm(rd(), 1); h = ALU_EI[i.op]![1]!; break;
      case 0x81: modrm(); immZ(size); h = ALU_EI[i.op]![size]!; break;
      case 0x83: modrm(); setImm(imm8s(), size); h = ALU_EI[i.op]![size]!; break;
      case 0x84: size = 1; modrm(); byteRegs(true, true); h = TEST_EG[1]!; break;
      case 0x85: modrm(); h = TEST_EG[size]!; break;
      case 0x86: size = 1; modrm(); byteRegs(true, true); h = XCHG[1]!; break;
      case 0x87: modrm(); h = XCHG[size]!; break;
      case 0x88: size = 1; modrm(); byteRegs(true, true); h = MOV_EG[1]!; break;
      case 0x89: modrm(); h = MOV_EG[size]!; break;
      case 0x8a: size = 1; modrm(); byteRegs(true, true); h = MOV_GE[1]!; break;
      case 0x8b: modrm(); h = MOV_GE[size]!; break;
      case 0x8c: modrm(); i.op = SysOp.MovFromSeg; h = sys; break;
      case 0x8d: modrm(); h = i.rm >= 0 ? ud : LEA[size]!; break;
      case 0x8e: modrm(); i.op = SysOp.MovToSeg; h = sys; break;
      case 0x8f: modrm(); size = dsize; h = i.op === 0 ? POP_E[size]! : ud; break;
      case 0x90:
        if (rexB) { i.rm = 8; i.reg = 0; h = XCHG[size]!; } // XCHG r8, rAX
        else h = dat.nop; // NOP, and F3 90 = PAUSE
        break;
      case 0x98: h = CBW[size]!; break;
      case 0x99: h = CWD[size]!; break;
      case 0x9b: h = dat.nop; break; // FWAIT: no x87 state to wait for
      case 0x9c: size = dsize; h = PUSHF[size]!; break;
      case 0x9d: size = dsize; h = POPF[size]!; break;
      case 0x9e: h = dat.sahf; break;
      case 0x9f: h = dat.lahf; break;
      case 0xa0: case 0xa1: case 0xa2: case 0xa3: {
        if (o === 0xa0 || o === 0xa2) size = 1;
        // moffs is 8 bytes, or 4 with an address-size prefix (SDM Vol. 2, 2.2.1.4).
        const lo = imm32(), hi = i.addr32 ? 0 : imm32();
        i.base = -1;
        i.disp = i.addr32 ? lo >>> 0 : hi * 4294967296 + (lo >>> 0);
        h = o <= 0xa1 ? MOV_LOAD_MOFFS[size]! : MOV_STORE_MOFFS[size]!;
        break;
      }
      case 0xa8: size = 1; i.rm = 0; setImm(rd(), 1); h = TEST_EI[1]!; break;
      case 0xa9: i.rm = 0; immZ(size); h = TEST_EI[size]!; break;
      case 0xc2: size = 8; i.immLo = imm16(); h = ctl.ret; break;
      case 0xc3: size = 8; h = ctl.ret; break;
      case 0xc6: size = 1; modrm(); byteRegs(false, true); setImm(rd(), 1); h = i.op === 0 ? MOV_EI[1]! : ud; break;
      case 0xc7: modrm(); immZ(size); h = i.op === 0 ? MOV_EI[size]! : ud; break;
      case 0xc8: size = dsize; i.immLo = imm16(); i.imm2 = rd(); h = ENTER[size]!; break;
      case 0xc9: size = dsize; h = LEAVE[size]!; break;
      case 0xca: i.immLo = imm16(); i.op = SysOp.RetFar; h = sys; break;
      case 0xcb: i.op = SysOp.RetFar; h = sys; break;
      case 0xcc: i.op = SysOp.Int3; h = sys; break;
      case 0xcd: i.op = SysOp.Int; i.immLo = rd(); h = sys; break;
      case 0xcf: i.op = SysOp.Iretq; h = sys; break;
      case 0xe0: case 0xe1: case 0xe2: i.op = o - 0xe0; i.immLo = imm8s(); h = ctl.loop; break;
      case 0xe3: i.immLo = imm8s(); h = ctl.jrcxz; break;
      case 0xe4: case 0xe5: case 0xec: case 0xed:
        size = o & 1 ? (opsize16 ? 2 : 4) : 1; if (o < 0xe8) i.immLo = rd(); else i.immLo = -1;
        i.op = SysOp.In; h = sys; break;
      case 0xe6: case 0xe7: case 0xee: case 0xef:
        size = o & 1 ? (opsize16 ? 2 : 4) : 1; if (o < 0xe8) i.immLo = rd(); else i.immLo = -1;
        i.op = SysOp.Out; h = sys; break;
      case 0xe8: size = 8; i.immLo = imm32(); h = ctl.callRel; break;
      case 0xe9: size = 8; i.immLo = imm32(); h = ctl.jmpRel; break;
      case 0xeb: size = 8; i.immLo = imm8s(); h = ctl.jmpRel; break;
      case 0xf4: i.op = SysOp.Hlt; h = sys; break;
      case 0xf5: h = dat.cmc; break;
      case 0xf6: case 0xf7:
        if (o === 0xf6) size = 1;
        modrm(); if (size === 1) byteRegs(false, true);
        switch (i.op) {
          case 0: case 1: if (size === 1) setImm(rd(), 1); else immZ(size); h = TEST_EI[size]!; break;
          case 2: h = NOT[size]!; break;
          case 3: h = NEG[size]!; break;
          default: h = MULDIV[i.op]![size]!; break;
        }
        break;
      case 0xf8: h = dat.clc; break;
      case 0xf9: h = dat.stc; break;
      case 0xfa: i.op = SysOp.Cli; h = sys; break;
      case 0xfb: i.op = SysOp.Sti; h = sys; break;
      case 0xfc: h = dat.cld; break;
      case 0xfd: h = dat.std; break;
      case 0xfe: size = 1; modrm(); byteRegs(false, true); h = i.op === 0 ? INC[1]! : i.op === 1 ? DEC[1]! : ud; break;
      case 0xff:
        modrm();
        switch (i.op) {
          case 0: h = INC[size]!; break;
          case 1: h = DEC[size]!; break;
          case 2: size = 8; h = ctl.callE; break;
          case 4: size = 8; h = ctl.jmpE; break;
          case 6: size = dsize; h = PUSH_E[size]!; break;
        }
        break;
      // ---- two-byte opcodes ----
      case 0x100: modrm(); h = sys;
        i.op = [SysOp.MovFromSeg, SysOp.Str, -1, SysOp.Ltr, SysOp.Verr, SysOp.Verr, -1, -1][i.op]!;
        if (i.op < 0) h = ud;
        break;
      case 0x101: decodeGroup7(i); h = i.op < 0 ? ud : sys; break;
      case 0x105: i.op = SysOp.Syscall; h = sys; break;
      case 0x106: i.op = SysOp.Clts; h = sys; break;
      case 0x107: i.op = SysOp.Sysret; h = sys; break;
      case 0x109: i.op = SysOp.Wbinvd; h = sys; break;
      case 0x10b: h = ud; break; // UD2
      case 0x10d: modrm(); h = dat.nop; break; // PREFETCHW
      case 0x118: case 0x119: case 0x11a: case 0x11b: case 0x11c: case 0x11d: case 0x11e: case 0x11f:
        modrm(); h = dat.nop; break; // hint NOPs, NOP Ev (0F 1F), ENDBR64 (F3 0F 1E FA)
      case 0x120: case 0x122: {
        // MOV to/from CRn uses ModRM.rm as a register whatever mod says (SDM Vol. 2, MOV-Control Registers).
        const m = rd();
        i.reg = ((m >> 3) & 7) | rexR; i.rm = (m & 7) | rexB; size = 8;
        i.op = o === 0x120 ? SysOp.MovFromCr : SysOp.MovToCr; h = sys; break;
      }
      case 0x130: i.op = SysOp.Wrmsr; h = sys; break;
      case 0x131: i.op = SysOp.Rdtsc; h = sys; break;
      case 0x132: i.op = SysOp.Rdmsr; h = sys; break;
      case 0x1a0: i.op = SysOp.PushFs; h = sys; size = dsize; break;
      case 0x1a1: i.op = SysOp.PopFs; h = sys; size = dsize; break;
      case 0x1a2: i.op = SysOp.Cpuid; h = sys; break;
      case 0x1a8: i.op = SysOp.PushGs; h = sys; size = dsize; break;
      case 0x1a9: i.op = SysOp.PopGs; h = sys; size = dsize; break;
      case 0x1ae: modrm();
        if (i.rm >= 0 && i.rep === 1 && i.op <= 3) {
          i.op = [SysOp.Rdfsbase, SysOp.Rdgsbase, SysOp.Wrfsbase, SysOp.Wrgsbase][i.op]!; h = sys;
        } else if (i.rm >= 0 && i.op >= 5) h = dat.nop; // LFENCE, MFENCE, SFENCE
        else h = ud;
        break;
      case 0x1b0: size = 1; modrm(); byteRegs(true, true); h = CMPXCHG[1]!; break;
      case 0x1b1: modrm(); h = CMPXCHG[size]!; break;
      case 0x1b6: modrm(); byteRegs(false, true); h = MOVZX8[size]!; break;
      case 0x1b7: modrm(); h = MOVZX16[size]!; break;
      case 0x1be: modrm(); byteRegs(false, true); h = MOVSX8[size]!; break;
      case 0x1bf: modrm(); h = MOVSX16[size]!; break;
      case 0x1c0: size = 1; modrm(); byteRegs(true, true); h = XADD[1]!; break;
      case 0x1c1: modrm(); h = XADD[size]!; break;
      // ---- shifts and rotates (group 2), SHLD/SHRD: immLo = count, -1 for CL ----
      case 0xc0: size = 1; modrm(); byteRegs(false, true); i.immLo = rd(); h = SHIFT[i.op]![1]!; break;
      case 0xc1: modrm(); i.immLo = rd(); h = SHIFT[i.op]![size]!; break;
      case 0xd0: size = 1; modrm(); byteRegs(false, true); i.immLo = 1; h = SHIFT[i.op]![1]!; break;
      case 0xd1: modrm(); i.immLo = 1; h = SHIFT[i.op]![size]!; break;
      case 0xd2: size = 1; modrm(); byteRegs(false, true); i.immLo = -1; h = SHIFT[i.op]![1]!; break;
      case 0xd3: modrm(); i.immLo = -1; h = SHIFT[i.op]![size]!; break;
      case 0x1a4: modrm(); i.immLo = rd(); h = SHLD[size]!; break;
      case 0x1a5: modrm(); i.immLo = -1; h = SHLD[size]!; break;
      case 0x1ac: modrm(); i.immLo = rd(); h = SHRD[size]!; break;
      case 0x1ad: modrm(); i.immLo = -1; h = SHRD[size]!; break;
      // ---- multiply ----
      case 0x69: modrm(); immZ(size); h = IMUL3[size]!; break;
      case 0x6b: modrm(); setImm(imm8s(), size); h = IMUL3[size]!; break;
      case 0x1af: modrm(); h = IMUL2[size]!; break;
      // ---- bit test and scan ----
      case 0x1a3: modrm(); i.op = 4; h = BT_G[size]!; break;
      case 0x1ab: modrm(); i.op = 5; h = BT_G[size]!; break;
      case 0x1b3: modrm(); i.op = 6; h = BT_G[size]!; break;
      case 0x1bb: modrm(); i.op = 7; h = BT_G[size]!; break;
      case 0x1ba: modrm(); i.immLo = rd(); h = i.op >= 4 ? BT_I[size]! : ud; break;
      case 0x1bc: modrm(); h = BSF[size]!; break;
      case 0x1bd: modrm(); h = BSR[size]!; break;
      case 0x1c7: modrm(); h = i.op === 1 && i.rm < 0 ? (rexW ? CMPXCHG16B : CMPXCHG8B) : ud; break;
      // ---- string instructions: the low opcode bit selects byte or "v" size ----
      case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf:
        if ((o & 1) === 0) size = 1;
        h = str.stringOp(o & 0xfe, size, i.rep, i.addr32);
        break;
    }
  }
  i.size = size;
  i.len = n;
  if (n > MAX_LEN) h = gpLen;
  else if (i.lock && !lockable(i)) h = ud;
  else h = specialise(h, i);
  i.exec = h;
  return i;
}

/** 0F 01: descriptor-table and system instructions (SDM Vol. 2, table A-6, group 7). */
function decodeGroup7(i: Instr): void {
  modrm();
  const reg = i.op;
  if (i.rm < 0) {
    i.op = [SysOp.Sgdt, SysOp.Sidt, SysOp.Lgdt, SysOp.Lidt, SysOp.Smsw, -1, SysOp.Lmsw, SysOp.Invlpg][reg]!;
    return;
  }
  const rm = i.rm & 7;
  if (reg === 1 && rm === 2) i.op = SysOp.Clac;
  else if (reg === 1 && rm === 3) i.op = SysOp.Stac;
  else if (reg === 7 && rm === 0) i.op = SysOp.Swapgs;
  else if (reg === 7 && rm === 1) i.op = SysOp.Rdtscp;
  else if (reg === 4) i.op = SysOp.Smsw;
  else if (reg === 6) i.op = SysOp.Lmsw;
  else i.op = -1;
}
