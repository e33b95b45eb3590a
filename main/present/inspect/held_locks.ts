// The locks each CPU holds at an instant, read from the derived lock spans (a held span runs from
// LOCK_ACQUIRED to LOCK_RELEASE): one small query however long the recording, where replaying the
// lock tracepoints from the start would read them all.

import type { HeldLock } from '../../../preload/inspect_api.ts';
import { LockState, TrackKind } from '../../session/schema.ts';
import type { SessionClient } from '../../session/session_client.ts';
import { hexAddr } from '../session_view.ts';

/** Held at t: taken at or before t and not yet released; per CPU in the order taken. */
export async function locksHeldAt(client: SessionClient, t: number): Promise<HeldLock[]> {
  const tracks = (await client.query('tracks')).filter((tr) => tr.kind === TrackKind.Lock);
  if (tracks.length === 0) return [];
  const [answers, locks] = await Promise.all([client.query('spans', t, t + 1, 1, tracks.map((tr) => tr.id)), client.query('locks')]);
  const byId = new Map(tracks.map((tr) => [tr.id, tr]));
  const names = new Map(locks.map((l) => [l.addr, l.name]));
  const held: HeldLock[] = [];
  for (const answer of answers) {
    const track = byId.get(answer.track);
    if (!track || answer.level !== null) continue;
    for (const s of answer.spans) {
      if (s.state !== LockState.Held || s.t0 > t || s.t1 <= t) continue;
      const addr = BigInt.asUintN(64, BigInt(track.lockAddr));
      held.push({ cpu: track.cpu, addr: hexAddr(addr), name: names.get(track.lockAddr) || `lock ${addr.toString(16)}`, since: s.t0 });
    }
  }
  return held.sort((a, b) => a.cpu - b.cpu || a.since - b.since);
}
