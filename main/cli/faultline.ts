// The `faultline` command: record runs and read session files from a terminal, through the same
// services as the app (no Electron). Every failure is one line on stderr and a non-zero status.

import { CliError } from './cli_error.ts';
import { processOutput, type Output } from './output.ts';
import { listCommand } from './list_command.ts';
import { recordCommand } from './record_command.ts';
import { reportCommand } from './report_command.ts';
import { eventsCommand } from './events_command.ts';
import { stateCommand } from './state_command.ts';
import { exportCommand } from './export_command.ts';
import { verifyCommand } from './verify_command.ts';

const USAGE = `usage: faultline <command> [arguments]
  list                                   the runs record knows
  record <scenario> [--out FILE] [--cpus N] [--cmdline "..."] [--max-instructions N]
  report FILE                            outcome, oops/panic text, exception chain, last events
  events FILE [--kind K,...] [--cpu N] [--from T] [--to T] [--limit N] [--json]
  state FILE --at T [--json]             the machine at instant T (time travel)
  export FILE --format chrome-json|report --out X
  verify FILE                            check and decode the whole file
`;

const COMMANDS: Record<string, (args: string[], io: Output) => Promise<void>> = {
  list: listCommand, record: recordCommand, report: reportCommand, events: eventsCommand,
  state: stateCommand, export: exportCommand, verify: verifyCommand,
};

/** Runs one command line; returns the exit status. */
export async function main(argv: string[], io: Output = processOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`faultline: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    await command(args, io);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`faultline ${e.message}\n`);
      return e.status;
    }
    // Not one of ours: still one line, never a stack trace.
    io.err(`faultline ${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    return 1;
  }
}
