// The one request for recording a scenario, shared by `faultline record` and the app's runs: it
// boots the guest build from the folder it is given (the desktop app passes its packaged copy),
// and a folder without a build is a clear error naming that folder.

import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuestBuildMissing, scenarioRecordRequest } from '../../main/scenario_recording.ts';
import { SOURCE_GUEST_BUILD } from '../../main/session/guest_build.ts';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';

const scenario = SCENARIOS[0]!;
const choice = { cpus: 3, cmdline: 'panic_on_oops=0', budget: 123_456 };

describe('scenarioRecordRequest', () => {
  it('boots the guest build of the folder it is given, with the choices made', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-guest-'));
    try {
      cpSync(SOURCE_GUEST_BUILD, dir, { recursive: true });
      const req = scenarioRecordRequest(scenario.id, choice, 'out.flt', dir);
      expect(Buffer.from(req.inputs.kernel).equals(readFileSync(join(dir, 'kernel.elf')))).toBe(true);
      expect(Buffer.from(req.inputs.initrd).equals(readFileSync(join(dir, 'initrd.img')))).toBe(true);
      expect(req.recipe.options).toMatchObject({ scenario: scenario.id, cpus: 3, cmdline: 'panic_on_oops=0' });
      expect(req.inputs.config).toMatchObject({ cpus: 3, cmdline: 'panic_on_oops=0', maxInstructions: 123_456 });
      expect(req.budget).toBe(123_456);
      expect(req.inputs.symbols.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the folder when it holds no guest build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-no-guest-'));
    try {
      const attempt = () => scenarioRecordRequest(scenario.id, choice, 'out.flt', dir);
      expect(attempt).toThrow(GuestBuildMissing);
      expect(attempt).toThrow(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a scenario the catalogue does not have', () => {
    expect(() => scenarioRecordRequest('no-such-scenario', choice, 'out.flt')).toThrow('unknown scenario "no-such-scenario"');
  });
});
