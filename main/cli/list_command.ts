import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import { parse } from './cli_error.ts';
import type { Output } from './output.ts';

/** faultline list: the scenario catalogue. */
export async function listCommand(args: string[], io: Output): Promise<void> {
  parse('list', args, {}, []);
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  for (const s of SCENARIOS) io.out(`${s.id.padEnd(width)}  ${s.title}\n`);
}
