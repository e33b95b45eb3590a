// The machine: N vCPUs sharing physical memory, devices and one virtual clock, interleaved
// deterministically (GUEST-INTERFACE.md, "Time"). Each CPU in turn runs a quantum of
// instructions; the clock advances by one per retired instruction (and per exception delivery);
// when every started CPU is halted it jumps to the next timer deadline. Interrupts are taken
// only at instruction boundaries the machine chooses the same way on every run, so the same
// image and command line always give the same execution and the same events.

import { CodeCache } from '../x86/code_cache.ts';
import { StopReason } from '../x86/interpreter.ts';
import { EventKind, EventLog, SwitchCause, type EventObserver, InterruptSource } from './events.ts';
import { deliverInterrupt, raiseException, Source, type Delivered, type ExceptionRecord } from './exceptions.ts';
import { ConsoleLine, DebugConsole, DEBUGCON_PORT, type ConsoleChannel, type ConsoleLineState } from './debug_console.ts';
import { BOOT_GDT, BOOT_PML4, loadKernel, takeWakeupRequest, type BootResult } from './boot_loader.ts';
import { IoPortBus } from './io_ports.ts';
import { PAGE, PhysMem } from './phys_mem.ts';
import { POWER_OFF_PORT, PowerControl, RESET_PORT } from './power.ts';
import { SystemOps, type SystemContext } from './system_ops.ts';
import { TRACE_PORT, TracePort, type PostedTrace } from './trace_port.ts';
import { COM1_BASE, Uart, UART_PORTS, type UartState } from './uart.ts';
import { RunState, VCpu, type VCpuState } from './vcpu.ts';
import { DM_FIXED, DM_INIT, DM_NMI, DM_STARTUP, ipiTargets, type Ipi } from './x2apic.ts';
import type { Cpu } from '../x86/cpu.ts';

export interface MachineConfig {
  /** Number of vCPUs, 1-8. */
  cpus: number;
  /** RAM in MiB (default 64). */
  memoryMiB?: number;
  /** Instructions per CPU turn (default 1000). */
  quantum?: number;
  /** What a triple fault does after it is recorded: reset the machine (as a PC does) or stop. */
  onTripleFault?: 'reset' | 'stop';
  /** Triple-fault resets allowed before a triple fault stops the machine instead (default: no limit). */
  maxResets?: number;
}

export type StopCause = 'budget' | 'time' | 'power-off' | 'all-halted' | 'shutdown' | 'condition' | 'event';

export interface RunResult {
  cause: StopCause;
  /** Instructions retired during this run. */
  instructions: number;
  /** The clock when it stopped. */
  time: number;
}

/**
 * The complete machine state at an instant: every vCPU, the devices, the clock and scheduler,
 * and memory as the pages written since the previous snapshot (all non-zero pages when `full`).
 * Restoring a full snapshot and then each later delta in order reproduces the machine exactly.
 */
export interface MachineSnapshot {
  full: boolean;
  clock: number;
  turn: number;
  turnLeft: number;
  poweredOff: boolean;
  /** Sequence number the next event will get. */
  eventSeq: number;
  cpus: VCpuState[];
  uart: UartState;
  console: ConsoleLineState[];
  pages: [number, Uint8Array][];
}

/** What the machine boots: a kernel ELF, an initrd and a command line. */
export interface GuestImage {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  cmdline?: string;
}

function num64(v: number): [number, number] {
  return [v | 0, Math.floor(v / 4294967296) | 0];
}

export class Machine implements SystemContext {
  readonly mem: PhysMem;
  readonly code: CodeCache;
  readonly vcpus: VCpu[];
  readonly io = new IoPortBus();
  readonly cpuCount: number;
  readonly quantum: number;
  readonly onTripleFaultAction: 'reset' | 'stop';
  readonly maxResets: number;
  /** Resets that followed a triple fault so far. */
  tripleFaultResets = 0;

  /** The virtual clock, in ticks. */
  clock = 0;
  /** Whose turn it is and how much of it is left. */
  turn = 0;
  turnLeft = 0;
  poweredOff = false;
  /** Set by devices and delivery to end the current run (reset, power-off, shutdown). */
  private stopCause: StopCause | null = null;
  private log: EventLog | null = null;
  private readonly sys: SystemOps;

  readonly uart: Uart;
  readonly debugcon: DebugConsole;
  readonly tracePort: TracePort;
  private readonly lines: ConsoleLine[];

  /** Called on a reset (triple fault or the reset port) to reload the image and start CPU 0. */
  onReset: () => void = () => {};

  constructor(config: MachineConfig) {
    const n = config.cpus;
    if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`cpus must be 1-8, got ${n}`);
    const mib = config.memoryMiB ?? 64;
    if (!Number.isInteger(mib) || mib < 4 || mib > 1024) throw new Error(`memoryMiB must be 4-1024, got ${mib}`);
    this.cpuCount = n;
    this.quantum = config.quantum ?? 1000;
    this.onTripleFaultAction = config.onTripleFault ?? 'reset';
    this.maxResets = config.maxResets ?? Infinity;
    this.mem = new PhysMem(mib * 1024 * 1024);
    this.code = new CodeCache(this.mem.bytes);
    this.sys = new SystemOps(this);
    this.vcpus = [];
    for (let i = 0; i < n; i++) {
      this.vcpus.push(new VCpu(i, this.mem, this.code, this.sys, {
        now: () => this.now(),
        sendIpi: (ipi) => this.routeIpi(ipi),
        onEoi: (vector) => this.recordEoi(this.vcpus[i]!, vector),
      }));
    }
    // Devices (GUEST-INTERFACE.md, "I/O ports").
    this.lines = [
      new ConsoleLine('uart', (text, ch) => this.consoleText(text, ch)),
      new ConsoleLine('debugcon', (text, ch) => this.consoleText(text, ch)),
    ];
    this.uart = new Uart((b) => this.lines[0]!.push(b));
    this.debugcon = new DebugConsole((b) => this.lines[1]!.push(b));
    this.tracePort = new TracePort(this.mem, (t) => this.traceRecord(t));
    const power = new PowerControl(() => this.powerOff(), () => this.requestReset());
    this.io.register(COM1_BASE, UART_PORTS, this.uart);
    this.io.register(DEBUGCON_PORT, 1, this.debugcon);
    this.io.register(TRACE_PORT, 1, this.tracePort);
    this.io.register(POWER_OFF_PORT, 2, power);
    this.io.register(RESET_PORT, 1, power);
    // A page that starts holding decoded code loses its fast-path write translations everywhere.
    this.code.onNewCodePage = (page) => { for (const v of this.vcpus) v.mmu.dropWrites(page); };
    this.turnLeft = this.quantum;
  }

  /** Starts recording events into batches handed to `observer`. */
  attach(observer: EventObserver): void {
    this.log = new EventLog(observer);
  }

  /** Hands any partly filled event batch to the observer. */
  flushEvents(): void {
    this.log?.flush();
  }

  /** The CPU whose interpreter is running right now (its progress counts towards the time). */
  private running: VCpu | null = null;

  /**
   * The current time: the clock plus the instructions the running CPU has retired so far in its
   * slice, so an event raised by an instruction in the middle of a slice (SYSCALL, OUT to the
   * trace port, an APIC write, RDTSC) is stamped with that instruction's own time.
   */
  now(): number {
    return this.running === null ? this.clock : this.clock + this.running.interp.progress;
  }

  apicRead(v: VCpu, msr: number): bigint | null {
    return v.apic.readMsr(msr);
  }

  apicWrite(v: VCpu, msr: number, value: bigint): boolean {
    return v.apic.writeMsr(msr, value);
  }

  vcpu(cpu: Cpu): VCpu {
    return this.vcpus[cpu.id]!;
  }

  /** Requests the current run to end (devices call this for power-off and reset). */
  requestStop(cause: StopCause): void {
    this.stopCause = cause;
    for (const v of this.vcpus) v.cpu.attention = true;
  }

  // ---- run control ----

  /**
   * Runs until `maxInstructions` more instructions have retired, the machine powers off or
   * shuts down, every CPU halts for good, `until()` (checked between slices) says stop, or an
   * event of a kind in `stopOn` occurs (the run ends after the instruction that caused it).
   * The budget is a hard limit: a guest that never stops cannot hang the host.
   */
  run(maxInstructions: number, until?: () => boolean, stopOn: readonly EventKind[] = []): RunResult {
    let retiredTotal = 0;
    this.stopCause = null;
    this.stopMask = 0;
    for (const k of stopOn) this.stopMask |= 1 << k;
    this.startBootCpu();
    while (this.stopCause === null) {
      if (this.poweredOff) { this.stopCause = 'power-off'; break; }
      if (this.clock >= this.stopAtTime) { this.stopCause = 'time'; break; }
      const left = maxInstructions - retiredTotal;
      if (left <= 0) { this.stopCause = 'budget'; break; }
      if (until && until()) { this.stopCause = 'condition'; break; }
      const v = this.vcpus[this.turn]!;
      if (v.state !== RunState.Running && !this.wakeIfPending(v)) {
        if (!this.anyRunnable()) {
          // Nobody runs: wake whoever has an interrupt waiting, else jump to the next deadline.
          let woke = false;
          for (const o of this.vcpus) woke = this.wakeIfPending(o) || woke;
          if (!woke && !this.skipIdleTime()) { this.stopCause = 'all-halted'; break; }
          continue;
        }
        this.nextTurn();
        continue;
      }
      v.apic.tick(this.clock);
      this.takeInterrupt(v);
      if (v.state !== RunState.Running) continue;
      // Run to the end of the turn, the budget, or this CPU's next timer deadline.
      let slice = Math.min(this.turnLeft, left, this.stopAtTime - this.clock);
      if (v.id === this.stepCpu) slice = Math.min(slice, 1); // runCpuInstruction: one, then stop
      const deadline = v.apic.nextTimerDeadline();
      if (deadline > this.clock && deadline - this.clock < slice) slice = deadline - this.clock;
      if (v.shadow) slice = 1; // the instruction after STI runs before any interrupt
      const wasShadow = v.shadow;
      this.running = v;
      const reason = v.interp.run(slice);
      this.running = null;
      const n = v.interp.retired;
      this.clock += n;
      retiredTotal += n;
      this.turnLeft -= n;
      if (wasShadow && n > 0) v.shadow = false;
      if (reason === StopReason.Fault) {
        const cpu = v.cpu;
        raiseException(this, v, cpu.pendingVector, cpu.pendingError, Source.Exception, cpu.rip);
        this.clock += 1; // delivery takes a tick: a fault loop can never stall the clock
        retiredTotal += 1;
        this.turnLeft -= 1;
      }
      if (this.resetRequested) {
        this.resetRequested = false;
        this.reset(1);
      }
      v.cpu.attention = false;
      if (this.turnLeft <= 0) this.nextTurn();
      if (v.id === this.stepCpu && (n > 0 || reason === StopReason.Fault)) { this.stepDone = true; this.stopCause = 'time'; break; }
    }
    this.stopMask = 0;
    this.log?.flush();
    return { cause: this.stopCause, instructions: retiredTotal, time: this.clock };
  }

  /** The clock value at which the current run stops (runUntil); Infinity otherwise. */
  private stopAtTime = Infinity;

  /**
   * Runs to the first instruction boundary at or after time `t` (or an earlier stop: power-off,
   * shutdown, every CPU idle for good, the budget). Stopping here and running on gives exactly
   * the execution of an uninterrupted run: the machine only takes interrupts where it would anyway.
   */
  runUntil(t: number, maxInstructions = Number.MAX_SAFE_INTEGER): RunResult {
    this.stopAtTime = t;
    try {
      return this.run(maxInstructions);
    } finally {
      this.stopAtTime = Infinity;
    }
  }

  /** The CPU whose next instruction ends the current run (runCpuInstruction), or -1. */
  private stepCpu = -1;
  private stepDone = false;

  /**
   * Runs until CPU `cpu` has executed one more instruction (or taken a fault), the other CPUs
   * running their turns as usual, but for at most `maxTicks` ticks: the "step one instruction of
   * this CPU" of a debugger. Returns whether the CPU executed one.
   */
  runCpuInstruction(cpu: number, maxTicks: number): boolean {
    this.stepCpu = cpu;
    this.stepDone = false;
    try {
      this.runUntil(this.clock + maxTicks);
      return this.stepDone;
    } finally {
      this.stepCpu = -1;
    }
  }

  private nextTurn(): void {
    this.turn = (this.turn + 1) % this.cpuCount;
    this.turnLeft = this.quantum;
  }

  private anyRunnable(): boolean {
    for (const v of this.vcpus) if (v.state === RunState.Running) return true;
    return false;
  }

  /** A halted CPU resumes when an interrupt it can take (or an NMI) is pending. */
  private wakeIfPending(v: VCpu): boolean {
    if (v.state !== RunState.Halted) return false;
    v.apic.tick(this.clock);
    const ifSet = (v.cpu.flags.bits & 0x200) !== 0;
    const vec = v.apic.highestDeliverable();
    if (v.nmiPending || (ifSet && vec >= 0)) {
      v.state = RunState.Running;
      this.emit(EventKind.Wake, v, v.nmiPending ? 2 : vec);
      return true;
    }
    return false;
  }

  /** Every started CPU is halted: jump the clock to the earliest timer deadline, if any. */
  private skipIdleTime(): boolean {
    let next = Infinity;
    for (const v of this.vcpus) {
      if (v.state === RunState.Halted && (v.cpu.flags.bits & 0x200) !== 0) next = Math.min(next, v.apic.nextTimerDeadline());
    }
    if (next === Infinity) return false;
    this.clock = Math.max(this.clock, Math.min(next, this.stopAtTime));
    for (const v of this.vcpus) this.wakeIfPending(v);
    return true;
  }

  /** Delivers a pending NMI, or the highest pending interrupt when IF=1 and no shadow. */
  private takeInterrupt(v: VCpu): void {
    const cpu = v.cpu;
    if (v.nmiPending && !v.nmiBlocked) {
      v.nmiPending = false;
      v.nmiBlocked = true;
      this.deliverExternal(v, 2, Source.External);
      return;
    }
    if (v.shadow || (cpu.flags.bits & 0x200) === 0) return;
    const vec = v.apic.highestDeliverable();
    if (vec < 0) return;
    this.lastSource = v.apic.ack(vec);
    this.deliverExternal(v, vec, Source.External);
  }

  /** What raised the interrupt being delivered (for its event). */
  private lastSource: number = InterruptSource.External;

  private deliverExternal(v: VCpu, vector: number, source: Source): void {
    deliverInterrupt(this, v, vector, source);
    this.clock += 1;
  }

  /** Routes an IPI written to a CPU's ICR (SDM Vol. 3, 11.6.1). */
  private routeIpi(ipi: Ipi): void {
    const from = this.vcpus[ipi.from]!;
    const targets = ipiTargets(ipi, this.cpuCount);
    this.recordIpi(from, ipi.mode, ipi.shorthand === 0 ? ipi.dest : 0xffffffff, ipi.vector, ipi.shorthand);
    for (const t of targets) {
      const v = this.vcpus[t]!;
      switch (ipi.mode) {
        case DM_FIXED:
          if (v.apic.acceptFixed(ipi.vector, InterruptSource.Ipi)) v.cpu.attention = true;
          break;
        case DM_NMI: this.raiseNmi(t); break;
        case DM_INIT:
          if (t !== ipi.from) { v.state = RunState.WaitStartup; v.apic.initReset(); }
          break;
        case DM_STARTUP: this.startFromMailbox(v); break;
      }
    }
  }

  /** A start-up IPI: a waiting CPU takes its entry from the wakeup mailbox and acknowledges. */
  private startFromMailbox(v: VCpu): void {
    if (v.state !== RunState.WaitStartup) return;
    const req = takeWakeupRequest(this.mem, v.id);
    if (!req) return;
    v.enterBootState(req.rip, req.rsp, Number(BigInt.asIntN(64, req.rdi)), v.id, BOOT_GDT, BOOT_PML4);
    this.startCpu(v, req.rip, req.rsp);
  }

  /** CPU 0's start event waits for the first run, so an observer attached after boot() sees it. */
  private bootCpuStartPending = false;

  /** Starts the boot CPU of an image booted since the last run, or just now by a reset. */
  private startBootCpu(): void {
    if (!this.bootCpuStartPending) return;
    this.bootCpuStartPending = false;
    const v0 = this.vcpus[0]!;
    this.startCpu(v0, v0.cpu.rip, v0.cpu.regNum(4));
  }

  /**
   * A write to the reset port: the machine resets once the writing instruction has retired (the
   * interpreter finishes an instruction by moving RIP past it, which would undo the reset's RIP).
   */
  private resetRequested = false;

  private requestReset(): void {
    this.resetRequested = true;
    for (const v of this.vcpus) v.cpu.attention = true;
  }

  /** The image booted last (a reset boots it again, as a PC reboots from its disk). */
  image: GuestImage | null = null;

  /**
   * Loads a guest image as the boot loader does (GUEST-INTERFACE.md) and starts CPU 0 at its
   * entry; the other CPUs wait for a start-up IPI. Throws ElfError/BootError for a bad image.
   */
  boot(image: GuestImage): BootResult {
    this.mem.bytes.fill(0);
    this.mem.markAllDirty();
    this.code.clear();
    const r = loadKernel(this.mem, image.kernel, {
      cpuCount: this.cpuCount, ...(image.initrd ? { initrd: image.initrd } : {}), cmdline: image.cmdline ?? '',
    });
    this.image = image;
    for (const v of this.vcpus) { v.state = RunState.WaitStartup; v.apic.powerOn(); v.pid = -1; }
    this.vcpus[0]!.enterBootState(r.entry, r.stackTop, r.bootInfoPhys, 0, r.gdtPhys, r.pml4Phys);
    this.bootCpuStartPending = true;
    this.onReset = () => { if (this.image) this.boot(this.image); };
    return r;
  }

  /** Sends an NMI to a CPU (panic stopping the others, watchdogs). */
  raiseNmi(target: number): void {
    const v = this.vcpus[target];
    if (!v || v.state === RunState.WaitStartup || v.state === RunState.Shutdown) return;
    v.nmiPending = true;
    if (v.state === RunState.Halted) v.state = RunState.Running;
    v.cpu.attention = true;
  }

  // ---- events (the DeliveryHost and SystemContext callbacks) ----

  /** Event kinds that end the current run when they occur (see run's `stopOn`). */
  private stopMask = 0;

  /**
   * Starts an event record and returns its first word, or -1 when no observer is attached.
   * An event whose kind is in the stop mask ends the run after the current instruction.
   */
  private emit(kind: EventKind, v: VCpu, flags: number): number {
    if ((this.stopMask >>> kind) & 1) this.requestStop('event');
    return this.log ? this.log.begin(kind, v.id, flags, v.pid, this.now()) : -1;
  }

  private put(w: number, n: number, value: number): void {
    if (w < 0) return;
    const words = this.log!.words;
    const [lo, hi] = num64(value);
    words[w + 4 + 2 * n] = lo;
    words[w + 5 + 2 * n] = hi;
  }

  private privSwitch(v: VCpu, from: number, to: number, cause: SwitchCause, vector: number,
    ripBefore: number, rspBefore: number): void {
    const w = this.emit(EventKind.PrivSwitch, v, from | (to << 2) | (cause << 4) | (vector << 8));
    this.put(w, 0, ripBefore); this.put(w, 1, rspBefore);
    this.put(w, 2, v.cpu.nextRip); this.put(w, 3, v.cpu.regNum(4));
  }

  onException(v: VCpu, r: ExceptionRecord): void {
    const flags = r.vector | (r.errorCode >= 0 ? 0x100 : 0) | (r.promoted ? 0x200 : 0) | (r.duringDelivery ? 0x400 : 0)
      | (r.cpl << 11) | (r.delivered ? 0x2000 : 0);
    const w = this.emit(EventKind.Exception, v, flags);
    if (w >= 0) {
      this.put(w, 0, Math.max(r.errorCode, 0)); this.put(w, 1, r.cr2); this.put(w, 2, r.rip);
      this.put(w, 3, r.rsp); this.put(w, 4, r.handlerRsp);
      this.log!.words[w + 4 + 10] = r.depth | (r.stack << 8) | ((r.previousVector < 0 ? 0xff : r.previousVector) << 16);
    }
    if (r.delivered && v.cpu.cpl !== r.cpl) {
      this.privSwitch(v, r.cpl, v.cpu.cpl, SwitchCause.Exception, r.vector, r.rip, r.rsp);
    }
  }

  onInterrupt(v: VCpu, vector: number, source: Source, from: { rip: number; rsp: number; cpl: number }, d: Delivered): void {
    const src = vector === 2 && source === Source.External ? InterruptSource.Nmi
      : source === Source.Software ? InterruptSource.Software : this.lastSource;
    const w = this.emit(EventKind.Interrupt, v, vector | (src << 8) | (from.cpl << 12));
    this.put(w, 0, from.rip); this.put(w, 1, from.rsp); this.put(w, 2, d.rsp); this.put(w, 3, d.stack);
    if (from.cpl !== v.cpu.cpl) this.privSwitch(v, from.cpl, v.cpu.cpl, SwitchCause.Interrupt, vector, from.rip, from.rsp);
  }

  onSoftwareInterrupt(v: VCpu, vector: number, from: { rip: number; rsp: number; cpl: number }, stack: number, rsp: number): void {
    this.onInterrupt(v, vector, Source.Software, from, { stack, rsp });
  }

  onTripleFault(v: VCpu, first: number, second: number): void {
    const w = this.emit(EventKind.TripleFault, v, v.cpu.cpl);
    this.put(w, 0, first); this.put(w, 1, second); this.put(w, 2, v.cpu.rip);
    v.state = RunState.Shutdown;
    v.cpu.attention = true;
    if (this.onTripleFaultAction === 'reset' && this.tripleFaultResets < this.maxResets) {
      this.tripleFaultResets++;
      this.reset(0);
    } else this.requestStop('shutdown');
  }

  onSyscall(v: VCpu, from: { rip: number; rsp: number }): void {
    this.privSwitch(v, 3, 0, SwitchCause.Syscall, 0, from.rip, from.rsp);
  }

  onSysret(v: VCpu, from: { rip: number; rsp: number }): void {
    this.privSwitch(v, 0, 3, SwitchCause.Sysret, 0, from.rip, from.rsp);
  }

  onIret(v: VCpu, fromCpl: number, fromRip: number): void {
    const w = this.emit(EventKind.Iret, v, fromCpl | (v.cpu.cpl << 2));
    this.put(w, 0, fromRip); this.put(w, 1, v.cpu.nextRip); this.put(w, 2, v.cpu.regNum(4));
    if (fromCpl !== v.cpu.cpl) this.privSwitch(v, fromCpl, v.cpu.cpl, SwitchCause.Iret, 0, fromRip, 0);
  }

  onHalt(v: VCpu): void {
    v.state = RunState.Halted;
    this.put(this.emit(EventKind.Halt, v, 0), 0, v.cpu.rip);
  }

  portIn(_v: VCpu, port: number, size: number): number {
    return this.io.in(port, size);
  }

  /** The CPU doing port I/O right now (devices stamp their events with it). */
  ioCpu: VCpu | null = null;

  portOut(v: VCpu, port: number, size: number, value: number): void {
    this.ioCpu = v;
    this.io.out(port, size, value);
    this.ioCpu = null;
  }

  /** Console text, a line at a time, and everything written so far (for tests and the CLI). */
  consoleOutput = '';

  private consoleText(text: string, channel: ConsoleChannel): void {
    this.consoleOutput += text;
    const v = this.ioCpu ?? this.vcpus[0]!;
    const w = this.emit(EventKind.Console, v, channel === 'uart' ? 0 : 1);
    if (w >= 0) this.log!.words[w + 4] = this.log!.text(text);
  }

  /** Emits console text still waiting for its newline. */
  flushConsole(): void {
    for (const l of this.lines) l.flush();
  }

  /** A trace record posted by the kernel; SWITCH records update the CPU's current task. */
  private traceRecord(t: PostedTrace): void {
    const v = this.ioCpu ?? this.vcpus[0]!;
    if (t.type === 3) v.pid = t.args[2]!; // SWITCH: a1 = next pid
    const w = this.emit(EventKind.Trace, v, t.type);
    if (w < 0) return;
    const words = this.log!.words;
    for (let k = 0; k < 12; k++) words[w + 4 + k] = t.args[k]!;
    words[w + 4 + 12] = t.text.length > 0 ? this.log!.text(t.text) : 0xffffffff;
  }

  recordIpi(from: VCpu, mode: number, target: number, vector: number, shorthand: number): void {
    const w = this.emit(EventKind.Ipi, from, mode);
    this.put(w, 0, target); this.put(w, 1, vector); this.put(w, 2, shorthand);
  }

  recordEoi(v: VCpu, vector: number): void {
    this.emit(EventKind.Eoi, v, vector);
  }

  /** Starts a waiting CPU at a given state (the start-up IPI path). */
  startCpu(v: VCpu, rip: number, rsp: number): void {
    v.state = RunState.Running;
    const w = this.emit(EventKind.CpuStart, v, 0);
    this.put(w, 0, rip); this.put(w, 1, rsp);
  }

  powerOff(): void {
    this.flushConsole();
    this.poweredOff = true;
    this.emit(EventKind.PowerOff, this.ioCpu ?? this.vcpus[0]!, 0);
    this.requestStop('power-off');
  }

  /** Resets the machine as a PC does after a triple fault or a write to the reset port. */
  reset(cause: 0 | 1): void {
    this.flushConsole();
    this.emit(EventKind.Reset, this.ioCpu ?? this.vcpus[0]!, cause);
    this.code.clear();
    for (const v of this.vcpus) {
      v.state = RunState.WaitStartup;
      v.shadow = false; v.nmiPending = false; v.nmiBlocked = false; v.pid = -1;
      v.apic.powerOn();
      v.cpu.attention = true;
    }
    this.turn = 0;
    this.turnLeft = this.quantum;
    this.onReset();
    // The boot CPU starts at once, as a PC's does: the run goes on into the new boot.
    this.startBootCpu();
  }

  // ---- snapshots ----

  /**
   * Captures the machine. The first snapshot (or any with `full`) holds every non-zero page;
   * later ones hold the pages written since the previous snapshot.
   */
  snapshot(full = false): MachineSnapshot {
    this.flushEvents();
    const isFull = full || !this.snapshotTaken;
    this.snapshotTaken = true;
    let pages: [number, Uint8Array][];
    if (isFull) {
      pages = [];
      const bytes = this.mem.bytes;
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const perPage = PAGE / 4;
      for (let p = 0; p * PAGE < this.mem.size; p++) {
        // Most of RAM is still zero: scan a word at a time and keep only pages holding something.
        let nonZero = false;
        for (let k = p * perPage, end = k + perPage; k < end; k++) {
          if (words[k] !== 0) { nonZero = true; break; }
        }
        if (nonZero) pages.push([p, bytes.slice(p * PAGE, (p + 1) * PAGE)]);
      }
      this.resetDirty();
    } else pages = this.takeDirtyPages();
    return {
      full: isFull, clock: this.clock, turn: this.turn, turnLeft: this.turnLeft, poweredOff: this.poweredOff,
      eventSeq: this.log ? this.log.nextSeq : 0,
      cpus: this.vcpus.map((v) => v.save()), uart: this.uart.save(), console: this.lines.map((l) => l.save()), pages,
    };
  }

  private snapshotTaken = false;

  /** Restores a snapshot; a delta applies on top of the state its predecessor restored. */
  restore(s: MachineSnapshot): void {
    if (s.cpus.length !== this.cpuCount) throw new Error(`snapshot has ${s.cpus.length} CPUs, machine has ${this.cpuCount}`);
    if (this.log) { this.log.flush(); this.log.nextSeq = s.eventSeq; }
    if (s.full) this.mem.bytes.fill(0);
    for (const [p, data] of s.pages) this.mem.bytes.set(data, p * PAGE);
    // Pages may change after this too (a caller writing a checkpoint's pages straight into
    // memory): decoded code is checked against its page's bytes when it next runs.
    this.code.recheck();
    this.clock = s.clock; this.turn = s.turn; this.turnLeft = s.turnLeft; this.poweredOff = s.poweredOff;
    this.vcpus.forEach((v, i) => v.load(s.cpus[i]!));
    this.uart.load(s.uart);
    this.lines.forEach((l, i) => l.load(s.console[i]!));
    this.resetDirty();
    this.snapshotTaken = true;
  }

  /** Clears the dirty marks and write translations: the next snapshot's delta starts here. */
  private resetDirty(): void {
    this.mem.takeDirty();
    this.dropWrites();
  }

  /**
   * Drops every write translation: a write translation is installed only for a page marked
   * dirty, so after the marks are cleared its next write must take the slow path to mark it.
   */
  private dropWrites(): void {
    for (const v of this.vcpus) v.mmu.dropAllWrites();
  }

  /** Pages written since the previous snapshot (all of them for the first), copied. */
  private takeDirtyPages(): [number, Uint8Array][] {
    const bytes = this.mem.bytes;
    const out = this.mem.takeDirty().map((p): [number, Uint8Array] => [p, bytes.slice(p * PAGE, (p + 1) * PAGE)]);
    this.dropWrites();
    return out;
  }
}
