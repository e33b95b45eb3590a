// A scenario recorded on the emulated machine from the committed guest image, once per test
// file, exactly as the app's Run button records it; opened with the session layer's client.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findScenario } from '../../emulator/scenarios/catalogue.ts';
import { record } from '../../main/emulator_host/host.ts';
import { scenarioRecordRequest } from '../../main/scenario_recording.ts';
import { SessionClient } from '../../main/session/session_client.ts';

export async function openRecording(scenarioId: string): Promise<SessionClient> {
  const s = findScenario(scenarioId);
  if (s === undefined) throw new Error(`no scenario ${scenarioId}`);
  const out = join(mkdtempSync(join(tmpdir(), 'faultline-present-')), `${scenarioId}.flt`);
  const done = await record(scenarioRecordRequest(s.id, s, out)).done;
  return SessionClient.open(done.path);
}
