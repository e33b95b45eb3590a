// The article's scenarios (DESIGN.md section 7), run on the emulated machine
// from the committed guest image: each asserts what the kernel did, from its
// console text and its trace records (emulator/guest/kernel/trace.h).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runGuest, type GuestRun } from './run_guest.ts';

const built = existsSync(new URL('../../emulator/guest/build/kernel.elf', import.meta.url));

// Trace record types (kernel/trace.h).
const T = {
  SYSCALL_ENTER: 1, SYSCALL_EXIT: 2, SWITCH: 3, TASK_CREATE: 4, TASK_EXIT: 5, SIGNAL_GENERATE: 6,
  SIGNAL_DELIVER: 7, SIGNAL_FORCE: 8, LOCK_ACQUIRE: 9, LOCK_CONTENDED: 10, LOCK_ACQUIRED: 11,
  LOCK_RELEASE: 12, LOCKDEP: 13, SPINLOCK_RECURSION: 14, OOPS: 15, PANIC: 16, WATCHDOG: 17, FIXUP: 18,
  STACK_PROTECTOR: 19, DOUBLE_FAULT: 20, CRASHLAB: 21,
} as const;
const SIGSEGV = 11n;

function traces(run: GuestRun, type: number) {
  return run.traces.filter((t) => t.type === type);
}

function exitOf(run: GuestRun, name: string) {
  return traces(run, T.TASK_EXIT).find((t) => t.text === name);
}

describe.skipIf(!built)('guest scenarios on the machine', () => {
  it('hello: write and exit, then init powers the machine off', () => {
    const run = runGuest('');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('Hello from user space!');
    const writes = traces(run, T.SYSCALL_ENTER).filter((t) => t.text === 'write');
    expect(writes.length).toBeGreaterThan(0);
    expect(traces(run, T.SYSCALL_EXIT).some((t) => t.text === 'write' && t.args[1] === 23n)).toBe(true);
  });

  it('user-reads-kernel-pointer: SIGSEGV for the reader, the system goes on', () => {
    const run = runGuest('init=init -- readkptr hello');
    expect(run.cause).toBe('power-off');
    const pf = run.events.find((e) => e.kind === 'exception' && e.vector === 14 && e.cpl === 3);
    expect(pf && pf.kind === 'exception' && pf.errorCode !== null && (pf.errorCode & 5)).toBe(5); // P=1, U=1
    expect(traces(run, T.SIGNAL_GENERATE).some((t) => t.args[1] === SIGSEGV)).toBe(true);
    expect(exitOf(run, 'readkptr')?.args[1]).toBe(128n + SIGSEGV);
    expect(run.console).toContain('readkptr (pid 2) was killed by SIGSEGV');
    expect(run.console).toContain('Hello from user space!');
    expect(traces(run, T.OOPS)).toHaveLength(0);
  });

  it('write-validation: every bad write() gets an error code, no panic', () => {
    const run = runGuest('init=writeval');
    expect(run.cause).toBe('power-off');
    for (const line of [
      'fd 9 (never opened)                          -> -9 (EBADF)',
      'fd 0 (open, but read-only)                   -> -9 (EBADF)',
      'buffer in the kernel (0xffffffff80100000)    -> -14 (EFAULT)',
      'range running into an unmapped page          -> -14 (EFAULT)',
      'huge length (1 TiB)                          -> -22 (EINVAL)',
    ])
      expect(run.console).toContain(line);
    // The range that runs into unmapped memory faults inside copy_user_raw: a fixup, not an oops.
    expect(traces(run, T.FIXUP).length).toBeGreaterThan(0);
    expect(traces(run, T.PANIC)).toHaveLength(0);
  });

  it('stack-smash: the canary catches the overflow and the kernel panics', () => {
    const run = runGuest('init=crashlab -- STACK_SMASH');
    expect(traces(run, T.STACK_PROTECTOR)[0]?.text).toBe('stack_smash');
    expect(run.console).toContain('Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: stack_smash+');
    expect(run.console).toContain('---[ end Kernel panic - not syncing: stack-protector');
  });

  it('stack-smash, fixed: the checked copy returns -EINVAL', () => {
    const run = runGuest('init=crashlab -- STACK_SMASH_CHECKED');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('STACK_SMASH_CHECKED returned -22 (EINVAL)');
  });

  it('null-deref-user: SIGSEGV at address 0 (plus the field offset)', () => {
    const run = runGuest('init=init -- nullderef');
    expect(run.cause).toBe('power-off');
    const sig = traces(run, T.SIGNAL_GENERATE).find((t) => t.args[1] === SIGSEGV);
    expect(sig?.args[2]).toBe(8n);
    expect(exitOf(run, 'nullderef')?.args[1]).toBe(128n + SIGSEGV);
  });

  it('null-deref-kernel: oops in Linux words, then panic', () => {
    const run = runGuest('init=crashlab -- NULL_DEREF');
    expect(run.console).toContain('BUG: kernel NULL pointer dereference, address: 0000000000000008');
    expect(run.console).toContain('#PF: supervisor read access in kernel mode');
    expect(run.console).toContain('#PF: error_code(0x0000) - not-present page');
    expect(run.console).toContain('Oops: 0000 [#1] SMP');
    expect(run.console).toMatch(/RIP: 0008:null_deref\+0x[0-9a-f]+\/0x[0-9a-f]+/);
    expect(run.console).toContain('Kernel panic - not syncing: Fatal exception');
    const oops = traces(run, T.OOPS)[0];
    expect(oops?.args[0]).toBe(14n);
    expect(oops?.text).toContain('Call Trace:');
  });

  it('null-deref-kernel with panic_on_oops=0: the task dies, the system goes on', () => {
    const run = runGuest('panic_on_oops=0 init=init -- crashlab,NULL_DEREF hello');
    expect(run.cause).toBe('power-off');
    expect(traces(run, T.OOPS)).toHaveLength(1);
    expect(traces(run, T.PANIC)).toHaveLength(0);
    expect(run.console).toContain('Hello from user space!');
  });

  it('a second oops after panic_on_oops=0 reports the kernel as tainted', () => {
    const run = runGuest('panic_on_oops=0 init=init -- crashlab,NULL_DEREF crashlab,WRITE_RO hello');
    expect(run.cause).toBe('power-off');
    expect(run.console).toMatch(/Oops: 0000 \[#1\] SMP\r?\nCPU: \d PID: \d+ Comm: crashlab Not tainted/);
    expect(run.console).toMatch(/Oops: 0003 \[#2\] SMP\r?\nCPU: \d PID: \d+ Comm: crashlab Tainted: G {6}D/);
    expect(run.console).toContain('Hello from user space!');
  });

  it('bad-user-pointer: copy_from_user faults, the fixup returns -EFAULT', () => {
    const run = runGuest('init=crashlab -- BAD_USER_PTR');
    expect(run.cause).toBe('power-off');
    const fixup = traces(run, T.FIXUP)[0];
    expect(fixup?.args[2]).toBe(0x100000000000n);
    expect(run.console).toContain('BAD_USER_PTR returned -14 (EFAULT)');
    expect(traces(run, T.OOPS)).toHaveLength(0);
  });

  it('lock-cycle: lockdep reports A -> B -> C -> A, then the real deadlock trips the watchdog', () => {
    const run = runGuest('init=crashlab -- LOCK_CYCLE');
    const report = traces(run, T.LOCKDEP)[0];
    expect(report?.args[0]).toBe(3n);
    expect(report?.text).toContain('WARNING: possible circular locking dependency detected');
    expect(traces(run, T.WATCHDOG)).toHaveLength(1);
    expect(run.console).toContain('Kernel panic - not syncing: softlockup: hung tasks');
  });

  it('lock-cycle with lockdep=off: only the watchdog sees the deadlock', () => {
    const run = runGuest('lockdep=off init=crashlab -- LOCK_CYCLE');
    expect(traces(run, T.LOCKDEP)).toHaveLength(0);
    expect(traces(run, T.LOCK_CONTENDED).length).toBeGreaterThanOrEqual(3);
    expect(traces(run, T.WATCHDOG)[0]?.text).toMatch(/^watchdog: BUG: soft lockup - CPU#\d stuck for \d+ms! \[T\d:\d+\]$/);
    expect(run.console).toMatch(/NMI backtrace for cpu \d/);
  });

  it('lock order without the deadlock: lockdep still reports the cycle and the system goes on', () => {
    const run = runGuest('init=crashlab -- LOCK_ORDER');
    expect(run.cause).toBe('power-off');
    expect(traces(run, T.LOCKDEP)[0]?.text).toContain('lock_A --> lock_B --> lock_C --> lock_A');
  });

  it('spinlock-recursion: T4 takes lock_B twice, the kernel panics', () => {
    const run = runGuest('init=crashlab -- SPINLOCK_RECURSION');
    const rec = traces(run, T.SPINLOCK_RECURSION)[0];
    expect(rec?.text).toBe('lock_B');
    expect(run.console).toMatch(/BUG: spinlock recursion on CPU#\d, T4\/\d+/);
    expect(run.console).toContain('Kernel panic - not syncing: spinlock recursion: lock_B');
  });

  it('missing-pf-handler: vector 14 empty, the first page fault becomes a double fault', () => {
    const run = runGuest('idt.omit=14 init=nullderef');
    expect(traces(run, T.DOUBLE_FAULT)).toHaveLength(1);
    expect(run.console).toContain('PANIC: double fault');
  });

  it('missing-pf-handler: vectors 8 and 14 empty, a triple fault', () => {
    const run = runGuest('idt.omit=8,14 init=nullderef');
    expect(run.cause).toBe('shutdown');
    expect(run.events.some((e) => e.kind === 'triple-fault')).toBe(true);
  });

  it('kernel-stack-overflow: the guard page, #DF on IST1, "kernel stack overflow"', () => {
    const run = runGuest('init=crashlab -- EXHAUST_STACK');
    const df = traces(run, T.DOUBLE_FAULT)[0];
    expect(df?.text).toMatch(/^kernel stack overflow: guard page hit at/);
    expect(run.console).toContain('BUG: stack guard page was hit at');
    expect(run.console).toContain('Kernel panic - not syncing: kernel stack overflow');
  });

  it('kernel-stack-overflow with ist=off: a triple fault', () => {
    const run = runGuest('ist=off init=crashlab -- EXHAUST_STACK');
    expect(run.cause).toBe('shutdown');
    expect(traces(run, T.DOUBLE_FAULT)).toHaveLength(0);
  });

  it('signal-bad-stack: the handler runs on the alternate stack; without one the process is killed', () => {
    const run = runGuest('init=sigstack');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('handler got SIGSEGV (address 7efffffffff8) on the alternate stack');
    expect(traces(run, T.SIGNAL_DELIVER).some((t) => t.args[1] === SIGSEGV && t.args[4] === 1n)).toBe(true);
    expect(traces(run, T.SIGNAL_FORCE).length).toBeGreaterThan(0);
    expect(run.console).toMatch(/child \d+ \(noalt\) was killed by SIGSEGV/);
  });

  it('privileged instructions at CPL 3 become signals, and sigreturn resumes after them', () => {
    const run = runGuest('init=privinsn');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('every instruction trapped (last SIGFPE), the process lives');
  });

  it('kill and masks: a handler for SIGUSR1, a blocked signal waits, SIGTERM ends a sleeping child', () => {
    const run = runGuest('init=signals');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('signals: delivered 1 time(s)');
    expect(run.console).toContain('signals: blocked, still 1 delivery');
    expect(run.console).toContain('signals: unblocked, 2 deliveries');
    expect(run.console).toMatch(/child \d+ was killed by SIGTERM/);
    expect(run.console).toContain('kill of the reaped child: ESRCH');
    expect(traces(run, T.SIGNAL_GENERATE).filter((t) => t.text === 'kill')).toHaveLength(3);
  });

  it('read: a line typed on the serial line comes back; bad fds and kernel buffers are refused', () => {
    const run = runGuest('init=readline', 4, 400_000_000, 'hello kernel\r');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('readline: got 13 bytes: hello kernel');
    expect(run.console).toContain('read from fd 1 (write-only) -> EBADF');
    expect(run.console).toContain('read into the kernel -> EFAULT');
  });

  it('stress: processes on every CPU, system calls, preemption', () => {
    const run = runGuest('init=stress');
    expect(run.cause).toBe('power-off');
    expect(run.console).toContain('stress: all 6 workers done (checksum 15)');
    const cpusRunningUsers = new Set(traces(run, T.SWITCH).filter((t) => t.args[1] > 1n).map((t) => t.cpu));
    expect(cpusRunningUsers.size).toBeGreaterThan(1);
  });

  it('SMEP, NX, SMAP and read-only kernel data each stop the kernel with an oops', () => {
    for (const [trigger, code] of [['EXEC_USER', '0x0011'], ['EXEC_DATA', '0x0011'], ['ACCESS_USER', '0x0001'],
      ['WRITE_RO', '0x0003']]) {
      const run = runGuest(`init=crashlab -- ${trigger}`);
      expect(run.console, trigger).toContain(`#PF: error_code(${code}) - permissions violation`);
      expect(traces(run, T.OOPS), trigger).toHaveLength(1);
    }
  });

  it('#UD, #DE and #GP in kernel mode are oopses too (BUG_ON, a divide by zero, a poisoned pointer)', () => {
    for (const [trigger, headline, vector] of [
      ['BUG', 'invalid opcode: 0000 [#1] SMP', 6n],
      ['DIVIDE_ERROR', 'divide error: 0000 [#1] SMP', 0n],
      ['LIST_POISON', 'general protection fault: 0000 [#1] SMP', 13n],
    ] as const) {
      const run = runGuest(`init=crashlab -- ${trigger}`);
      expect(run.console, trigger).toContain(headline);
      expect(traces(run, T.OOPS)[0]?.args[0], trigger).toBe(vector);
    }
    expect(runGuest('init=crashlab -- BUG').console).toMatch(/kernel BUG at kernel\/crashlab\.c:\d+!/);
  });

  it('panic=<ms> reboots through port 0xcf9 after the delay', () => {
    // One CPU and a budget for about two boots: each boot panics again and reboots, to the budget.
    const run = runGuest('panic=1 init=crashlab -- NULL_DEREF', 1, 5_000_000);
    expect(run.console).toContain('Rebooting in 1 ms..');
    expect(run.events.some((e) => e.kind === 'reset' && e.cause === 'reset-port')).toBe(true);
    // The machine's console starts afresh at a reset; the stream keeps every boot's output.
    const output = run.events.map((e) => (e.kind === 'console' ? e.text : '')).join('');
    expect(output.split('Faultline kernel').length - 1, 'the kernel boots again after the reset').toBeGreaterThanOrEqual(2);
  });
});
