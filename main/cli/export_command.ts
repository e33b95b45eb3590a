import { writeFileSync } from 'node:fs';
import { exportChromeTrace } from '../session/export_chrome.ts';
import { sessionReport } from '../session/report.ts';
import { CliError, parse } from './cli_error.ts';
import { withSession } from './open_for_cli.ts';
import type { Output } from './output.ts';

const FORMATS = ['chrome-json', 'report'] as const;

/** faultline export FILE --format chrome-json|report --out X */
export async function exportCommand(args: string[], io: Output): Promise<void> {
  const { values, positionals } = parse('export', args, { format: { type: 'string' }, out: { type: 'string' } }, ['file']);
  const format = values.format;
  if (!format || !(FORMATS as readonly string[]).includes(format)) throw new CliError(`export: --format must be one of ${FORMATS.join(', ')}`, 2);
  if (!values.out) throw new CliError('export: --out X is required', 2);
  const out = values.out;
  await withSession('export', positionals[0]!, async (client) => {
    try {
      if (format === 'report') {
        writeFileSync(out, await sessionReport(client));
        io.out(`${out}: panic report written\n`);
      } else {
        const { traceEvents } = await exportChromeTrace(client, out);
        io.out(`${out}: ${traceEvents} trace events (open it in ui.perfetto.dev)\n`);
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new CliError(`export: cannot write ${out} (${code})`);
      throw e;
    }
  });
}
