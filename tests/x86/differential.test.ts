// The CPU core against the host's own x86-64 CPU: every form in forms.ts runs with generated
// operands on the host (host_runner.c) and in the emulator, and all 16 GPRs, the defined
// arithmetic flags and DF, the memory window and a hash of the rest of memory must agree.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REG_NAMES } from '../../emulator/x86/cpu.ts';
import { runOnEmulator } from './emu.ts';
import { FORMS } from './forms.ts';
import { Ctx, Rng } from './gen.ts';
import { buildHostRunner, type Case, hostUnavailable, makeTempDir, type Outcome, runOnHost } from './host.ts';

const SEED = Number(process.env.X86_SEED ?? 20261126);
const PER_FORM = Number(process.env.X86_CASES ?? 16);
/** Only the forms whose name matches this regular expression (all by default). */
const ONLY = new RegExp(process.env.X86_FORMS ?? '');

const skip = hostUnavailable();

interface Gen { form: string; c: Case; flagMask: number }

function generate(): Gen[] {
  const rng = new Rng(SEED);
  const out: Gen[] = [];
  for (const f of FORMS) {
    if (!ONLY.test(f.name)) continue;
    for (let k = 0; k < PER_FORM; k++) {
      const ctx = new Ctx(rng);
      f.gen(ctx);
      out.push({ form: f.name, c: ctx.toCase(), flagMask: ctx.flagMask });
    }
  }
  return out;
}

const hex = (v: bigint): string => '0x' + v.toString(16);
const bytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Describes how the emulator's outcome differs from the host's, or returns undefined. */
export function diff(g: Gen, host: Outcome, emu: Outcome): string | undefined {
  const d: string[] = [];
  if (host.status !== emu.status) d.push(`status host ${host.status} emu ${emu.status}`);
  else if (host.status === 0) {
    for (let r = 0; r < 16; r++) if (host.regs[r] !== emu.regs[r]) d.push(`${REG_NAMES[r]} host ${hex(host.regs[r]!)} emu ${hex(emu.regs[r]!)}`);
    const hf = Number(host.rflags) & g.flagMask, ef = Number(emu.rflags) & g.flagMask;
    if (hf !== ef) d.push(`rflags host ${hex(BigInt(hf))} emu ${hex(BigInt(ef))} (mask ${hex(BigInt(g.flagMask))})`);
    for (let k = 0; k < host.window.length; k++) {
      if (host.window[k] !== emu.window[k]) { d.push(`window+${k} host ${host.window[k]} emu ${emu.window[k]}`); break; }
    }
    if (host.outsideHash !== emu.outsideHash) d.push('memory outside the window differs');
  }
  if (d.length === 0) return undefined;
  const inRegs = g.c.regs.map((v, r) => `${REG_NAMES[r]}=${hex(v)}`).join(' ');
  return `${g.form}: [${bytes(g.c.code)}] ${d.join('; ')}\n    in: ${inRegs} rflags=${hex(g.c.rflags)}`;
}

describe.skipIf(skip !== undefined)(`x86 core vs the host CPU${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let runner: string;
  beforeAll(() => {
    tmp = makeTempDir();
    runner = buildHostRunner(tmp.dir);
  });
  afterAll(() => tmp?.dispose());

  it('agrees on every generated case of every form', () => {
    const gens = generate();
    const host = runOnHost(runner, gens.map((g) => g.c));
    const failures: string[] = [];
    const failedForms = new Map<string, number>();
    const hostFaulted: string[] = [];
    let hostFaults = 0;
    for (let k = 0; k < gens.length; k++) {
      const g = gens[k]!;
      if (host[k]!.status !== 0) { hostFaults++; hostFaulted.push(`${g.form} [${bytes(g.c.code)}] signal ${host[k]!.status}`); }
      const msg = diff(g, host[k]!, runOnEmulator(g.c));
      if (msg) {
        const n = failedForms.get(g.form) ?? 0;
        failedForms.set(g.form, n + 1);
        if (n < 2) failures.push(msg);
      }
    }
    console.log(`x86 differential: ${new Set(gens.map((g) => g.form)).size} forms, ${gens.length} cases compared (seed ${SEED}), ` +
      `${[...failedForms.values()].reduce((a, b) => a + b, 0)} mismatches in ${failedForms.size} forms, ${hostFaults} cases faulted on the host`);
    if (failures.length) console.log(failures.slice(0, 80).join('\n'));
    if (failedForms.size) console.log('failing forms: ' + [...failedForms].map(([f, n]) => `${f} (${n})`).join(', '));
    if (hostFaulted.length) console.log('host faults:\n' + hostFaulted.slice(0, 20).join('\n'));
    expect(hostFaults, 'generated cases should not fault on the host').toBe(0);
    expect(failures.length).toBe(0);
  });
});
