/** @module Tests of the line stream: chunking, counting, suppressed and lost records, garbage and binary input. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogStream, MAX_LINE, type LogItem } from './log-stream.js';

const REC = 'audit: type=1326 audit(1796418971.165:19): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12260 comm=6120622263 exe="/usr/bin/python3.11" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7fadfca7b4f7 code=0x7ffc0000';

function run(chunks: readonly string[]): { items: LogItem[]; s: LogStream } {
  const items: LogItem[] = [];
  const s = new LogStream((i) => items.push(i));
  for (const c of chunks) s.push(c);
  s.end();
  return { items, s };
}

test('counts records, other lines, cut records, and reads a last line without newline', () => {
  const { items, s } = run([`${REC}\nhello\n${REC.slice(0, 150)}\n${REC}`]);
  assert.equal(items.length, 2);
  assert.deepEqual(s.stats, { lines: 4, records: 2, config: 0, other: 1, bad: 1, suppressed: 0, lost: 0, overruns: 0 });
  assert.equal(s.badSamples[0], REC.slice(0, 150));
});

test('sums "callbacks suppressed" and counts kmsg sequence gaps as lost', () => {
  const { s } = run([`4,100,1,-;kauditd_printk_skb: 219990 callbacks suppressed\n5,101,2,-;${REC}\n5,105,3,-;${REC}\n SUBSYSTEM=x\n4,106,9,-;kauditd_printk_skb: 10 callbacks suppressed\n`]);
  assert.equal(s.stats.suppressed, 220000);
  assert.equal(s.stats.lost, 3);
  assert.equal(s.stats.records, 2);
});

test('property: how the text is cut into chunks does not change the result', () => {
  const text = `${REC}\nnoise line\n${REC}\n\n${REC.replace('110', 'x')}\n${REC}\n`;
  const whole = run([text]);
  fc.assert(
    fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 20 }), (cuts) => {
      const at = [0, ...cuts.sort((a, b) => a - b), text.length];
      const chunks = at.slice(1).map((e, i) => text.slice(at[i], e));
      const r = run(chunks);
      assert.deepEqual(r.s.stats, whole.s.stats);
      assert.deepEqual(r.items, whole.items);
    }),
  );
});

test('property: random text, binary and cut records never throw, and every line is counted once', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(REC), fc.nat({ max: REC.length }).map((n) => REC.slice(0, n)), fc.constant(`type=SECCOMP msg=${REC.slice(17)}`)), { maxLength: 30 }),
      (lines) => {
        const { s } = run([lines.join('\n')]);
        const st = s.stats;
        assert.equal(st.records + st.config + st.other + st.bad, st.lines);
      },
    ),
  );
});

test('over-long lines are counted as bad once and memory stays bounded', () => {
  const { s, items } = run(['x'.repeat(MAX_LINE / 2), 'y'.repeat(MAX_LINE), 'z'.repeat(10), `\n${REC}\n`]);
  assert.equal(s.stats.bad, 1);
  assert.equal(items.length, 1);
  assert.equal(s.stats.lines, 2);
});
