// User code has symbols and source lines too: every program is linked at the same addresses, so a
// user address is looked up in the tables of the program the CPU's task runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inspector } from '../../main/present/inspect/inspector.ts';
import { KernelSymbols } from '../../main/present/inspect/kernel_symbols.ts';
import { SessionMachine } from '../../main/present/session_machine.ts';
import { SessionView, hexAddr } from '../../main/present/session_view.ts';
import type { MachineEvent } from '../../emulator/machine/events.ts';
import type { SessionClient } from '../../main/session/session_client.ts';
import { openRecording } from './recorded_scenario.ts';

describe('user-reads-kernel-pointer: the faulting user instruction', () => {
  let client: SessionClient;
  let fault: Extract<MachineEvent, { kind: 'exception' }>;
  beforeAll(async () => {
    client = await openRecording('user-reads-kernel-pointer');
    const first = (await client.query('events', { kinds: ['exception'], limit: 1 }))[0]!;
    if (first.kind !== 'exception') throw new Error('no fault recorded');
    fault = first;
  });
  afterAll(async () => {
    await client.close();
  });

  async function sourceLine(file: string, line: number): Promise<string> {
    return ((await client.query('source', file)) ?? '').split('\n')[line - 1] ?? '';
  }

  it('resolves in readkptr\'s tables to the line of user/readkptr.c that reads through the leaked pointer', async () => {
    expect(fault.cpl).toBe(3);
    const at = await client.query('lineOf', fault.rip, 'readkptr');
    expect(at?.file).toBe('user/readkptr.c');
    expect(await sourceLine(at!.file, at!.line)).toContain('*(volatile unsigned long *)req.out');
    expect(await client.query('symbolize', fault.rip, 'readkptr')).toMatch(/^main\+0x[0-9a-f]+$/);
  });

  it('means something else, or nothing, in another program, and nothing without one', async () => {
    const inHello = await client.query('lineOf', fault.rip, 'hello');
    expect(inHello?.file ?? null).not.toBe('user/readkptr.c');
    const helloSymbol = await client.query('symbolize', fault.rip, 'hello');
    if (helloSymbol !== null) {
      const start = (await client.query('programSymbols', 'hello')).find((s) => helloSymbol.startsWith(s.name));
      expect(start).toBeDefined();
    }
    expect(await client.query('lineOf', fault.rip, 'no-such-program')).toBeNull();
    expect(await client.query('symbolize', fault.rip, 'no-such-program')).toBeNull();
    expect(await client.query('lineOf', fault.rip)).toBeNull();
    expect(await client.query('symbolize', fault.rip)).toBeNull();
  });

  it('kernel addresses are looked up as before, whatever the program', async () => {
    const handler = new KernelSymbols(await client.query('input', 'kernel')).address('panic')!;
    const plain = await client.query('lineOf', handler);
    expect(plain?.file).toMatch(/^kernel\//);
    expect(await client.query('lineOf', handler, 'readkptr')).toEqual(plain);
    expect(await client.query('symbolize', handler, 'readkptr')).toBe(await client.query('symbolize', handler));
  });

  it('the page\'s view: the task shown on the faulting CPU names the program, and the source panel\'s call finds the line', async () => {
    const view = await SessionView.open('s1', 'readkptr.flt', client);
    const state = await view.stateAt(fault.t);
    const cpu = state.cpus.find((c) => c.cpu === fault.cpu)!;
    expect(cpu.task).toBe('readkptr');
    expect(cpu.where, 'the registers panel names the user function too').toMatch(/^main\+0x[0-9a-f]+$/);
    const info = await view.symbolInfo(hexAddr(fault.rip), cpu.task);
    expect(info).toMatchObject({ file: 'user/readkptr.c', symbol: 'main' });
    expect(info.offset).toBeGreaterThan(0);
    expect(await view.symbolInfo(hexAddr(fault.rip), null)).toMatchObject({ file: null, line: null, symbol: null });
  });

  it('the Code inspector labels the user instructions with readkptr\'s symbols and C lines', async () => {
    const r = await new Inspector(client, new SessionMachine(client)).inspect({ session: 's', t: fault.t, cpu: fault.cpu, addr: null });
    const current = r.disassembly.find((l) => l.current)!;
    expect(BigInt(current.addr)).toBe(fault.rip);
    expect(current.symbol).toMatch(/^main\+0x/);
    expect(current.file).toBe('user/readkptr.c');
    expect(current.source).toContain('req.out');
    expect(r.disassembly.filter((l) => l.symbol !== null).length).toBeGreaterThan(1);
  });
});
