/** @module The netlink source: every audit record from the AUDIT_NLGRP_READLOG multicast group, with no printk rate limit. */

import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { LogStream } from '../events/log-stream.js';
import { isAborted, type SourceOptions } from '../events/log-source.js';
import { openAuditReadlog } from './audit-netlink.js';

export interface NetlinkOptions extends SourceOptions {
  /** Not following: stop after this long without a message (netlink has no backlog to reach the end of). */
  readonly idleMs?: number;
}

/**
 * Reads the audit multicast group (kernel/audit.c kauditd_send_multicast_skb: every record, whether
 * or not auditd runs; needs CAP_AUDIT_READ). Reads in short slices and yields to the event loop
 * between them, so a following reader can be stopped and child processes keep running.
 */
export async function readNetlink(stream: LogStream, opts: NetlinkOptions): Promise<void> {
  const reader = openAuditReadlog();
  let idle = 0;
  try {
    while (!isAborted(opts.signal)) {
      const msgs = reader.read(50, 8192);
      stream.stats.overruns = reader.overruns;
      for (const m of msgs) stream.line(m.text, m.type);
      if (msgs.length === 0) {
        idle += 50;
        if (!opts.follow && idle >= (opts.idleMs ?? 1000)) break;
      } else idle = 0;
      await yieldLoop();
    }
  } finally {
    stream.stats.overruns = reader.overruns;
    reader.close();
  }
}
