// The faultline command on a real recording of the guest kernel, and on every kind of bad input:
// bad input is one line on stderr and a non-zero status, never a stack trace.

import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main } from '../../main/cli/faultline.ts';
import type { Output } from '../../main/cli/output.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
const session = join(dir, 'readkptr.flt');
const panicked = join(dir, 'null-deref-kernel.flt');
let recordOutput = '';

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Output = { out: (t) => { out += t; }, err: (t) => { err += t; }, tty: false };
  const status = await main(argv, io);
  return { status, out, err };
}

function oneLineError(r: { status: number; err: string }, pattern: RegExp, status = 2): void {
  expect(r.status).toBe(status);
  expect(r.err).toMatch(pattern);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  const r = await run('record', 'user-reads-kernel-pointer', '--cpus', '2', '--out', session);
  expect(r.err).toBe('');
  expect(r.status).toBe(0);
  recordOutput = r.out;
  expect((await run('record', 'null-deref-kernel', '--out', panicked)).status).toBe(0);
});

describe('faultline', () => {
  it('lists the scenario catalogue', async () => {
    const r = await run('list');
    expect(r.status).toBe(0);
    for (const id of ['user-reads-kernel-pointer', 'null-deref-kernel', 'missing-pf-handler', 'spinlock-recursion']) expect(r.out).toMatch(new RegExp(`^${id}\\s+\\S`, 'm'));
  });

  it('records a scenario on the guest kernel and summarises the run', () => {
    expect(recordOutput).toContain(`${session}: exit (the kernel powered the machine off)`);
    expect(recordOutput).toMatch(/\d+ instructions, virtual time \d+ ticks, [\d.]+ MIPS/);
    expect(recordOutput).toMatch(/\d+ events, file \d+ bytes/);
    expect(recordOutput).toMatch(/by kind: .*trace \d+/);
    expect(recordOutput).toMatch(/tracepoints: .*SYSCALL_ENTER \d+/);
  });

  it('reports the outcome, the last events and the console', async () => {
    const r = await run('report', session);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Outcome: exit');
    expect(r.out).toMatch(/Last 20 events:\n(\s+#\d+ t=\d+ cpu\d .*\n){20}/);
    expect(r.out).toContain('exited with status 139');
    expect(r.out).toMatch(/Exception chain on CPU 0|Last 20 events/);
    // The user-mode fault is named from readkptr's own symbols.
    expect(r.out).toMatch(/#PF \(vector 14\) at 0x0000000000400[0-9a-f]{3} <main\+0x[0-9a-f]+> in CPL 3/);
  });

  it('reports a kernel oops and panic with the fault that caused it', async () => {
    const r = await run('report', panicked);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Outcome: panic on CPU 0');
    expect(r.out).toMatch(/Oops \(CPU 0, t=\d+\):\n\s+BUG: kernel NULL pointer dereference/);
    expect(r.out).toMatch(/Panic \(CPU 0, t=\d+\):/);
    expect(r.out).toMatch(/Exception chain on CPU 0 \(oldest first\):\n\s+#\d+ t=\d+ cpu0 pid \d+ exception: #PF \(vector 14\) at 0x[0-9a-f]+ <null_deref\+0x[0-9a-f]+> in CPL 0/);
  });

  it('lists events filtered by kind, CPU and time, as text or JSON', async () => {
    const first = JSON.parse((await run('events', session, '--kind', 'priv-switch', '--limit', '1', '--json')).out) as { cpu: number };
    const text = await run('events', session, '--kind', 'priv-switch', '--cpu', String(first.cpu), '--limit', '5');
    expect(text.status).toBe(0);
    const lines = text.out.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(new RegExp(`^#\\d+ t=\\d+ cpu${first.cpu} pid -?\\d+ priv-switch: CPL \\d -> \\d by `));
    const json = await run('events', session, '--kind', 'console,power-off', '--json');
    const events = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; t: number; text?: string });
    expect(events.at(-1)!.kind).toBe('power-off');
    expect(events.some((e) => e.text?.includes('exited with status 139'))).toBe(true);
    const from = events[1]!.t;
    const window = await run('events', session, '--from', String(from), '--to', String(from + 1), '--json');
    for (const l of window.out.trimEnd().split('\n')) expect((JSON.parse(l) as { t: number }).t).toBe(from);
  });

  it('shows the machine state at an instant by time travel', async () => {
    const r = await run('state', session, '--at', '900000', '--json');
    expect(r.status).toBe(0);
    const state = JSON.parse(r.out) as { t: number; cpus: { cpu: number; rip: string; cpl: number; regs: Record<string, string> }[]; console: string };
    expect(state.t).toBeGreaterThanOrEqual(900000);
    expect(state.cpus).toHaveLength(2);
    expect(state.cpus[0]!.rip).toMatch(/^0x[0-9a-f]{16}$/);
    expect(state.console).toContain('Faultline kernel');
    const text = await run('state', session, '--at', '900000');
    expect(text.out).toMatch(/^CPU 0: \w+/m);
    expect(text.out).toMatch(/rip 0x[0-9a-f]{16}/);
  });

  it('names the task and the user function at the user-mode fault', async () => {
    const events = await run('events', session, '--kind', 'exception', '--json');
    const fault = events.out.trim().split('\n').map((l) => JSON.parse(l) as { t: number; cpu: number; cpl: number; vector: number }).find((e) => e.vector === 14 && e.cpl === 3)!;
    const text = await run('state', session, '--at', String(fault.t));
    expect(text.status).toBe(0);
    expect(text.out).toMatch(new RegExp(`^CPU ${fault.cpu}: .*CPL 3, task \\d+ \\(readkptr\\)$`, 'm'));
    expect(text.out).toMatch(/rip 0x0000000000400[0-9a-f]{3} <main\+0x[0-9a-f]+>/);
  });

  it('exports a Chrome trace that Perfetto can load, and the report as text', async () => {
    const out = join(dir, 'trace.json');
    const r = await run('export', session, '--format', 'chrome-json', '--out', out);
    expect(r.status).toBe(0);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; name: string; pid: number; args?: { name?: string } }[] };
    const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name);
    expect(names).toEqual(expect.arrayContaining(['CPU 0', 'CPU 1']));
    expect(trace.traceEvents.some((e) => e.ph === 'X' && e.name === 'user')).toBe(true);
    expect(trace.traceEvents.some((e) => e.ph === 's')).toBe(true);
    const report = join(dir, 'report.txt');
    expect((await run('export', session, '--format', 'report', '--out', report)).status).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('Outcome: exit');
  });

  it('verifies a sound file and rejects a damaged one', async () => {
    const ok = await run('verify', session);
    expect(ok.status).toBe(0);
    expect(ok.out).toContain(`${session}: ok`);
    const bytes = readFileSync(session);
    bytes[bytes.length - 5000] ^= 0xff;
    const damaged = join(dir, 'damaged.flt');
    writeFileSync(damaged, bytes);
    oneLineError(await run('verify', damaged), /^faultline verify: .*damaged.flt: page \d+ of \d+ is damaged/, 1);
  });
});

describe('faultline with bad input', () => {
  it('rejects unknown commands, scenarios and options with one line', async () => {
    oneLineError(await run('frobnicate'), /^faultline: unknown command "frobnicate"/);
    oneLineError(await run('record', 'no-such-scenario'), /^faultline record: unknown scenario "no-such-scenario"/);
    oneLineError(await run('record', 'null-deref-user', '--cpus', '9'), /--cpus must be a whole number from 1 to 8, not "9"/);
    oneLineError(await run('record', 'null-deref-user', '--cpus', 'two'), /--cpus must be a whole number/);
    oneLineError(await run('record', 'null-deref-user', '--max-instructions', '-5'), /--max-instructions/);
    oneLineError(await run('record', 'null-deref-user', '--bogus'), /^faultline record: Unknown option '--bogus'/);
    oneLineError(await run('record'), /^faultline record: expected <scenario>, got none/);
    oneLineError(await run('report', session, 'extra'), /^faultline report: expected <file>, got/);
    oneLineError(await run('events', session, '--kind', 'nonsense'), /^faultline events: unknown kind "nonsense"/);
    oneLineError(await run('events', session, '--from', 'yesterday'), /--from must be a whole number/);
    oneLineError(await run('state', session), /^faultline state: --at T is required/);
    oneLineError(await run('state', session, '--at', '999999999999'), /after the end of the recording/);
    oneLineError(await run('export', session, '--format', 'pdf', '--out', 'x'), /--format must be one of chrome-json, report/);
    oneLineError(await run('export', session, '--format', 'report'), /--out X is required/);
  });

  it('rejects missing and non-session files with what is wrong', async () => {
    oneLineError(await run('report', join(dir, 'missing.flt')), /^faultline report: .*missing.flt: no such file$/m, 1);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database\n'.repeat(100));
    oneLineError(await run('events', text), /not a Faultline session \(not an SQLite database\)/, 1);
    oneLineError(await run('verify', dir), /not a file/, 1);
    oneLineError(await run('export', session, '--format', 'report', '--out', join(dir, 'no', 'such', 'dir', 'r.txt')), /cannot write/, 1);
  });

  it('runs as a program: usage without arguments, errors without stack traces', () => {
    const bin = new URL('../../bin/faultline.mjs', import.meta.url).pathname;
    const usage = spawnSync(process.execPath, [bin], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stdout).toContain('usage: faultline');
    const bad = spawnSync(process.execPath, [bin, 'report', join(dir, 'missing.flt')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/no such file/);
  });
});
