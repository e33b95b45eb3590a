// Real recordings for the browser tests: the scenario's command line run on the emulated machine
// from the committed guest image, through the emulator host and recorder, exactly as the app's
// Run button does (main/run_manager.ts). Each scenario is recorded once per test process.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findScenario } from '../../emulator/scenarios/catalogue.ts';
import { record } from '../../main/emulator_host/host.ts';
import { scenarioRecordRequest } from '../../main/scenario_recording.ts';

const made = new Map<string, Promise<string>>();
let dir: string | null = null;

export function recordingOf(scenarioId: string): Promise<string> {
  let p = made.get(scenarioId);
  if (p === undefined) {
    const s = findScenario(scenarioId);
    if (s === undefined) throw new Error(`no scenario ${scenarioId}`);
    if (dir === null) {
      const fresh = mkdtempSync(join(tmpdir(), 'faultline-recordings-'));
      process.once('exit', () => rmSync(fresh, { recursive: true, force: true }));
      dir = fresh;
    }
    const out = join(dir, `${scenarioId}.flt`);
    p = record(scenarioRecordRequest(s.id, s, out)).done.then((r) => r.path);
    made.set(scenarioId, p);
  }
  return p;
}
