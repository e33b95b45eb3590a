import { EVENT_KIND_NAMES } from '../../emulator/machine/events.ts';
import { eventJson, formatEvent } from '../session/format_event.ts';
import { CliError, intOption, parse } from './cli_error.ts';
import { withSession } from './open_for_cli.ts';
import type { Output } from './output.ts';

const PAGE = 10000;

/** faultline events FILE [--kind K,...] [--cpu N] [--from T] [--to T] [--limit N] [--json] */
export async function eventsCommand(args: string[], io: Output): Promise<void> {
  const { values, positionals } = parse('events', args, {
    kind: { type: 'string' }, cpu: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean' },
  }, ['file']);
  const known = Object.values(EVENT_KIND_NAMES);
  const kinds = values.kind?.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const k of kinds ?? []) {
    if (!known.includes(k)) throw new CliError(`events: unknown kind "${k}" (kinds: ${known.join(', ')})`, 2);
  }
  const cpu = intOption('events', 'cpu', values.cpu, 0, 255);
  const from = intOption('events', 'from', values.from, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const to = intOption('events', 'to', values.to, 0, Number.MAX_SAFE_INTEGER);
  const limit = intOption('events', 'limit', values.limit, 1, Number.MAX_SAFE_INTEGER) ?? Infinity;
  await withSession('events', positionals[0]!, async (client) => {
    const symbols = new Map<bigint, string | null>();
    let printed = 0;
    let cursor = from;
    let lastSeq = -1;
    while (printed < limit) {
      const page = await client.query('events', {
        ...(kinds ? { kinds } : {}), ...(cpu !== undefined ? { cpus: [cpu] } : {}), from: cursor, ...(to !== undefined ? { to } : {}),
        limit: PAGE,
      });
      const fresh = page.filter((e) => e.seq > lastSeq);
      if (!values.json) {
        const unknown = [...new Set(fresh.flatMap((e) => Object.values(e).filter((v): v is bigint => typeof v === 'bigint' && !symbols.has(v))))];
        for (let i = 0; i < unknown.length; i += 10000) {
          const names = await client.query('symbolizeAll', unknown.slice(i, i + 10000));
          names.forEach((n, k) => symbols.set(unknown[i + k]!, n));
        }
      }
      for (const e of fresh) {
        if (printed >= limit) break;
        io.out((values.json ? JSON.stringify(eventJson(e)) : formatEvent(e, (a) => symbols.get(a) ?? null)) + '\n');
        printed++;
      }
      if (page.length < PAGE || fresh.length === 0) break;
      cursor = page[page.length - 1]!.t;
      lastSeq = page[page.length - 1]!.seq;
    }
  });
}
