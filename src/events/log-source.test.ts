/** @module chunkSource: records across chunk boundaries (UTF-8 too), output after each chunk, and a stop that closes the reader. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkSource } from './log-source.js';
import { LogStream, type LogItem } from './log-stream.js';

const LINE = 'type=SECCOMP msg=audit(1796412198.362:5): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=1 comm="é" exe="/bin/t" sig=0 arch=c000003e syscall=110 compat=0 ip=0x1 code=0x7ffc0000\n';

test('a record cut across chunks, even inside a UTF-8 character, is read once; afterChunk follows each chunk', async () => {
  const bytes = new TextEncoder().encode(LINE + LINE);
  const cut = LINE.indexOf('é') + 1; // between the two bytes of é
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield bytes.subarray(0, cut);
    yield bytes.subarray(cut, cut + 40);
    yield bytes.subarray(cut + 40);
  }
  const items: LogItem[] = [];
  const seenAt: number[] = [];
  const stream = new LogStream((i) => items.push(i));
  // comm as the record holds it when the line comes whole; the é must survive the cut.
  let comm: string | undefined;
  new LogStream((i) => void (comm = i.record.fields['comm'])).push(LINE);
  assert.match(comm ?? '', /é/);
  await chunkSource(chunks(), () => seenAt.push(items.length))(stream, { follow: false });
  assert.equal(items.length, 2);
  assert.deepEqual(items.map((i) => i.record.fields['comm']), [comm, comm]);
  assert.deepEqual(seenAt, [0, 0, 2]);
  assert.equal(stream.stats.bad, 0);
});

test('abort ends the read at once and closes the iterator, though no chunk ever comes', async () => {
  let closed = false;
  const never: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<Uint8Array>>(() => {}),
      return: async () => {
        closed = true;
        return { done: true, value: undefined };
      },
    }),
  };
  const ac = new AbortController();
  const read = chunkSource(never)(new LogStream(() => {}), { follow: true, signal: ac.signal });
  ac.abort();
  await read;
  assert.equal(closed, true);
});
