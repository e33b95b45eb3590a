import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { Machine } from '../../emulator/machine/machine.ts';

const BUILD = 'emulator/guest/build';
const built = existsSync(`${BUILD}/kernel.elf`) && existsSync(`${BUILD}/initrd.img`);

// The committed guest image, booted by the machine's own boot loader: the thin path from the
// guest's C code to the machine's events.
describe.skipIf(!built)('the guest kernel on the machine', () => {
  it('boots on 1 CPU, runs a user program that writes to the console, and powers off', () => {
    const m = new Machine({ cpus: 1, onTripleFault: 'stop' });
    const events: MachineEvent[] = [];
    m.attach({ onBatch: (b) => events.push(...decodeBatch(b)) });
    m.boot({ kernel: readFileSync(`${BUILD}/kernel.elf`), initrd: readFileSync(`${BUILD}/initrd.img`), cmdline: '' });
    const r = m.run(100_000_000);
    expect(r.cause).toBe('power-off');
    expect(m.consoleOutput).toContain('Hello from user space!');
    const switches = events.filter((e) => e.kind === 'priv-switch');
    const syscalls = switches.filter((e) => e.cause === 'syscall');
    const sysrets = switches.filter((e) => e.cause === 'sysret');
    expect(syscalls.length).toBeGreaterThan(0);
    // Every SYSCALL but the last (exit) returns through SYSRET.
    expect(sysrets.length).toBeGreaterThanOrEqual(syscalls.length - 2);
    expect(events.some((e) => e.kind === 'interrupt' && e.source === 'timer')).toBe(true);
    expect(events.some((e) => e.kind === 'triple-fault')).toBe(false);
  });
});
