// Everything the inspectors show at an instant, for one session: the machine at the playhead
// (control registers, stack, page walk, IDT, TSS) and what the recording says led there (the
// exception in focus and its cascade, the locks held). Read-only: nothing here changes the file.

import { EXCEPTION_MNEMONICS, hex64, type MachineEvent } from '../../../emulator/machine/events.ts';
import { decodeCr0, decodeCr4, decodeEfer, decodePageFaultError, decodeRflags, decodeSelectorError, describePageFault, readIdt, readTss, readU64, readVirtual, walk, type BitField } from '../../../emulator/machine/inspect.ts';
import type { Machine } from '../../../emulator/machine/machine.ts';
import type { VCpu } from '../../../emulator/machine/vcpu.ts';
import { TraceType } from '../../../emulator/machine/trace_format.ts';
import type { DisassemblyLine, FaultInFocus, IdtRow, Inspection, InspectQuery, PanicReport, PageWalk, RegisterBits, StackView, TssRow } from '../../../preload/inspect_api.ts';
import type { SessionClient } from '../../session/session_client.ts';
import { hexAddr, parseHex64 } from '../session_view.ts';
import { disassembleAround } from './disassembly.ts';
import { faultCascade } from './fault_cascade.ts';
import { KernelSymbols } from './kernel_symbols.ts';
import { SymbolTable } from './symbol_table.ts';
import { locksHeldAt } from './held_locks.ts';
import type { SessionMachine } from '../session_machine.ts';
import { pageWalkView } from './page_walk_view.ts';
import { panicReport } from './panic_report.ts';
import { framesView, stackSlots, walkFrames } from './stack_walk.ts';

type ExceptionEvent = Extract<MachineEvent, { kind: 'exception' }>;

/** Exceptions walked back from the one in focus, looking for where a cascade began. */
const CASCADE_DEPTH = 8;
const PAGE = 0x1000n;

/** User addresses lie below the kernel half. */
const KERNEL_HALF = 0xffff800000000000n;
const u64 = (n: number) => BigInt.asUintN(64, BigInt(Math.trunc(n)));
const num = (a: bigint) => Number(BigInt.asIntN(64, a));
const rows = (bits: BitField[]) => bits.map((b) => ({ name: b.name, set: b.set, meaning: b.meaning }));

/**
 * Code bytes at a linear address. User code is read as user mode reads it: the kernel's own read
 * of a user page is refused under SMAP, which would leave user code with no listing.
 */
function readCode(v: VCpu, addr: bigint, length: number): (number | null)[] {
  if (addr >= KERNEL_HALF) return readVirtual(v, num(addr), length);
  const out: (number | null)[] = [];
  let page = -1, phys = -1;
  for (let k = 0; k < length; k++) {
    const a = num(addr) + k;
    const offset = a & 0xfff;
    if (a - offset !== page) {
      page = a - offset;
      const w = v.mmu.inspect(a, 'read', true);
      phys = w.phys >= 0 ? w.phys - offset : -1;
    }
    out.push(phys >= 0 && v.mmu.mem.inRam(phys + offset, 1) ? v.mmu.mem.bytes[phys + offset]! : null);
  }
  return out;
}

function reg(v: VCpu, r: number): bigint {
  return u64(v.cpu.regNum(r));
}

/**
 * The frame the CPU pushed when it delivered `e` (SDM Vol. 3, 6.14.2, Figure 6-9): at the
 * handler's RSP, the error code if any, then RIP, CS, RFLAGS, RSP, SS. Read from memory at the
 * playhead, and shown only while its RIP slot still holds the RIP the event recorded.
 */
function pushedFrame(v: VCpu, e: ExceptionEvent): FaultInFocus['pushedFrame'] {
  if (!e.delivered || e.handlerRsp === 0n) return [];
  const names = [...(e.errorCode !== null ? ['error code'] : []), 'RIP', 'CS', 'RFLAGS', 'RSP', 'SS'];
  const words = names.map((name, i) => ({ name, addr: e.handlerRsp + BigInt(i * 8), value: readU64(v, num(e.handlerRsp + BigInt(i * 8))) }));
  const rip = words.find((w) => w.name === 'RIP')!;
  if (rip.value !== BigInt.asUintN(64, e.rip) || words.some((w) => w.value === null)) return [];
  return words.map((w) => ({ name: w.name, addr: hexAddr(w.addr), value: hexAddr(w.value!) }));
}

export class Inspector {
  private symbols: Promise<KernelSymbols> | null = null;
  /** User programs' symbol tables by program name, and task names by pid. */
  private readonly programs = new Map<string, Promise<SymbolTable>>();
  private tasks: Promise<Map<number, string>> | null = null;
  /** Source files by path, split into lines, as the session stores them. */
  private readonly sources = new Map<string, Promise<string[] | null>>();

  /** `machineAt`: the session's one time-travel machine (SessionView.machine). */
  constructor(private readonly client: SessionClient, private readonly machineAt: SessionMachine) {}

  private kernelSymbols(): Promise<KernelSymbols> {
    return (this.symbols ??= this.client.query('input', 'kernel').then((elf) => new KernelSymbols(elf)));
  }

  private programSymbols(program: string): Promise<SymbolTable> {
    let table = this.programs.get(program);
    if (table === undefined) this.programs.set(program, (table = this.client.query('programSymbols', program).then((syms) => new SymbolTable(syms))));
    return table;
  }

  /** The program a user address on a CPU belongs to: the name of the task running there. */
  private async programOf(pid: number): Promise<string | null> {
    if (pid <= 0) return null;
    this.tasks ??= this.client.query('tasks').then((ts) => new Map(ts.map((t) => [t.pid, t.name])));
    return (await this.tasks).get(pid) ?? null;
  }

  /** The kernel's report with each call-trace frame's source line (the call before its return address). */
  async panicReport(console: string, t: number, cpu: number): Promise<PanicReport | null> {
    const symbols = await this.kernelSymbols();
    const calls = new Map<string, bigint>();
    panicReport(console, t, cpu, (f) => {
      const start = symbols.address(f.symbol);
      if (start !== null) calls.set(`${f.symbol}+${f.offset}`, start + f.offset - 1n);
      return null;
    });
    const lines = new Map<string, { file: string; line: number } | null>();
    await Promise.all([...calls].map(async ([key, addr]) => lines.set(key, await this.client.query('lineOf', addr))));
    return panicReport(console, t, cpu, (f) => lines.get(`${f.symbol}+${f.offset}`) ?? null);
  }

  async inspect(q: InspectQuery): Promise<Inspection> {
    const [symbols, focusEvent] = await Promise.all([this.kernelSymbols(), this.client.query('step', Math.floor(q.t) + 1, -1, { kinds: ['exception'], cpus: [q.cpu] })]);
    const focus = focusEvent?.kind === 'exception' ? focusEvent : null;
    const [cascade, held, smashed] = await Promise.all([
      focus === null ? [] : this.cascadeOf(focus),
      locksHeldAt(this.client, Math.floor(q.t)),
      this.client.query('step', Math.floor(q.t) + 1, -1, { kinds: ['trace'], traceTypes: [TraceType.STACK_PROTECTOR] }),
    ]);
    const smashedFn = smashed?.kind === 'trace' ? smashed.text : null;
    const lines = new Map<bigint, { file: string; line: number } | null>();

    const read = await this.machineAt.at(q.t, async (m: Machine) => {
      const v = m.vcpus[q.cpu];
      if (v === undefined) return `the machine has no CPU ${q.cpu}`;
      // User code is named from the tables of the program its task runs (the machine holds still
      // while they load: its queries run one after another).
      const program = u64(v.cpu.rip) < KERNEL_HALF ? await this.programOf(v.pid) : null;
      const codeSymbols = program === null ? symbols : await this.programSymbols(program);
      const walkView = this.walkFor(v, q.addr, focus);
      const pushed = focus === null ? [] : pushedFrame(v, focus);
      const stack = this.stackOf(v, symbols, smashedFn, new Map(pushed.map((w) => [parseHex64(w.addr), w.name])));
      const code = { bytes: (a: bigint, n: number) => readCode(v, a, n), symbolize: (a: bigint) => codeSymbols.symbolize(a) };
      const disassembly = disassembleAround(code, u64(v.cpu.rip));
      return { program, pushed, cpl: v.cpu.cpl, control: this.controlOf(v), disassembly, walk: walkView, stack, idt: this.idtOf(v, symbols), tss: this.tssOf(v) };
    });
    const fault = focus === null ? null : this.faultView(focus, symbols, typeof read === 'string' ? [] : read.pushed);
    const base = { t: q.t, cpu: q.cpu, fault, cascade, locksHeld: held };
    if (typeof read === 'string') return { ...base, note: read, cpl: 0, control: [], disassembly: [], walk: null, stack: null, idt: [], tss: [] };
    if (read.stack !== null) {
      const pcs = read.stack.frames.map((f, i) => parseHex64(f.pc) - (i === 0 ? 0n : 1n));
      await Promise.all(pcs.map(async (pc) => lines.set(pc, await this.client.query('lineOf', pc))));
      read.stack.frames = framesView(read.stack.frames.map((f) => ({ base: parseHex64(f.base), pc: parseHex64(f.pc), symbol: f.symbol })), (pc) => lines.get(pc) ?? null);
    }
    const { pushed: _, program, ...state } = read;
    const disassembly = await this.withSource(read.disassembly, program);
    return { ...base, note: null, ...state, disassembly };
  }

  /** Each instruction's source line (file, number and text), from the session's line tables (user code's: `program`'s) and sources. */
  private async withSource(lines: Omit<DisassemblyLine, 'file' | 'line' | 'source'>[], program: string | null): Promise<DisassemblyLine[]> {
    return Promise.all(lines.map(async (l) => {
      const at = l.symbol === null ? null : await this.client.query('lineOf', parseHex64(l.addr), program);
      if (at === null) return { ...l, file: null, line: null, source: null };
      let text = this.sources.get(at.file);
      if (text === undefined) this.sources.set(at.file, (text = this.client.query('source', at.file).then((s) => s?.split('\n') ?? null)));
      return { ...l, file: at.file, line: at.line, source: (await text)?.[at.line - 1]?.trim() ?? null };
    }));
  }

  /** The exceptions of the cascade that ends at `focus`, oldest first, with a triple fault after them. */
  private async cascadeOf(focus: ExceptionEvent) {
    const filter = { kinds: ['exception', 'triple-fault'], cpus: [focus.cpu] };
    let from = focus.t, depth = focus.depth;
    for (let i = 0; i < CASCADE_DEPTH && depth > 1; i++) {
      const e = await this.client.query('step', from, -1, filter);
      if (e === null || e.kind !== 'exception') break;
      from = e.t;
      depth = e.depth;
    }
    const events = await this.client.query('events', { ...filter, from, to: focus.t + 1, limit: 64 });
    return faultCascade(events.filter((e) => e.kind === 'exception' || e.kind === 'triple-fault'));
  }

  private faultView(e: ExceptionEvent, symbols: KernelSymbols, pushed: FaultInFocus['pushedFrame']): FaultInFocus {
    const pf = e.vector === 14 && e.errorCode !== null;
    return {
      seq: e.seq, t: e.t, vector: e.vector, mnemonic: e.mnemonic, cpl: e.cpl, rip: hex64(e.rip), ripSymbol: symbols.symbolize(e.rip),
      rsp: hex64(e.rsp), cr2: hex64(e.cr2), errorCode: e.errorCode, stack: e.stack, pushedFrame: pushed,
      errorBits: pf ? rows(decodePageFaultError(e.errorCode!)) : [],
      errorText: e.errorCode === null ? 'this exception pushes no error code'
        : pf ? describePageFault(e.errorCode) : decodeSelectorError(e.errorCode).text,
    };
  }

  private controlOf(v: VCpu): RegisterBits[] {
    const c = v.cpu;
    const rflags = c.getRflags();
    return [
      { register: 'CR0', value: hexAddr(u64(c.cr0 >>> 0)), bits: rows(decodeCr0(c.cr0 >>> 0)) },
      { register: 'CR2', value: hexAddr(u64(c.cr2)), bits: [] },
      { register: 'CR3', value: hexAddr(u64(c.cr3)), bits: [] },
      { register: 'CR4', value: hexAddr(u64(c.cr4 >>> 0)), bits: rows(decodeCr4(c.cr4 >>> 0)) },
      { register: 'EFER', value: hexAddr(u64(c.efer >>> 0)), bits: rows(decodeEfer(c.efer >>> 0)) },
      { register: 'RFLAGS', value: hexAddr(u64(rflags >>> 0)), bits: rows(decodeRflags(rflags >>> 0)) },
    ];
  }

  /** The typed address, else CR2 of the #PF in focus (walked as that access was), else CR2. */
  private walkFor(v: VCpu, typed: string | null, focus: ExceptionEvent | null): PageWalk {
    if (typed !== null) {
      const addr = parseHex64(typed);
      const user = v.cpu.cpl === 3;
      return pageWalkView(addr, 'read', user, walk(v, num(addr), 'read', user));
    }
    if (focus !== null && focus.vector === 14 && focus.errorCode !== null) {
      const code = focus.errorCode;
      const access = code & 16 ? 'fetch' : code & 2 ? 'write' : 'read';
      const user = (code & 4) !== 0;
      return pageWalkView(focus.cr2, access, user, walk(v, num(focus.cr2), access, user));
    }
    const cr2 = u64(v.cpu.cr2);
    return pageWalkView(cr2, 'read', v.cpu.cpl === 3, walk(v, num(cr2), 'read', v.cpu.cpl === 3));
  }

  private stackOf(v: VCpu, symbols: KernelSymbols, smashed: string | null, pushed: ReadonlyMap<bigint, string>): StackView {
    const rsp = reg(v, 4), rbp = reg(v, 5), rip = u64(v.cpu.rip);
    const mem = { read: (a: bigint) => readU64(v, num(a)), symbolize: (a: bigint) => symbols.symbolize(a) };
    const guardAddr = symbols.address('__stack_chk_guard');
    const guard = guardAddr === null ? null : mem.read(guardAddr);
    const frames = walkFrames(mem, rip, rsp, rbp);
    const mapped = (a: bigint) => walk(v, num(a), 'read', false).phys >= 0;
    const inGuardPage = !mapped(rsp) && mapped(rsp + PAGE) && !mapped(rsp - PAGE);
    const where = inGuardPage ? 'RSP is in the guard page: the unmapped page below a kernel stack, kept empty so that an overflow faults'
      : mapped(rsp) ? (v.cpu.cpl === 3 ? 'RSP is on the user stack' : 'RSP is on a mapped kernel stack page') : 'RSP points at unmapped memory';
    return {
      rsp: hexAddr(rsp), where, inGuardPage,
      frames: frames.map((f) => ({ base: hexAddr(f.base), pc: hexAddr(f.pc), symbol: f.symbol, file: null, line: null })),
      slots: stackSlots(mem, rsp, frames, guard, smashed, pushed),
    };
  }

  private idtOf(v: VCpu, symbols: KernelSymbols): IdtRow[] {
    return readIdt(v, 32).map((e) => ({
      vector: e.vector, mnemonic: EXCEPTION_MNEMONICS[e.vector] ?? '', present: e.present, dpl: e.dpl, ist: e.ist,
      handler: hexAddr(e.handler), symbol: e.present ? symbols.symbolize(e.handler) : null, problem: e.problem,
    }));
  }

  private tssOf(v: VCpu): TssRow[] {
    if (v.trLimit === 0) return [];
    const tss = readTss(v);
    const gates = readIdt(v, 32);
    const value = (x: bigint | null) => (x === null ? null : hexAddr(x));
    return [
      { name: 'RSP0', value: value(tss.rsp[0] ?? null), usedBy: ['every interrupt or exception from user mode (CPL 3 -> 0)'] },
      ...tss.ist.map((x, i) => ({
        name: `IST${i + 1}`, value: value(x),
        usedBy: gates.filter((g) => g.present && g.ist === i + 1).map((g) => EXCEPTION_MNEMONICS[g.vector] ?? `vector ${g.vector}`),
      })),
    ];
  }
}
