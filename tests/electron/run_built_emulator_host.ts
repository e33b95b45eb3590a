// Runs the built emulator host utility process (out/main/emulator_host_process.js) outside
// Electron, in a Node child process standing in for utilityProcess, and records a scenario on
// the real machine and kernel through it: the worker chunks, the machine builder chunk named by
// the built recipe, and the protocol all as the packaged app has them. Then reads the file back.
// Run by `npm run check:electron` after the build.

import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import type { HostReply, HostRequest } from '../../main/electron/emulator_host_protocol.ts';
import type { MachineRecipe } from '../../main/emulator_host/machine_recipe.ts';
import { scenarioRecordRequest } from '../../main/scenario_recording.ts';
import { SessionReader } from '../../main/session/reader.ts';

const MAIN = resolve('out/main');
const BUDGET = 3_000_000;

/** The built chunk exporting the scenario machine's recipe (its module URL rewritten by the build). */
async function builtRecipe(): Promise<MachineRecipe> {
  const chunks = join(MAIN, 'chunks');
  const file = readdirSync(chunks).find((f) => /\bas SCENARIO_MACHINE_RECIPE\b/.test(readFileSync(join(chunks, f), 'utf8')) && /^export \{/m.test(readFileSync(join(chunks, f), 'utf8')));
  if (file === undefined) throw new Error('no built chunk exports SCENARIO_MACHINE_RECIPE');
  const mod = (await import(pathToFileURL(join(chunks, file)).href)) as { SCENARIO_MACHINE_RECIPE: Omit<MachineRecipe, 'options'> };
  return { ...mod.SCENARIO_MACHINE_RECIPE, options: null };
}

async function main(): Promise<void> {
  const scenario = SCENARIOS[0]!;
  const out = join(mkdtempSync(join(tmpdir(), 'faultline-built-host-')), 'run.flt');
  const recipe = await builtRecipe();
  if (!recipe.module.endsWith('.js')) throw new Error(`the built recipe still names ${recipe.module}`);
  // The app's request, with the machine built by the bundle's own chunk.
  const req = scenarioRecordRequest(scenario.id, { ...scenario, budget: BUDGET }, out);
  const request: HostRequest = { type: 'record', id: 1, request: { ...req, recipe: { ...recipe, options: req.recipe.options } } };

  const child = fork(resolve('tests/electron/fixtures/utility_process_stand_in.mjs'), [join(MAIN, 'emulator_host_process.js')], {
    serialization: 'advanced', stdio: 'inherit',
  });
  const end = await new Promise<HostReply>((done, fail) => {
    child.on('message', (reply: HostReply) => reply.type !== 'progress' && done(reply));
    child.on('exit', (code) => fail(new Error(`the emulator host exited (${code}) before the run ended`)));
    child.send(request);
  });
  child.disconnect();
  if (end.type !== 'done') throw new Error(`the built emulator host failed: ${end.type === 'failed' ? end.message : end.type}`);

  const reader = SessionReader.open(out);
  const events = reader.info().events;
  reader.close();
  if (events === 0 || events !== end.result.events) throw new Error(`the recording holds ${events} events, the host reported ${end.result.events}`);
  console.log(`built emulator host: recorded ${scenario.id} (${events} events, ${end.result.instructions} instructions)`);
}

await main();
