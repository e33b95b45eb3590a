// The page walk on the kernel's own protections, rebuilt from real recordings: the bit that
// refuses a write to .rodata (R/W=0 with CR0.WP) and a jump into data (XD=1), named at the level
// whose entry holds it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inspector } from '../../main/present/inspect/inspector.ts';
import { SessionMachine } from '../../main/present/session_machine.ts';
import type { SessionClient } from '../../main/session/session_client.ts';
import { openRecording } from './recorded_scenario.ts';

describe('the page walk names the refusing bit', () => {
  let writeRo: SessionClient, nx: SessionClient;
  beforeAll(async () => {
    [writeRo, nx] = await Promise.all([openRecording('write-ro'), openRecording('nx')]);
  });
  afterAll(async () => {
    await Promise.all([writeRo.close(), nx.close()]);
  });

  async function walkAtFault(client: SessionClient) {
    const fault = (await client.query('events', { kinds: ['exception'], limit: 1 }))[0]!;
    const r = await new Inspector(client, new SessionMachine(client)).inspect({ session: 's', t: fault.t, cpu: fault.cpu, addr: null });
    return r.walk!;
  }

  it('write-ro: a supervisor write to a present read-only page, refused by R/W=0', async () => {
    const w = await walkAtFault(writeRo);
    expect(w).toMatchObject({ access: 'write', user: false, phys: null });
    expect(w.reason).toBe('the page is read-only (R/W=0) and CR0.WP=1');
    expect(w.levels.some((l) => l.denies === 'R/W')).toBe(true);
    expect(w.levels.every((l) => l.flags.find((f) => f.name === 'P')!.set)).toBe(true);
  });

  it('nx: an instruction fetch from a data page, refused by XD=1', async () => {
    const w = await walkAtFault(nx);
    expect(w).toMatchObject({ access: 'fetch', user: false, phys: null });
    expect(w.reason).toBe('the page is execute-disabled (XD=1)');
    const denying = w.levels.filter((l) => l.denies === 'XD');
    expect(denying.length).toBeGreaterThan(0);
    expect(denying.every((l) => l.flags.find((f) => f.name === 'XD')!.set)).toBe(true);
  });
});
