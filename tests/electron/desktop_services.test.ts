// The services as the desktop app creates them: runs recorded in the emulator host process (a
// Node child process standing in for Electron's utilityProcess around the real entry), booting
// the guest build from the folder the app names. A run started from the page goes through that
// process and ends in a session the page can open; a folder without a build fails the run with
// an error naming it, and the app goes on.

import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../preload/api.ts';
import { EmulatorHostClient } from '../../main/electron/emulator_host_client.ts';
import { SOURCE_GUEST_BUILD } from '../../main/session/guest_build.ts';
import { createServices, type Services } from '../../main/services.ts';
import { findScenario } from '../../emulator/scenarios/catalogue.ts';
import { tempDir } from './fixtures/recorded_run.ts';
import { spawnStandInHost } from './fixtures/stand_in_host.ts';

const children: ChildProcess[] = [];
const open: Services[] = [];

/** createServices as desktop_app.ts calls it, the utility process replaced by a Node child. */
function desktopServices(guestBuildDir: string): { services: Services; host: EmulatorHostClient } {
  const host = new EmulatorHostClient(() => spawnStandInHost(children));
  const services = createServices({ libraryDir: tempDir(), mode: 'electron', record: (req) => host.record(req), guestBuildDir });
  open.push(services);
  return { services, host };
}

function runToEnd(services: Services, start: () => Promise<RunProgress>): Promise<RunProgress> {
  return new Promise((resolve, reject) => {
    const off = services.onRun((p) => {
      if (p.phase === 'running' || p.phase === 'paused') return;
      off();
      resolve(p);
    });
    start().catch(reject);
  });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const c of children.splice(0)) c.kill();
});

describe('the desktop app’s services', () => {
  it('record a scenario in the emulator host process, from the guest build the app names, and open it', async () => {
    const guest = mkdtempSync(join(tmpdir(), 'faultline-app-guest-'));
    cpSync(SOURCE_GUEST_BUILD, guest, { recursive: true });
    const { services, host } = desktopServices(guest);
    const scenario = findScenario('null-deref-user')!;
    const end = await runToEnd(services, () => services.startRun({ scenarioId: scenario.id, cmdline: scenario.cmdline, cpus: scenario.cpus, budget: scenario.budget }));
    expect(end.error).toBeNull();
    expect(children).toHaveLength(1);
    expect(end.session?.events).toBeGreaterThan(0);
    expect(end.session?.scenarioId).toBe(scenario.id);
    expect((await services.recentSessions()).map((r) => r.name)).toEqual([end.session!.name]);
    host.dispose();
  });

  it('say which folder lacks the guest build, and take the next run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'faultline-app-no-guest-'));
    const { services } = desktopServices(empty);
    const scenario = findScenario('null-deref-user')!;
    await expect(services.startRun({ scenarioId: scenario.id, cmdline: scenario.cmdline, cpus: scenario.cpus, budget: 1_000_000 }))
      .rejects.toThrow(`the guest kernel build in ${empty} cannot be read`);
    expect(children).toHaveLength(0);
    expect(await services.scenarios()).not.toEqual([]);
  });
});
