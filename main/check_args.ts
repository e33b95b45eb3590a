// Checks for values that arrive from a page (over IPC or the WebSocket) before the services use
// them: types, ranges, lengths. A failed check is an Error naming the argument, sent back to the
// caller as the call's failure.

function bad(name: string, what: string): never {
  throw new Error(`bad argument ${name}: ${what}`);
}

export function obj(v: unknown, name: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(name, 'not an object');
  return v as Record<string, unknown>;
}

export function str(v: unknown, name: string, maxLength: number): string {
  if (typeof v !== 'string') bad(name, 'not a string');
  if (v.length > maxLength) bad(name, `longer than ${maxLength}`);
  return v;
}

/** An optional string: null when absent (undefined or null). */
export function optionalStr(v: unknown, name: string, maxLength: number): string | null {
  return v === undefined || v === null ? null : str(v, name, maxLength);
}

export function num(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(name, 'not a finite number');
  return v;
}

export function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(name, `not an integer in [${min}, ${max}]`);
  return v;
}

export function oneOf<T extends string | number>(v: unknown, name: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) bad(name, `not one of ${allowed.join(', ')}`);
  return v as T;
}

export function bytes(v: unknown, name: string, maxLength: number): Uint8Array {
  if (!(v instanceof Uint8Array)) bad(name, 'not bytes');
  if (v.length > maxLength) bad(name, `larger than ${maxLength} bytes`);
  return v;
}

/** A time range query: t0 < t1, resolution > 0. */
export function range(q: unknown): { session: string; t0: number; t1: number; resolution: number } {
  const r = obj(q, 'query');
  const t0 = num(r.t0, 't0');
  const t1 = num(r.t1, 't1');
  if (!(t1 > t0)) bad('t1', 'not after t0');
  const resolution = num(r.resolution, 'resolution');
  if (!(resolution > 0)) bad('resolution', 'not positive');
  return { session: str(r.session, 'session', 64), t0, t1, resolution };
}
