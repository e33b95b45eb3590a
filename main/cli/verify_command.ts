import { CliError, parse } from './cli_error.ts';
import { withSession } from './open_for_cli.ts';
import type { Output } from './output.ts';

/** faultline verify FILE: the full integrity check and a decode of everything in the file. */
export async function verifyCommand(args: string[], io: Output): Promise<void> {
  const { positionals } = parse('verify', args, {}, ['file']);
  const path = positionals[0]!;
  const report = await withSession('verify', path, (client) => client.query('verify'), { check: 'full', queryTimeoutMs: 600000 });
  for (const note of report.notes) io.out(`note: ${note}\n`);
  io.out(`${report.events} events in ${report.eventChunks} chunks, ${report.spans} spans, ${report.summaries} summary rows, ${report.flows} flows, ${report.checkpoints} checkpoints\n`);
  if (!report.ok) {
    for (const p of report.problems) io.out(`problem: ${p}\n`);
    throw new CliError(`verify: ${path} is damaged (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})`);
  }
  io.out(`${path}: ok\n`);
}
