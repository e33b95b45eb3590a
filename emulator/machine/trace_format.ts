// Kernel tracepoints (GUEST-INTERFACE.md "Trace records"; the kernel's trace.h restates it).
// The ids and names below are the contract's table exactly. Type 0 is never posted by a correct
// kernel: the machine uses it for a record it could not accept (the guest is untrusted), with
// the reason as text and a0 = the physical address, a1 = the claimed size, a2 = the claimed type.
//
// decodeTrace() turns (type, args, text) into a named view, used by tests, the recorder's
// derived tables and the UI. Off the hot path: it makes bigints freely.

export const TRACE_HEADER_SIZE = 56;
export const TRACE_MAX_SIZE = 4096;
export const TRACE_ARGS = 6;

export const TraceType = {
  INVALID_RECORD: 0,
  SYSCALL_ENTER: 1,
  SYSCALL_EXIT: 2,
  SWITCH: 3,
  TASK_CREATE: 4,
  TASK_EXIT: 5,
  SIGNAL_GENERATE: 6,
  SIGNAL_DELIVER: 7,
  SIGNAL_FORCE: 8,
  LOCK_ACQUIRE: 9,
  LOCK_CONTENDED: 10,
  LOCK_ACQUIRED: 11,
  LOCK_RELEASE: 12,
  LOCKDEP: 13,
  SPINLOCK_RECURSION: 14,
  OOPS: 15,
  PANIC: 16,
  WATCHDOG: 17,
  FIXUP: 18,
  STACK_PROTECTOR: 19,
  DOUBLE_FAULT: 20,
  CRASHLAB: 21,
  MARK: 22,
} as const;
export type TraceTypeName = keyof typeof TraceType;

/** Highest type id the contract defines. */
export const TRACE_TYPE_MAX = 22;

/** Name per type id (0 included). */
export const TRACE_NAMES: readonly TraceTypeName[] = (() => {
  const names: TraceTypeName[] = [];
  for (const [k, v] of Object.entries(TraceType)) names[v] = k as TraceTypeName;
  return names;
})();

export function traceName(type: number): string {
  return TRACE_NAMES[type] ?? `TRACE_${type}`;
}

/** System call numbers of include/abi.h (Linux's numbers; spawn is ours). */
export const SYSCALL_NAMES: Readonly<Record<number, string>> = {
  0: 'read', 1: 'write', 2: 'open', 3: 'close', 9: 'mmap', 11: 'munmap', 13: 'sigaction',
  14: 'sigprocmask', 15: 'sigreturn', 16: 'ioctl', 24: 'yield', 35: 'sleep', 39: 'getpid',
  60: 'exit', 61: 'wait', 62: 'kill', 131: 'sigaltstack', 500: 'spawn',
};

/** Error numbers of include/abi.h (Linux's values). */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 14: 'EFAULT', 16: 'EBUSY', 19: 'ENODEV',
  22: 'EINVAL', 24: 'EMFILE', 25: 'ENOTTY', 38: 'ENOSYS',
};

/** Signal numbers of include/abi.h (Linux's numbers). */
export const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS',
  8: 'SIGFPE', 9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE',
  14: 'SIGALRM', 15: 'SIGTERM', 17: 'SIGCHLD',
};

export function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] ?? `SIG${sig}`;
}

/** Six arguments as 12 words (lo0, hi0, lo1, hi1, ...): the layout of an event record's a0-a5. */
export function argsFromWords(words: ArrayLike<number>, offset = 0): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < TRACE_ARGS; i++) {
    out.push((BigInt(words[offset + 2 * i + 1]! >>> 0) << 32n) | BigInt(words[offset + 2 * i]! >>> 0));
  }
  return out;
}

// ---- Decoded view ----

interface Base { type: number; text: string }
export type TraceView = Base & (
  | { name: 'INVALID_RECORD'; phys: bigint; claimedSize: number; claimedType: number; reason: string }
  | { name: 'SYSCALL_ENTER'; nr: number; syscall: string; args: bigint[] }
  | { name: 'SYSCALL_EXIT'; nr: number; syscall: string; result: bigint; errno: string | null }
  | { name: 'SWITCH'; prevPid: number; nextPid: number; nextIsKernelThread: boolean; nextName: string }
  | { name: 'TASK_CREATE'; pid: number; parentPid: number; kernelThread: boolean; taskName: string }
  | { name: 'TASK_EXIT'; pid: number; status: number; taskName: string }
  | { name: 'SIGNAL_GENERATE'; pid: number; signal: number; signalName: string; faultAddr: bigint; reason: string }
  | { name: 'SIGNAL_DELIVER'; pid: number; signal: number; signalName: string; handler: bigint; frame: bigint; onAltStack: boolean }
  | { name: 'SIGNAL_FORCE'; pid: number; signal: number; signalName: string; why: string }
  | { name: 'LOCK_ACQUIRE'; lock: bigint; classId: number; lockName: string }
  | { name: 'LOCK_CONTENDED'; lock: bigint; holderCpu: number; lockName: string }
  | { name: 'LOCK_ACQUIRED'; lock: bigint; lockName: string }
  | { name: 'LOCK_RELEASE'; lock: bigint; lockName: string }
  | { name: 'LOCKDEP'; cycleLength: number; report: string }
  | { name: 'SPINLOCK_RECURSION'; lock: bigint; ownerCpu: number; lockName: string }
  | { name: 'OOPS'; vector: number; errorCode: bigint; faultAddr: bigint; rip: bigint; message: string }
  | { name: 'PANIC'; cpu: number; message: string }
  | { name: 'WATCHDOG'; stuckCpu: number; ticksStuck: bigint; message: string }
  | { name: 'FIXUP'; faultRip: bigint; fixupRip: bigint; faultAddr: bigint }
  | { name: 'STACK_PROTECTOR'; returnAddr: bigint; function: string }
  | { name: 'DOUBLE_FAULT'; rsp: bigint; cr2: bigint; message: string }
  | { name: 'CRASHLAB'; pid: number; trigger: string }
  | { name: 'MARK'; args: bigint[]; mark: string }
  | { name: 'UNKNOWN'; args: bigint[] }
);

/** A small unsigned value (pid, CPU, signal, syscall number) as a number; huge values saturate. */
function small(v: bigint | undefined): number {
  const u = BigInt.asUintN(64, v ?? 0n);
  return u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : Number.MAX_SAFE_INTEGER;
}

/** Decodes a trace (type, six 64-bit arguments, text) into a named view. */
export function decodeTrace(type: number, argsIn: readonly bigint[], text: string): TraceView {
  const a = (i: number) => BigInt.asUintN(64, argsIn[i] ?? 0n);
  const n = (i: number) => small(argsIn[i]);
  const base = { type, text };
  switch (type) {
    case TraceType.INVALID_RECORD:
      return { ...base, name: 'INVALID_RECORD', phys: a(0), claimedSize: n(1), claimedType: n(2), reason: text };
    case TraceType.SYSCALL_ENTER:
      return { ...base, name: 'SYSCALL_ENTER', nr: n(0), syscall: text || (SYSCALL_NAMES[n(0)] ?? `syscall_${n(0)}`),
        args: [a(1), a(2), a(3), a(4), a(5)] };
    case TraceType.SYSCALL_EXIT: {
      const result = BigInt.asIntN(64, a(1));
      const errno = result < 0n && result >= -4095n ? ERRNO_NAMES[Number(-result)] ?? `E${-result}` : null;
      return { ...base, name: 'SYSCALL_EXIT', nr: n(0), syscall: text || (SYSCALL_NAMES[n(0)] ?? `syscall_${n(0)}`),
        result, errno };
    }
    case TraceType.SWITCH:
      return { ...base, name: 'SWITCH', prevPid: n(0), nextPid: n(1), nextIsKernelThread: a(2) === 1n, nextName: text };
    case TraceType.TASK_CREATE:
      return { ...base, name: 'TASK_CREATE', pid: n(0), parentPid: n(1), kernelThread: a(2) === 1n, taskName: text };
    case TraceType.TASK_EXIT:
      return { ...base, name: 'TASK_EXIT', pid: n(0), status: Number(BigInt.asIntN(32, a(1))), taskName: text };
    case TraceType.SIGNAL_GENERATE:
      return { ...base, name: 'SIGNAL_GENERATE', pid: n(0), signal: n(1), signalName: signalName(n(1)),
        faultAddr: a(2), reason: text };
    case TraceType.SIGNAL_DELIVER:
      return { ...base, name: 'SIGNAL_DELIVER', pid: n(0), signal: n(1), signalName: signalName(n(1)),
        handler: a(2), frame: a(3), onAltStack: a(4) === 1n };
    case TraceType.SIGNAL_FORCE:
      return { ...base, name: 'SIGNAL_FORCE', pid: n(0), signal: n(1), signalName: signalName(n(1)), why: text };
    case TraceType.LOCK_ACQUIRE:
      return { ...base, name: 'LOCK_ACQUIRE', lock: a(0), classId: n(1), lockName: text };
    case TraceType.LOCK_CONTENDED:
      return { ...base, name: 'LOCK_CONTENDED', lock: a(0), holderCpu: n(1), lockName: text };
    case TraceType.LOCK_ACQUIRED:
      return { ...base, name: 'LOCK_ACQUIRED', lock: a(0), lockName: text };
    case TraceType.LOCK_RELEASE:
      return { ...base, name: 'LOCK_RELEASE', lock: a(0), lockName: text };
    case TraceType.LOCKDEP:
      return { ...base, name: 'LOCKDEP', cycleLength: n(0), report: text };
    case TraceType.SPINLOCK_RECURSION:
      return { ...base, name: 'SPINLOCK_RECURSION', lock: a(0), ownerCpu: n(1), lockName: text };
    case TraceType.OOPS:
      return { ...base, name: 'OOPS', vector: n(0), errorCode: a(1), faultAddr: a(2), rip: a(3), message: text };
    case TraceType.PANIC:
      return { ...base, name: 'PANIC', cpu: n(0), message: text };
    case TraceType.WATCHDOG:
      return { ...base, name: 'WATCHDOG', stuckCpu: n(0), ticksStuck: a(1), message: text };
    case TraceType.FIXUP:
      return { ...base, name: 'FIXUP', faultRip: a(0), fixupRip: a(1), faultAddr: a(2) };
    case TraceType.STACK_PROTECTOR:
      return { ...base, name: 'STACK_PROTECTOR', returnAddr: a(0), function: text };
    case TraceType.DOUBLE_FAULT:
      return { ...base, name: 'DOUBLE_FAULT', rsp: a(0), cr2: a(1), message: text };
    case TraceType.CRASHLAB:
      return { ...base, name: 'CRASHLAB', pid: n(0), trigger: text };
    case TraceType.MARK:
      return { ...base, name: 'MARK', args: [a(0), a(1), a(2), a(3), a(4), a(5)], mark: text };
    default:
      return { ...base, name: 'UNKNOWN', args: [a(0), a(1), a(2), a(3), a(4), a(5)] };
  }
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** One line for a log or a tooltip, e.g. "SYSCALL_ENTER write(1, 0x4000, 12, 0, 0)". */
export function traceSummary(v: TraceView): string {
  switch (v.name) {
    case 'INVALID_RECORD': return `INVALID_RECORD at ${hex(v.phys)}: ${v.reason}`;
    case 'SYSCALL_ENTER': return `SYSCALL_ENTER ${v.syscall}(${v.args.map((x) => (x < 65536n ? x.toString() : hex(x))).join(', ')})`;
    case 'SYSCALL_EXIT': return `SYSCALL_EXIT ${v.syscall} = ${v.result}${v.errno ? ` (${v.errno})` : ''}`;
    case 'SWITCH': return `SWITCH ${v.prevPid} -> ${v.nextPid} ${v.nextName}`;
    case 'TASK_CREATE': return `TASK_CREATE ${v.pid} ${v.taskName} (parent ${v.parentPid}${v.kernelThread ? ', kernel thread' : ''})`;
    case 'TASK_EXIT': return `TASK_EXIT ${v.pid} ${v.taskName} status ${v.status}`;
    case 'SIGNAL_GENERATE': return `SIGNAL_GENERATE ${v.signalName} to ${v.pid}${v.faultAddr ? ` at ${hex(v.faultAddr)}` : ''}: ${v.reason}`;
    case 'SIGNAL_DELIVER': return `SIGNAL_DELIVER ${v.signalName} to ${v.pid}, handler ${hex(v.handler)}, frame ${hex(v.frame)}${v.onAltStack ? ' (alt stack)' : ''}`;
    case 'SIGNAL_FORCE': return `SIGNAL_FORCE ${v.signalName} to ${v.pid}: ${v.why}`;
    case 'LOCK_ACQUIRE': case 'LOCK_ACQUIRED': case 'LOCK_RELEASE':
      return `${v.name} ${v.lockName || hex(v.lock)}`;
    case 'LOCK_CONTENDED': return `LOCK_CONTENDED ${v.lockName || hex(v.lock)} held by CPU ${v.holderCpu}`;
    case 'LOCKDEP': return `LOCKDEP cycle of ${v.cycleLength}`;
    case 'SPINLOCK_RECURSION': return `SPINLOCK_RECURSION ${v.lockName || hex(v.lock)} owned by CPU ${v.ownerCpu}`;
    case 'OOPS': return `OOPS vector ${v.vector} at ${hex(v.rip)}: ${v.message.split('\n')[0]}`;
    case 'PANIC': return `PANIC on CPU ${v.cpu}: ${v.message}`;
    case 'WATCHDOG': return `WATCHDOG CPU ${v.stuckCpu} stuck ${v.ticksStuck} ticks: ${v.message}`;
    case 'FIXUP': return `FIXUP ${hex(v.faultRip)} -> ${hex(v.fixupRip)} (address ${hex(v.faultAddr)})`;
    case 'STACK_PROTECTOR': return `STACK_PROTECTOR in ${v.function}`;
    case 'DOUBLE_FAULT': return `DOUBLE_FAULT rsp ${hex(v.rsp)} cr2 ${hex(v.cr2)}: ${v.message}`;
    case 'CRASHLAB': return `CRASHLAB ${v.trigger} (pid ${v.pid})`;
    case 'MARK': return `MARK ${v.mark}`;
    case 'UNKNOWN': return `${traceName(v.type)} ${v.text}`;
  }
}
