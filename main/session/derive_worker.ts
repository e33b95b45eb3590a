// The deriver in its own thread: takes copies of the batches the recorder stores, derives spans,
// summaries and flows, and hands them back encoded (derived_chunks.ts) for the recorder's next
// commit. Deriving is the larger half of recording; here it runs beside the SQLite writes.

import { workerData, type MessagePort } from 'node:worker_threads';
import { Deriver } from './derive.ts';
import type { DeriverMessage, DeriverReport } from './recorder_protocol.ts';

const { port } = workerData as { port: MessagePort };
const deriver = new Deriver();
const send = (r: DeriverReport) => port.postMessage(r);

/** Rows go to the recorder when it asks, just before it commits. */
function handOver(): void {
  send({ type: 'derived', chunks: deriver.handOver() });
}

port.on('message', (m: DeriverMessage) => {
  switch (m.type) {
    case 'batch':
      deriver.consume(m);
      break;
    case 'hand-over':
      handOver();
      break;
    case 'finish':
      send({ type: 'finished', last: deriver.handOverLast(), facts: deriver.facts });
      port.close();
      break;
  }
});
