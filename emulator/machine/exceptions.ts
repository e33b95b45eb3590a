// Exception and interrupt delivery in 64-bit mode (SDM Vol. 3, 6.12-6.14), and the rules that
// turn a fault during delivery into a double fault or, during #DF delivery, a triple fault
// (SDM Vol. 3, 6.15 "Interrupt 8", Table 6-5). Nothing here special-cases a scenario: the
// cascades of the article (missing #PF gate -> #NP -> #DF; kernel stack overflow -> #PF while
// pushing the frame -> #DF; no IST for #DF -> triple fault) come out of these rules.

import { FAULT, FLAG_IF, FLAG_NT, FLAG_RF, FLAG_TF } from '../x86/cpu.ts';
import { setNum } from '../x86/operands.ts';
import type { VCpu } from './vcpu.ts';

/** How an event reached the CPU; decides EXT in error codes and the gate-DPL check. */
export const enum Source {
  /** A CPU exception raised by an instruction, or by an earlier delivery. */
  Exception = 0,
  /** An external interrupt or NMI. */
  External = 1,
  /** INT n, INT3: the gate's DPL is checked against CPL, EXT = 0. */
  Software = 2,
}

/** SDM Table 6-4: the exception classes that decide double faults. */
const enum FaultClass { Benign, Contributory, PageFault, DoubleFault }

function faultClass(vector: number): FaultClass {
  if (vector === 0 || (vector >= 10 && vector <= 13)) return FaultClass.Contributory;
  if (vector === 14) return FaultClass.PageFault;
  if (vector === 8) return FaultClass.DoubleFault;
  return FaultClass.Benign;
}

/** Exceptions that push an error code (SDM Table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17 || vector === 21;
}

/** What a delivery did: which stack it used and the RSP the handler starts with. */
export interface Delivered {
  stack: number; // 0 current, 1 RSP0 (privilege change), 1 + n for IST n
  rsp: number;
}

/** Everything the machine records about one exception in a cascade. */
export interface ExceptionRecord {
  vector: number;
  errorCode: number; // -1 when none
  cr2: number;
  rip: number;
  rsp: number;
  cpl: number;
  depth: number;
  previousVector: number;
  promoted: boolean;
  duringDelivery: boolean;
  delivered: boolean;
  stack: number;
  handlerRsp: number;
}

/** The machine's side of delivery: events, and the triple-fault shutdown. */
export interface DeliveryHost {
  onException(v: VCpu, rec: ExceptionRecord): void;
  onInterrupt(v: VCpu, vector: number, source: Source, from: { rip: number; rsp: number; cpl: number }, d: Delivered): void;
  onTripleFault(v: VCpu, first: number, second: number): void;
}

function u64ToNum(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/**
 * Delivers one event through the IDT, or throws FAULT with the fault it ran into (the CPU's
 * pending vector and error code say which). `returnRip` is what the frame saves: the faulting
 * instruction for faults, the next one for traps, INT n and interrupts.
 */
export function deliverOnce(v: VCpu, vector: number, errorCode: number, source: Source, returnRip: number): Delivered {
  const cpu = v.cpu;
  const mmu = v.mmu;
  const ext = source === Source.Software ? 0 : 1;
  const idtErr = vector * 8 + 2 + ext;
  // The gate (SDM 6.14.1): within the IDT limit, a 64-bit interrupt or trap gate, DPL, present.
  if (vector * 16 + 15 > v.idtLimit) cpu.fault(13, idtErr);
  const gateAddr = v.idtBase + vector * 16;
  const g0 = mmu.sysRead64(gateAddr);
  const g1 = mmu.sysRead64(gateAddr + 8);
  const type = Number((g0 >> 40n) & 0xfn);
  const dpl = Number((g0 >> 45n) & 3n);
  const present = (g0 >> 47n) & 1n;
  const ist = Number((g0 >> 32n) & 7n);
  const selector = Number((g0 >> 16n) & 0xffffn);
  const offset = u64ToNum((g0 & 0xffffn) | (((g0 >> 48n) & 0xffffn) << 16n) | ((g1 & 0xffffffffn) << 32n));
  if (type !== 0xe && type !== 0xf) cpu.fault(13, idtErr);
  if (source === Source.Software && dpl < cpu.cpl) cpu.fault(13, vector * 8 + 2);
  if (present === 0n) cpu.fault(11, idtErr);
  // The handler's code segment (SDM 6.12.1.1): present 64-bit code, DPL <= CPL.
  const selErr = (selector & 0xfffc) + ext;
  if ((selector & 0xfffc) === 0) cpu.fault(13, ext);
  if ((selector | 7) > v.gdtLimit) cpu.fault(13, selErr);
  const desc = mmu.sysRead64(v.gdtBase + (selector & 0xfff8));
  const isCode = ((desc >> 43n) & 3n) === 3n; // S = 1 and code
  const longMode = ((desc >> 53n) & 1n) === 1n;
  const newCpl = Number((desc >> 45n) & 3n);
  if (!isCode || !longMode || newCpl > cpu.cpl) cpu.fault(13, selErr);
  if (((desc >> 47n) & 1n) === 0n) cpu.fault(11, selErr);
  // The stack (SDM 6.14.4, 6.14.5): IST if the gate names one, else RSPn on a privilege change.
  let stack = 0;
  let rsp = cpu.regNum(4);
  if (ist !== 0 || newCpl < cpu.cpl) {
    const slot = ist !== 0 ? 0x24 + (ist - 1) * 8 : 4 + newCpl * 8;
    if (slot + 7 > v.trLimit) cpu.fault(10, (v.tr & 0xfffc) + ext);
    rsp = u64ToNum(mmu.sysRead64(v.trBase + slot));
    stack = ist !== 0 ? 1 + ist : 1;
    if (!(rsp >= -140737488355328 && rsp < 140737488355328)) cpu.fault(12, ext);
  }
  rsp -= ((rsp % 16) + 16) % 16; // align down to 16 bytes
  const flags = cpu.flags.get();
  const frame: number[] = [cpu.ss, cpu.regNum(4), flags, cpu.cs, returnRip];
  if (errorCode >= 0) frame.push(errorCode);
  // Push the frame: supervisor writes to the new stack. A fault here is a fault during delivery.
  let sp = rsp;
  for (const word of frame) {
    sp -= 8;
    mmu.sysWrite64(sp, BigInt.asUintN(64, BigInt(word)));
  }
  // Commit: nothing above changed the CPU; from here on the handler is entered.
  if (newCpl !== cpu.cpl) cpu.ss = newCpl; // a null SS with RPL = new CPL
  cpu.cs = (selector & 0xfffc) | newCpl;
  v.setCpl(newCpl);
  setNum(cpu, 4, sp);
  let nf = flags & ~(FLAG_TF | FLAG_NT | FLAG_RF | 0x20000);
  if (type === 0xe) nf &= ~FLAG_IF;
  cpu.flags.set(nf);
  cpu.rip = offset;
  cpu.nextRip = offset;
  return { stack, rsp: sp };
}

/**
 * Raises a CPU exception and delivers it, applying Table 6-5 to every fault met on the way:
 * benign-then-anything and contributory-then-#PF are handled serially; contributory-then-
 * contributory and #PF-then-(#PF or contributory) become #DF; a contributory fault or #PF while
 * delivering #DF is a triple fault (shutdown).
 */
export function raiseException(host: DeliveryHost, v: VCpu, vector: number, errorCode: number, source: Source,
  returnRip: number): void {
  const cpu = v.cpu;
  let cur = vector, curErr = hasErrorCode(vector) ? errorCode : -1;
  let curSource = source;
  let depth = 1, previous = -1, promoted = false;
  const fromRsp = cpu.regNum(4), fromCpl = cpu.cpl;
  for (;;) {
    const cr2 = cur === 14 ? cpu.pendingCr2 : 0;
    if (cur === 14) cpu.cr2 = cr2; // CR2 is loaded as the #PF is raised (SDM 6.15 "Interrupt 14")
    const rec: ExceptionRecord = {
      vector: cur, errorCode: curErr, cr2, rip: returnRip, rsp: fromRsp, cpl: fromCpl, depth,
      previousVector: previous, promoted, duringDelivery: depth > 1, delivered: false, stack: 0, handlerRsp: 0,
    };
    try {
      const d = deliverOnce(v, cur, curErr, curSource, returnRip);
      rec.delivered = true; rec.stack = d.stack; rec.handlerRsp = d.rsp;
      host.onException(v, rec);
      return;
    } catch (e) {
      if (e !== FAULT) throw e;
    }
    host.onException(v, rec);
    const second = cpu.pendingVector, secondErr = hasErrorCode(cpu.pendingVector) ? cpu.pendingError : -1;
    const c1 = curSource === Source.Exception ? faultClass(cur) : FaultClass.Benign;
    const c2 = faultClass(second);
    const doubleFault = (c1 === FaultClass.Contributory && c2 === FaultClass.Contributory)
      || (c1 === FaultClass.PageFault && (c2 === FaultClass.Contributory || c2 === FaultClass.PageFault));
    const shutdown = c1 === FaultClass.DoubleFault && (c2 === FaultClass.Contributory || c2 === FaultClass.PageFault);
    if (doubleFault || shutdown) {
      // The second fault is recorded on its own before what it turns into.
      host.onException(v, {
        vector: second, errorCode: secondErr, cr2: second === 14 ? cpu.pendingCr2 : 0, rip: returnRip, rsp: fromRsp,
        cpl: fromCpl, depth: depth + 1, previousVector: cur, promoted: false, duringDelivery: true,
        delivered: false, stack: 0, handlerRsp: 0,
      });
      if (second === 14) cpu.cr2 = cpu.pendingCr2;
    }
    if (shutdown) {
      host.onTripleFault(v, cur, second);
      return;
    }
    if (doubleFault) {
      previous = second; cur = 8; curErr = 0; promoted = true; depth++;
    } else {
      previous = cur; cur = second; curErr = secondErr; promoted = false;
    }
    curSource = Source.Exception;
    depth++;
    if (depth > 8) { host.onTripleFault(v, previous, cur); return; } // cannot happen by Table 6-5; a safety net
  }
}

/** Delivers an external interrupt or NMI between instructions (RIP = the next instruction). */
export function deliverInterrupt(host: DeliveryHost, v: VCpu, vector: number, source: Source): void {
  const cpu = v.cpu;
  const from = { rip: cpu.rip, rsp: cpu.regNum(4), cpl: cpu.cpl };
  try {
    const d = deliverOnce(v, vector, -1, source, cpu.rip);
    host.onInterrupt(v, vector, source, from, d);
  } catch (e) {
    if (e !== FAULT) throw e;
    // A fault while delivering an interrupt: the interrupt is benign, so the fault is delivered
    // on its own (Table 6-5, "serially"), saving the interrupted instruction's RIP.
    raiseException(host, v, cpu.pendingVector, cpu.pendingError, Source.Exception, cpu.rip);
  }
}

