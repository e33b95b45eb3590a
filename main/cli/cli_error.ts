// Errors the CLI reports as one line and an exit status, never as a stack trace.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export class CliError extends Error {
  /** 2: the command line is wrong; 1: the command could not do its work. */
  constructor(message: string, readonly status: 1 | 2 = 1) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs with its errors turned into usage errors that name the command. */
export function parse<O extends Options>(command: string, args: string[], options: O, positionals: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
    throw new CliError(`${command}: ${message}`, 2);
  }
  if (parsed.positionals.length !== positionals.length) {
    const usage = positionals.map((p) => `<${p}>`).join(' ');
    throw new CliError(`${command}: expected ${usage || 'no arguments'}, got ${parsed.positionals.length === 0 ? 'none' : parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}`, 2);
  }
  return parsed;
}

/** A whole number option in [min, max]. */
export function intOption(command: string, name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`${command}: --${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`, 2);
  }
  return n;
}
