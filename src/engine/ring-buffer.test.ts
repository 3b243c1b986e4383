/** @module The ring: bounded, ordered, and every drop visible as a `lost N` marker at its place. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RingBuffer, type RingItem } from './ring-buffer.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('a full ring drops new records and reports them once, in place', async () => {
  const r = new RingBuffer<number>(2);
  assert.deepEqual([1, 2, 3, 4].map((n) => r.push(n)), [true, true, false, false]);
  assert.equal(r.shift()?.kind, 'record'); // reader takes 1: room for one more
  r.push(5);
  const got = await all(r.read());
  assert.deepEqual(got, [
    { kind: 'record', record: 2 },
    { kind: 'lost', count: 2 },
    { kind: 'record', record: 5 },
  ]);
  assert.equal(r.lost, 2);
});

test('a following reader waits for records and ends at close()', async () => {
  const r = new RingBuffer<string>(4);
  const reading = all(r.read({ follow: true }));
  r.push('a');
  await Promise.resolve();
  r.push('b');
  r.close();
  assert.deepEqual(await reading, [
    { kind: 'record', record: 'a' },
    { kind: 'record', record: 'b' },
  ]);
});

test('records read + lost counted = records pushed, for any interleaving of pushes and reads', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.boolean(), { maxLength: 200 }), (cap, ops) => {
      const r = new RingBuffer<number>(cap);
      const read: RingItem<number>[] = [];
      let pushed = 0;
      for (const isPush of ops) {
        if (isPush) r.push(pushed++);
        else {
          const it = r.shift();
          if (it !== undefined) read.push(it);
        }
      }
      read.push(...r.drain());
      const records = read.filter((x) => x.kind === 'record').length;
      const lost = read.reduce((n, x) => n + (x.kind === 'lost' ? x.count : 0), 0);
      const inOrder = read.flatMap((x) => (x.kind === 'record' ? [x.record] : [])).every((v, i, a) => i === 0 || v > a[i - 1]!);
      return records + lost === pushed && lost === r.lost && inOrder;
    }),
  );
});

test('long runs of reads and writes keep order and counts (exercises the head compaction)', () => {
  const r = new RingBuffer<number>(5000);
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 3000; i++) r.push(next++);
    for (let i = 0; i < 2500; i++) {
      const it = r.shift();
      if (it?.kind === 'record') assert.equal(it.record, expect++);
      else if (it?.kind === 'lost') expect += it.count;
    }
  }
  const rest = r.drain();
  for (const it of rest) {
    if (it.kind === 'record') assert.equal(it.record, expect++);
    else expect += it.count;
  }
  assert.equal(expect, next);
  assert.equal(r.size, 0);
});
