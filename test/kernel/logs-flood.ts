/**
 * @module A flood of 100,000 logged syscalls: the netlink source loses none, and the kmsg source
 * accounts for every record the printk rate limit dropped (`kauditd_printk_skb: N callbacks suppressed`).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LogStream } from '../../src/events/log-stream.js';
import { readNetlink } from '../../src/linux/audit-log-netlink.js';
import { readKmsg } from '../../src/linux/kmsg.js';
import { spawnSync } from 'node:child_process';
import { havePythonSeccomp, runChild, startChild } from './logs-children.js';

const FLOOD = 100_000;
/** kernel/printk/printk.c printk_ratelimit_state: DEFAULT_RATELIMIT_INTERVAL 5 s (kernel.printk_ratelimit). */
const INTERVAL_MS = Number(readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8').trim()) * 1000 + 300;

const auditdRunning = (): boolean => /^pid [1-9]/m.test(spawnSync('auditctl', ['-s'], { encoding: 'utf8' }).stdout ?? '');
const skip =
  process.getuid?.() !== 0 ? 'needs root (audit netlink, /dev/kmsg)'
  : !havePythonSeccomp() ? 'python3-seccomp is not installed'
  : !readFileSync('/proc/sys/kernel/seccomp/actions_logged', 'utf8').split(/\s+/).includes('log') ? 'actions_logged lacks log'
  : auditdRunning() ? 'auditd is running: records go to it, not to the kernel log'
  : false;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type KmsgEvent = { kind: 'rec'; pid: number; serial: number } | { kind: 'sup'; n: number };

/** Registered by logs-records.test.ts, so the kernel log tests never run at the same time as each other. */
export function floodTest(): void {
  test('100,000 logged syscalls: netlink has every one; kmsg shows some and counts the rest as suppressed', { skip, timeout: 120_000 }, async () => {
    const ac = new AbortController();
    // Netlink: every 1326 record, in arrival order (serial, pid).
    const netSerials: number[] = [];
    const netPids: number[] = [];
    const net = new LogStream((i) => {
      if (i.kind !== 'seccomp' || i.record.type !== 1326) return;
      netSerials.push(i.record.serial ?? -1);
      netPids.push(Number(i.record.fields['pid']));
    });
    // kmsg: the printed 1326 records and the suppression summaries, in order.
    const events: KmsgEvent[] = [];
    const kmsg = new LogStream((i) => {
      if (i.kind === 'seccomp' && i.record.type === 1326) events.push({ kind: 'rec', pid: Number(i.record.fields['pid']), serial: i.record.serial ?? -1 });
    });
    const push = kmsg.push.bind(kmsg);
    kmsg.push = (text: string): void => {
      const before = kmsg.stats.suppressed;
      push(text);
      if (kmsg.stats.suppressed > before) events.push({ kind: 'sup', n: kmsg.stats.suppressed - before });
    };
    const netDone = readNetlink(net, { follow: true, signal: ac.signal });
    const kmsgDone = readKmsg(kmsg, { follow: true, fromNow: true, signal: ac.signal, pollMs: 20 });
    let triggerPid = -1;
    try {
      await sleep(200);
      // Prime: more than the burst of 10, so the current interval has misses and ends with a summary line.
      const primePid = runChild('log', 20, 'st-prime');
      await sleep(INTERVAL_MS);
      // Niced: on a busy machine the kernel drops multicast records for a reader that falls behind
      // (reported as overruns); the producer must not starve the reader of CPU.
      const flood = startChild('log', FLOOD, 'st-flood', 19);
      const floodPid = await flood.pid;
      await flood.done;
      const deadline = Date.now() + 60_000;
      while (netPids.filter((p) => p === floodPid).length < FLOOD && Date.now() < deadline) await sleep(100);
      await sleep(INTERVAL_MS);
      // The next record after the interval prints the summary of the flood's interval first.
      // If other processes' records use up that interval first, the trigger is itself suppressed:
      // try again after another interval (the window must end at a record kmsg printed).
      for (let attempt = 0; attempt < 5; attempt++) {
        const pid = runChild('log', 1, 'st-trigger');
        const until = Date.now() + INTERVAL_MS;
        while (!events.some((e) => e.kind === 'rec' && e.pid === pid) && Date.now() < until) await sleep(50);
        if (events.some((e) => e.kind === 'rec' && e.pid === pid)) {
          triggerPid = pid;
          break;
        }
      }
      ac.abort();
      await Promise.all([netDone, kmsgDone]);

      const ours = netPids.filter((p) => p === floodPid).length;
      assert.equal(ours, FLOOD, 'netlink delivered every record of the flood');
      assert.equal(net.stats.overruns, 0);
      assert.equal(net.stats.bad, 0);

      // Window: from the first record printed after the first summary that follows the prime, to the trigger.
      // The prime's interval had misses, so a summary is printed at the latest just before the
      // flood's first record (the prime's own records may all be suppressed by other traffic).
      void primePid;
      const supAt = events.findIndex((e) => e.kind === 'sup');
      const startAt = events.findIndex((e, i) => i > supAt && e.kind === 'rec');
      const endAt = events.findIndex((e) => e.kind === 'rec' && e.pid === triggerPid);
      assert.ok(supAt >= 0 && startAt > supAt && endAt > startAt, `kmsg order: ${JSON.stringify(events.slice(0, 40))}`);
      const start = events[startAt] as { serial: number };
      const end = events[endAt] as { serial: number };
      const printed = events.slice(startAt, endAt).filter((e) => e.kind === 'rec').length;
      const suppressed = events.slice(startAt, endAt).reduce((n, e) => n + (e.kind === 'sup' ? e.n : 0), 0);
      const netStart = netSerials.indexOf(start.serial);
      const netEnd = netSerials.indexOf(end.serial);
      assert.ok(netStart >= 0 && netEnd > netStart);
      const inWindow = netEnd - netStart;
      const oursInWindow = netPids.slice(netStart, netEnd).filter((p) => p === floodPid).length;
      console.log(`flood ${FLOOD}: netlink ${ours} (window ${inWindow} records of all processes); kmsg printed ${printed}, reported ${suppressed} suppressed`);
      assert.equal(oursInWindow, FLOOD, 'the window covers the whole flood');
      assert.equal(printed + suppressed, inWindow, 'every record kmsg did not print is in a "callbacks suppressed" count');
    } finally {
      ac.abort();
      await Promise.allSettled([netDone, kmsgDone]);
    }
  });
}
