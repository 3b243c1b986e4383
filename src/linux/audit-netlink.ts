/** @module Audit multicast reader: records (e.g. type 1326 AUDIT_SECCOMP) from AUDIT_NLGRP_READLOG. */

import { callNative } from './native.js';

/** One netlink audit message; text is the payload, e.g. `audit(1796412198.362:330020): auid=… code=0x7ffc0000`. */
export interface AuditMessage {
  readonly type: number;
  readonly text: string;
}
export interface AuditReader {
  /** Waits up to timeoutMs for the first message, then returns what is queued (at most max). */
  read(timeoutMs: number, max?: number): AuditMessage[];
  /** ENOBUFS overruns seen so far: each means the kernel dropped one or more records for this socket. */
  readonly overruns: number;
  close(): void;
}

/** include/uapi/linux/audit.h: AUDIT_SECCOMP. */
export const AUDIT_SECCOMP = 1326;

/** Opens NETLINK_AUDIT bound to AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ). */
export function openAuditReadlog(): AuditReader {
  const fd = callNative('audit reader', (a) => a.auditOpen());
  let overruns = 0;
  let open = true;
  return {
    read(timeoutMs: number, max = 4096): AuditMessage[] {
      if (!open) return [];
      const r = callNative('audit reader', (a) => a.auditRead(fd, Math.max(0, Math.floor(timeoutMs)), max));
      overruns += r.overruns;
      return r.messages;
    },
    get overruns(): number {
      return overruns;
    },
    close(): void {
      if (open) callNative('audit reader', (a) => a.closeFd(fd));
      open = false;
    },
  };
}
