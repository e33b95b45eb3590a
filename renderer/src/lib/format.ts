// Text for machine values. Virtual time is in ticks (1 tick = 1 ns, one instruction retired).

export function formatTicks(t: number): string {
  const a = Math.abs(t);
  if (a >= 1e9) return `${(t / 1e9).toFixed(3)} s`;
  if (a >= 1e6) return `${(t / 1e6).toFixed(3)} ms`;
  if (a >= 1e3) return `${(t / 1e3).toFixed(2)} µs`;
  return `${Math.round(t)} ns`;
}

/** Exact tick count with thousands separators, for the playhead readout. */
export function formatTickCount(t: number): string {
  return Math.round(t).toLocaleString('en-US');
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
