/** @module The audit multicast group (AUDIT_NLGRP_READLOG) through src/linux/audit-netlink.ts, shaped for the engine's logging oracle tests. */

import { AUDIT_SECCOMP, openAuditReadlog, type AuditReader } from '../../src/linux/audit-netlink.js';

/** Collects type=1326 record texts; `collect` waits until the group has been quiet for a while. */
export class Readlog {
  private readonly reader: AuditReader = openAuditReadlog();
  private queue: string[] = [];
  /** Kept for callers that await readiness; the socket is bound when the constructor returns. */
  readonly ready: Promise<void> = Promise.resolve();

  get overruns(): number {
    return this.reader.overruns;
  }

  /** 1326 records until none has come for `quietMs` (at most `maxMs`). */
  async collect(quietMs: number, maxMs: number): Promise<string[]> {
    const end = Date.now() + maxMs;
    while (Date.now() < end) {
      const got = this.reader.read(quietMs);
      if (got.length === 0) break;
      for (const m of got) if (m.type === AUDIT_SECCOMP) this.queue.push(m.text);
    }
    return this.queue.splice(0);
  }

  drop(): void {
    this.queue = [];
  }

  close(): void {
    this.reader.close();
  }
}

/** The `syscall=`, `code=` and `sig=` of a type=1326 record. */
export function recordFields(text: string): { syscall: number; code: string; sig: string } {
  return {
    syscall: Number(/ syscall=(-?\d+) /.exec(text)?.[1]),
    code: / code=(0x[0-9a-f]+)$/.exec(text)?.[1] ?? '?',
    sig: / sig=(\d+) /.exec(text)?.[1] ?? '?',
  };
}
