// The deriver in its own thread: takes copies of the batches the recorder stores, derives spans,
// summaries and flows, and hands them back encoded (derived_chunks.ts) for the recorder's next
// commit. Deriving is the larger half of recording; here it runs beside the SQLite writes.

import { workerData, type MessagePort } from 'node:worker_threads';
import { Deriver } from './derive.ts';
import { encodeDerived } from './derived_chunks.ts';
import type { DeriverMessage, DeriverReport } from './recorder_protocol.ts';

const { port } = workerData as { port: MessagePort };
const deriver = new Deriver();
const send = (r: DeriverReport) => port.postMessage(r);

/** Rows are handed over after this many events, or when the recorder asks (it commits). */
const HAND_OVER_EVENTS = 65536;
let sinceHandOver = 0;

function handOver(): void {
  send({ type: 'derived', chunks: encodeDerived(deriver.drain(), deriver.provisional()) });
  sinceHandOver = 0;
}

port.on('message', (m: DeriverMessage) => {
  switch (m.type) {
    case 'batch':
      deriver.consume(m);
      sinceHandOver += m.count;
      if (sinceHandOver >= HAND_OVER_EVENTS) handOver();
      break;
    case 'hand-over':
      if (sinceHandOver > 0) handOver();
      break;
    case 'finish':
      send({ type: 'finished', last: encodeDerived(deriver.finish(), null), facts: deriver.facts });
      port.close();
      break;
  }
});
