import { parse } from './cli_error.ts';
import type { Output } from './output.ts';
import { SCENARIOS } from './scenarios.ts';

/** faultline list: the runs `record` knows. */
export async function listCommand(args: string[], io: Output): Promise<void> {
  parse('list', args, {}, []);
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  for (const s of SCENARIOS) {
    io.out(`${s.id.padEnd(width)}  ${s.title} (${s.cpus} CPUs${s.cmdline ? `, ${JSON.stringify(s.cmdline)}` : ''})\n`);
  }
}
