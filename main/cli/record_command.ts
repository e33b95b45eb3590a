import { statSync } from 'node:fs';
import { EVENT_KIND_NAMES } from '../../emulator/machine/events.ts';
import { record } from '../emulator_host/host.ts';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import { GuestBuildMissing, scenarioRecordRequest } from '../scenario_recording.ts';
import { SOURCE_GUEST_BUILD } from '../session/guest_build.ts';
import { describeOutcome } from '../session/outcome.ts';
import { TRACE_TYPE_NAMES } from '../session/derive.ts';
import { CliError, intOption, parse } from './cli_error.ts';
import type { Output } from './output.ts';

/** faultline record <scenario> [--out FILE] [--cpus N] [--cmdline "..."] [--max-instructions N] */
export async function recordCommand(args: string[], io: Output): Promise<void> {
  const { values, positionals } = parse('record', args, {
    out: { type: 'string' }, cpus: { type: 'string' }, cmdline: { type: 'string' }, 'max-instructions': { type: 'string' },
  }, ['scenario']);
  const id = positionals[0]!;
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new CliError(`record: unknown scenario "${id}" (faultline list shows them)`, 2);
  const cpus = intOption('record', 'cpus', values.cpus, 1, 8) ?? scenario.cpus;
  const budget = intOption('record', 'max-instructions', values['max-instructions'], 1, Number.MAX_SAFE_INTEGER) ?? scenario.budget;
  const cmdline = values.cmdline ?? scenario.cmdline;
  const out = values.out ?? `${id}.flt`;
  let request;
  try {
    request = scenarioRecordRequest(id, { cpus, cmdline, budget }, out, SOURCE_GUEST_BUILD);
  } catch (e) {
    throw new CliError(`record: ${e instanceof Error ? e.message : String(e)}${e instanceof GuestBuildMissing ? '; run npm run guest:build' : ''}`);
  }
  let lastDraw = 0;
  const recording = record({
    ...request,
    onProgress: (p) => {
      const now = performance.now();
      if (!io.tty || now - lastDraw < 100) return;
      lastDraw = now;
      io.err(`\r  ${(p.instructions / 1e6).toFixed(1)}M instructions  t=${p.t}  ${p.events} events (${p.committed} saved)   `);
    },
  });
  const stop = () => recording.stop();
  process.once('SIGINT', stop);
  let result;
  try {
    result = await recording.done;
  } catch (e) {
    throw new CliError(`record: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    process.off('SIGINT', stop);
    if (io.tty) io.err('\r\x1b[K');
  }
  const { stats } = result;
  const mips = result.instructions / Math.max(1, result.emulationMs) / 1000;
  io.out(`${out}: ${describeOutcome(result.outcome)}\n`);
  io.out(`  ${result.instructions} instructions, virtual time ${stats.tLast} ticks, ${mips.toFixed(1)} MIPS\n`);
  io.out(`  ${stats.events} events, file ${statSync(out).size} bytes\n`);
  const kinds = Object.entries(stats.byKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${EVENT_KIND_NAMES[Number(k)] ?? k} ${n}`);
  io.out(`  by kind: ${kinds.join(', ')}\n`);
  const traces = Object.entries(stats.byTrace).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${TRACE_TYPE_NAMES[Number(k)] ?? k} ${n}`);
  if (traces.length > 0) io.out(`  tracepoints: ${traces.join(', ')}\n`);
}
