import { sessionReport } from '../session/report.ts';
import { parse } from './cli_error.ts';
import { withSession } from './open_for_cli.ts';
import type { Output } from './output.ts';

/** faultline report FILE: outcome, oops/panic text, exception chain, last events, console. */
export async function reportCommand(args: string[], io: Output): Promise<void> {
  const { positionals } = parse('report', args, {}, ['file']);
  io.out(await withSession('report', positionals[0]!, sessionReport));
}
