// One event in words: its title, its fields, and an "explain" line saying what happened and why,
// in the terms of the article the scenarios come from. Every string that came from the guest
// (task names, trace texts) is passed through as text; the renderer never reads it as HTML.

import { EXCEPTION_MNEMONICS, hex64, type MachineEvent } from '../../emulator/machine/events.ts';
import { decodeTrace, traceSummary, type TraceView } from '../../emulator/machine/trace_format.ts';
import { Mark, type EventDetail } from '../../preload/api.ts';
import { markOf } from './event_marks.ts';

export interface Names {
  task(pid: number): string | null;
  /** Address as symbol+offset, or null when no symbol covers it. */
  symbol(addr: bigint): string | null;
}

function where(addr: bigint, names: Names): string {
  const s = names.symbol(addr);
  return s === null ? hex64(addr) : `${hex64(addr)} <${s}>`;
}

function mnemonic(v: number): string {
  return EXCEPTION_MNEMONICS[v] ?? `vector ${v}`;
}

/** #PF error code bits (SDM Vol. 3, 4.7 "Page-Fault Exceptions"). */
export function decodePageFaultCode(code: number): string {
  const parts = [
    code & 1 ? 'P=1 protection violation (the page is present)' : 'P=0 the page is not present',
    code & 2 ? 'W=1 write' : 'W=0 read',
    code & 4 ? 'U=1 user-mode access' : 'U=0 supervisor-mode access',
  ];
  if (code & 8) parts.push('RSVD=1 reserved bit set in a paging entry');
  if (code & 16) parts.push('I=1 instruction fetch');
  return parts.join(', ');
}

/** Selector error code of #TS/#NP/#SS/#GP (SDM Vol. 3, 6.13 "Error Code"). */
export function decodeSelectorCode(code: number): string {
  if (code === 0) return '0 (not about a segment or gate)';
  const index = code >>> 3;
  const table = code & 2 ? 'IDT' : code & 4 ? 'LDT' : 'GDT';
  return `${table} entry ${index}${code & 2 ? ` (the gate of vector ${index})` : ''}${code & 1 ? ', external event' : ''}`;
}

function processName(pid: number, names: Names): string {
  const task = names.task(pid);
  return task === null ? `pid ${pid}` : `pid ${pid} (${task})`;
}

/** A user-mode access that faulted, and which paging bit refused it (SDM Vol. 3, 4.6). */
function userAccessWhy(code: number, cr2: bigint): string {
  const what = code & 16 ? 'execute' : code & 2 ? 'write' : 'read';
  if (!(code & 1)) return `${what} ${hex64(cr2)} in user mode; nothing is mapped there (P=0)`;
  const bit = code & 16 ? 'supervisor-only (U/S=0) or execute-disabled (XD=1)' : code & 2 ? 'supervisor-only (U/S=0) or read-only (R/W=0)' : 'supervisor-only (U/S=0)';
  return `${what} ${hex64(cr2)} in user mode; the page is present but ${bit}`;
}

function describeException(ev: Extract<MachineEvent, { kind: 'exception' }>, names: Names): [string, [string, string][], string] {
  const m = ev.mnemonic;
  const fields: [string, string][] = [
    ['vector', `${ev.vector} ${m}`],
    ['CPL', String(ev.cpl)],
    ['RIP', where(ev.rip, names)],
    ['RSP', hex64(ev.rsp)],
  ];
  if (ev.errorCode !== null) {
    fields.push(['error code', `0x${ev.errorCode.toString(16)}: ${ev.vector === 14 ? decodePageFaultCode(ev.errorCode) : decodeSelectorCode(ev.errorCode)}`]);
  }
  if (ev.vector === 14) fields.push(['CR2', hex64(ev.cr2)]);
  fields.push(['stack', `${ev.stack} (handler RSP ${hex64(ev.handlerRsp)})`], ['nesting', String(ev.depth)]);
  if (ev.previousVector !== null) fields.push(['while delivering', mnemonic(ev.previousVector)]);
  if (!ev.delivered) fields.push(['delivered', 'no: the CPU could not enter its handler']);

  const mode = ev.cpl === 3 ? 'user mode (CPL 3)' : 'kernel mode (CPL 0)';
  let explain: string;
  if (ev.vector === 8) {
    explain = `A double fault: the CPU met a second fault${ev.previousVector !== null ? ` (while delivering ${mnemonic(ev.previousVector)})` : ''} that it cannot handle serially, so it gives up on the first and raises #DF. ` +
      (ev.stack.startsWith('ist') ? `#DF is delivered on ${ev.stack.toUpperCase()}, a clean emergency stack, so its handler can still run and report.` :
        `#DF is delivered on the ${ev.stack} stack; if that stack is the broken one, the next fault is a triple fault.`);
  } else if (ev.duringDelivery) {
    explain = `This ${m} happened while the CPU was delivering ${ev.previousVector !== null ? mnemonic(ev.previousVector) : 'an earlier exception'}: ` +
      `the handler could not even be reached (an empty IDT entry, or no room on the stack for the exception frame). ` +
      (ev.promoted ? 'The two faults together are promoted to a double fault.' : 'The CPU delivers this one instead.');
  } else if (ev.vector === 14) {
    const user = (ev.errorCode ?? 0) & 4;
    explain = ev.cpl === 3
      ? `CPU ${ev.cpu} tried to ${userAccessWhy(ev.errorCode ?? 0, ev.cr2)}, so the MMU raised #PF with error code 0x${(ev.errorCode ?? 0).toString(16)}. ` +
        `Nothing is wrong with the kernel: its page-fault handler sends SIGSEGV to ${processName(ev.pid, names)}, and the rest of the system goes on.`
      : `A page fault in ${mode} at ${hex64(ev.cr2)}${user ? '' : ' (a kernel access)'}. If the faulting instruction is in the exception table ` +
        `(copy_from_user and friends), the handler jumps to its fixup and the system call fails with -EFAULT; otherwise this is a kernel bug: oops, then panic.`;
  } else if (ev.vector === 13) {
    explain = `A general-protection fault in ${mode}: an access or instruction the CPU's rules forbid (error code ${ev.errorCode === null ? 'none' : decodeSelectorCode(ev.errorCode)}).`;
  } else if (ev.vector === 11) {
    explain = `Segment not present: the descriptor (here ${ev.errorCode === null ? 'unknown' : decodeSelectorCode(ev.errorCode)}) has P=0, as an empty IDT gate does.`;
  } else {
    explain = `Exception ${m} (vector ${ev.vector}) in ${mode}; the CPU saves RIP, CS, RFLAGS, RSP and SS on the ${ev.stack} stack and enters the handler from the IDT.`;
  }
  return [`${m} ${ev.vector === 14 ? 'page fault' : 'exception'}${ev.promoted ? ' → #DF' : ''}`, fields, explain];
}

function describeTrace(v: TraceView, names: Names): [string, [string, string][], string] {
  const h = (x: bigint) => hex64(x);
  switch (v.name) {
    case 'SYSCALL_ENTER':
      return [`syscall ${v.syscall}`, [['number', String(v.nr)], ['arguments', v.args.map(h).join(', ')]],
        `The program asks the kernel for ${v.syscall}() through SYSCALL: the CPU switches to CPL 0 at the kernel's entry point, where every argument is checked before it is used.`];
    case 'SYSCALL_EXIT':
      return [`${v.syscall} = ${v.result}${v.errno !== null ? ` (${v.errno})` : ''}`, [['number', String(v.nr)], ['result', String(v.result)]],
        v.errno !== null
          ? `The kernel refused the request with ${v.errno}: validation caught a bad argument and returned an error code, which is how a kernel stays up when a program passes garbage.`
          : `The system call returns to user mode (SYSRET) with result ${v.result}.`];
    case 'SIGNAL_GENERATE':
      return [`${v.signalName} for pid ${v.pid}`, [['reason', v.reason], ['fault address', h(v.faultAddr)]],
        `The kernel sends ${v.signalName} to ${processName(v.pid, names)} (${v.reason || v.signalName}); the fault was the program's, so only the program pays for it.`];
    case 'SIGNAL_DELIVER':
      return [`deliver ${v.signalName}`, [['handler', where(v.handler, names)], ['frame', h(v.frame)], ['alternate stack', v.onAltStack ? 'yes' : 'no']],
        `The kernel builds a signal frame ${v.onAltStack ? 'on the alternate signal stack (sigaltstack)' : 'on the user stack'} and returns to the handler.`];
    case 'SIGNAL_FORCE':
      return [`forced ${v.signalName}`, [['why', v.why]],
        `The signal frame could not be built (${v.why}), so the kernel forces ${v.signalName} with its default action: the process dies and the system lives.`];
    case 'LOCK_ACQUIRE':
    case 'LOCK_ACQUIRED':
    case 'LOCK_RELEASE':
      return [`${v.name === 'LOCK_RELEASE' ? 'release' : v.name === 'LOCK_ACQUIRE' ? 'acquire' : 'acquired'} ${v.lockName}`, [['lock', h(v.lock)]],
        v.name === 'LOCK_RELEASE' ? 'The lock is released; a CPU spinning on it may take it now.' : 'A spinlock is taken: until release, any other CPU that wants it spins.'];
    case 'LOCK_CONTENDED':
      return [`contended ${v.lockName}`, [['lock', h(v.lock)], ['holder CPU', String(v.holderCpu)]],
        `The lock is held by CPU ${v.holderCpu}: this CPU spins until it is released. If the holder waits for a lock this CPU holds, that wait never ends.`];
    case 'LOCKDEP':
      return ['lockdep: lock ordering cycle', [['locks in cycle', String(v.cycleLength)], ['report', v.report]],
        'The lock validator saw locks taken in an order that forms a cycle (A→B, B→C, C→A): three CPUs can deadlock on it, even if this run did not.'];
    case 'SPINLOCK_RECURSION':
      return [`spinlock recursion on ${v.lockName}`, [['lock', h(v.lock)], ['owner CPU', String(v.ownerCpu)]],
        'This CPU tries to take a non-recursive spinlock it already holds: it would spin on itself forever, so the kernel stops with "spinlock recursion".'];
    case 'OOPS':
      return [`oops: ${mnemonic(v.vector)}`, [['RIP', where(v.rip, names)], ['fault address', h(v.faultAddr)], ['error code', `0x${v.errorCode.toString(16)}`], ['report', v.message]],
        'The kernel faulted in its own code outside any fixup: it prints an oops (registers, backtrace) because its state can no longer be trusted.'];
    case 'PANIC':
      return ['kernel panic', [['CPU', String(v.cpu)], ['message', v.message]],
        'panic(): the kernel stops every CPU rather than run on with corrupted state. This is the deliberate last resort, not a random crash.'];
    case 'WATCHDOG':
      return ['soft lockup', [['stuck CPU', String(v.stuckCpu)], ['ticks stuck', String(v.ticksStuck)], ['message', v.message]],
        `The watchdog saw CPU ${v.stuckCpu} make no progress: a real deadlock, caught.`];
    case 'FIXUP':
      return ['exception-table fixup', [['faulting RIP', where(v.faultRip, names)], ['fixup RIP', where(v.fixupRip, names)], ['fault address', h(v.faultAddr)]],
        'The kernel faulted on a user pointer inside copy_from_user: the exception table names a fixup, so the copy fails with -EFAULT instead of an oops.'];
    case 'STACK_PROTECTOR':
      return [`stack smashed in ${v.function}`, [['return address', where(v.returnAddr, names)]],
        `The canary below ${v.function}'s return address was overwritten: a buffer on the stack overflowed, so the kernel panics before returning into corrupted state.`];
    case 'DOUBLE_FAULT':
      return ['double fault handler', [['RSP at fault', h(v.rsp)], ['CR2', h(v.cr2)], ['message', v.message]],
        'The #DF handler runs on its IST stack and reports what it can: typically a kernel stack overflow into the guard page.'];
    default:
      return [traceSummary(v), [['text', v.text]], 'A tracepoint posted by the kernel.'];
  }
}

export function describeEvent(ev: MachineEvent, names: Names): EventDetail {
  let title: string;
  let fields: [string, string][] = [];
  let explain: string;
  switch (ev.kind) {
    case 'exception':
      [title, fields, explain] = describeException(ev, names);
      break;
    case 'priv-switch':
      title = `CPL ${ev.fromCpl} → ${ev.toCpl} (${ev.cause})`;
      fields = [['RIP before', where(ev.ripBefore, names)], ['RSP before', hex64(ev.rspBefore)], ['RIP after', where(ev.ripAfter, names)], ['RSP after', hex64(ev.rspAfter)]];
      explain = ev.toCpl < ev.fromCpl
        ? `The CPU enters the kernel (${ev.cause}): privilege rises to ring 0 and the stack switches to the kernel stack.`
        : `The CPU returns to ring ${ev.toCpl} (${ev.cause}): the kernel hands control back.`;
      break;
    case 'interrupt':
      title = `${ev.source} interrupt, vector ${ev.vector}`;
      fields = [['RIP', where(ev.rip, names)], ['CPL', String(ev.cpl)], ['stack', ev.stack]];
      explain = ev.source === 'nmi'
        ? 'A non-maskable interrupt: panic() uses NMIs to stop the other CPUs.'
        : `An interrupt (${ev.source}) arrives; the CPU saves its state and runs the handler, then returns with IRET.`;
      break;
    case 'triple-fault':
      title = 'TRIPLE FAULT';
      fields = [['first', mnemonic(ev.firstVector)], ['second', mnemonic(ev.secondVector)], ['RIP', where(ev.rip, names)]];
      explain = 'A fault while delivering a double fault: the CPU has no handler left to try. It shuts down, and the PC resets: no software can catch this.';
      break;
    case 'reset':
      title = `machine reset (${ev.cause})`;
      explain = ev.cause === 'triple-fault' ? 'After the triple fault the machine resets, as a PC does.' : 'The kernel asked for a reset.';
      break;
    case 'power-off':
      title = 'power off';
      explain = 'The kernel turned the machine off: the run ended normally.';
      break;
    case 'trace':
      [title, fields, explain] = describeTrace(decodeTrace(ev.type, ev.args, ev.text), names);
      break;
    case 'iret':
      title = `IRET to CPL ${ev.toCpl}`;
      fields = [['from', where(ev.fromRip, names)], ['to', where(ev.toRip, names)]];
      explain = 'The handler returns: the CPU pops the saved frame and goes on where it was interrupted.';
      break;
    case 'cpu-start':
      title = 'CPU started';
      fields = [['RIP', where(ev.rip, names)]];
      explain = 'This CPU begins executing (the boot CPU at the kernel entry, the others when started by the kernel).';
      break;
    case 'console':
      title = 'console output';
      fields = [['text', ev.text]];
      explain = `Bytes written to the ${ev.channel === 'uart' ? 'serial port' : 'debug console'}.`;
      break;
    default:
      title = ev.kind;
      explain = '';
  }
  const mark = markOf(ev);
  return {
    seq: ev.seq, t: ev.t, cpu: ev.cpu, pid: ev.pid, task: names.task(ev.pid), kind: ev.kind,
    mark: (mark < 0 ? Mark.Other : mark) as Mark, title, fields, explain,
  };
}

/** The few characters written beside a marker on the lanes. */
export function shortLabel(ev: MachineEvent): string {
  switch (ev.kind) {
    case 'exception': return ev.promoted ? `${ev.mnemonic}→#DF` : ev.mnemonic;
    case 'interrupt': return ev.source === 'timer' ? 'timer' : `${ev.source} ${ev.vector}`;
    case 'ipi': return `IPI→${ev.target}`;
    case 'triple-fault': return 'triple fault';
    case 'reset': return 'reset';
    case 'power-off': return 'power off';
    case 'cpu-start': return 'start';
    case 'trace': {
      const v = decodeTrace(ev.type, ev.args, ev.text);
      switch (v.name) {
        case 'SYSCALL_ENTER': return v.syscall;
        case 'SYSCALL_EXIT': return v.errno !== null ? `${v.syscall}=${v.errno}` : `${v.syscall}=${v.result}`;
        case 'SIGNAL_GENERATE': case 'SIGNAL_DELIVER': case 'SIGNAL_FORCE': return v.signalName;
        case 'LOCK_ACQUIRE': case 'LOCK_CONTENDED': case 'LOCK_ACQUIRED': case 'LOCK_RELEASE': return v.lockName;
        case 'LOCKDEP': return 'lockdep cycle';
        case 'SPINLOCK_RECURSION': return 'spinlock recursion';
        case 'OOPS': return 'oops';
        case 'PANIC': return 'panic';
        case 'WATCHDOG': return 'soft lockup';
        case 'FIXUP': return 'fixup';
        case 'STACK_PROTECTOR': return 'stack smashed';
        case 'DOUBLE_FAULT': return '#DF handler';
        case 'CRASHLAB': return v.trigger;
        case 'MARK': return v.mark;
        case 'TASK_CREATE': return `new ${v.taskName}`;
        case 'TASK_EXIT': return `exit ${v.taskName}`;
        default: return v.name.toLowerCase();
      }
    }
    default: return ev.kind;
  }
}
