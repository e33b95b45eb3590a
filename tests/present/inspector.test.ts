// The inspectors on machine states rebuilt from real recordings: the page walk of the article's
// kernel pointer, the stack of a smashed canary and of an overflow into the guard page, the IDT
// with its missing gates, the panic report's frames.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { Inspector } from '../../main/present/inspect/inspector.ts';
import { SessionMachine } from '../../main/present/session_machine.ts';
import type { SessionClient } from '../../main/session/session_client.ts';
import { openRecording } from './recorded_scenario.ts';

const SCENARIOS = ['user-reads-kernel-pointer', 'stack-smash', 'kernel-stack-overflow', 'missing-pf-and-df-handler'] as const;

describe('inspecting recorded machines', () => {
  const clients = new Map<string, SessionClient>();
  beforeAll(async () => {
    const opened = await Promise.all(SCENARIOS.map(openRecording));
    SCENARIOS.forEach((s, i) => clients.set(s, opened[i]!));
  });
  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.close()));
  });

  async function atFirstFault(scenario: (typeof SCENARIOS)[number]) {
    const client = clients.get(scenario)!;
    const fault = (await client.query('events', { kinds: ['exception'], limit: 1 }))[0]!;
    return new Inspector(client, new SessionMachine(client)).inspect({ session: 's', t: fault.t, cpu: fault.cpu, addr: null });
  }

  it('user-reads-kernel-pointer: CR2 walks to a present leaf with U/S=0, and U/S is the bit that refuses', async () => {
    const r = await atFirstFault('user-reads-kernel-pointer');
    expect(r.fault?.errorCode).toBe(5);
    expect(r.fault?.errorBits.filter((b) => b.set).map((b) => b.name)).toEqual(['P', 'U/S']);
    const leaf = r.walk!.levels.at(-1)!;
    expect(leaf.flags.find((f) => f.name === 'P')?.set).toBe(true);
    expect(leaf.flags.find((f) => f.name === 'U/S')?.set).toBe(false);
    expect(leaf.denies).toBe('U/S');
    expect(r.walk!.reason).toBe('the page is supervisor-only (U/S=0)');
    expect(r.cpl).toBe(3);
    expect(r.fault?.pushedFrame).toEqual([]);
  });

  it('user-reads-kernel-pointer: one tick later the handler runs, under the frame the CPU pushed on RSP0', async () => {
    const client = clients.get('user-reads-kernel-pointer')!;
    const fault = (await client.query('events', { kinds: ['exception'], limit: 1 }))[0]!;
    const r = await new Inspector(client, new SessionMachine(client)).inspect({ session: 's', t: fault.t + 1, cpu: fault.cpu, addr: null });
    expect(r.cpl).toBe(0);
    const frame = new Map(r.fault!.pushedFrame.map((w) => [w.name, BigInt(w.value)]));
    expect([...frame.keys()]).toEqual(['error code', 'RIP', 'CS', 'RFLAGS', 'RSP', 'SS']);
    expect(frame.get('error code')).toBe(5n);
    expect(frame.get('RIP')).toBe(0x400078n);
    expect(frame.get('CS')! & 3n).toBe(3n);
    const rsp0 = BigInt(r.tss.find((x) => x.name === 'RSP0')!.value!);
    expect(frame.get('SS')).toBeDefined();
    expect(BigInt(r.fault!.pushedFrame.at(-1)!.addr)).toBe(rsp0 - 8n);
    expect(r.stack!.slots.filter((s) => s.kind === 'exception-frame')).toHaveLength(6);
  });

  it('missing-pf-and-df-handler: the IDT has no gate for #PF and #DF', async () => {
    const r = await atFirstFault('missing-pf-and-df-handler');
    const gate = (v: number) => r.idt.find((g) => g.vector === v)!;
    expect(gate(14).problem).not.toBeNull();
    expect(gate(8).problem).not.toBeNull();
    expect(gate(13).symbol).toBe('vector13');
  });

  it('kernel-stack-overflow: RSP is in the guard page, and #DF has IST1 in the TSS', async () => {
    const r = await atFirstFault('kernel-stack-overflow');
    expect(r.stack?.inGuardPage).toBe(true);
    expect(r.stack?.frames[0]?.symbol).toMatch(/^recurse\+/);
    expect(r.idt.find((g) => g.vector === 8)?.ist).toBe(1);
    expect(r.tss.find((x) => x.name === 'IST1')?.usedBy).toContain('#DF');
    const current = r.disassembly.find((l) => l.current);
    expect(current?.symbol).toBe(r.stack?.frames[0]?.symbol);
    expect(current?.file).toBe('kernel/crashlab.c');
    expect(current?.source).not.toBeNull();
  });

  it('stack-smash: at the panic, the frames lead back to stack_smash, whose canary is overwritten', async () => {
    const client = clients.get('stack-smash')!;
    const panic = (await client.query('events', { kinds: ['trace'], traceTypes: [TraceType.PANIC] }))[0]!;
    const r = await new Inspector(client, new SessionMachine(client)).inspect({ session: 's', t: panic.t, cpu: panic.cpu, addr: null });
    const fns = r.stack!.frames.map((f) => f.symbol?.split('+')[0]);
    expect(fns).toEqual(expect.arrayContaining(['panic', '__stack_chk_fail', 'stack_smash']));
    expect(r.stack!.frames.find((f) => f.symbol?.startsWith('stack_smash'))?.file).toBe('kernel/crashlab.c');
    const canary = r.stack!.slots.find((s) => s.kind === 'canary-overwritten');
    expect(canary?.note).toMatch(/^canary of stack_smash: overwritten/);

    const report = (await new Inspector(client, new SessionMachine(client)).panicReport(await client.query('consoleText', Infinity), panic.t, panic.cpu))!;
    expect(report.title).toMatch(/^Kernel panic - not syncing: stack-protector/);
    expect(report.frames.map((f) => f.symbol)).toEqual(['__stack_chk_fail', 'stack_smash']);
    expect(report.frames.map((f) => f.file)).toEqual(['kernel/stackprotector.c', 'kernel/crashlab.c']);
  });
});
