/** @module Turns a stream of text (any log form, in chunks) into parsed records and counts what it skipped or lost, in bounded memory. */

import { auditLogFast, parseAuditLine, type ConfigRecord, type SeccompRecord } from './audit-line.js';

export interface LogStats {
  /** Lines read (kmsg continuation lines included). */
  lines: number;
  /** Seccomp records (1326 and legacy 1701). */
  records: number;
  /** 1305 op=seccomp-logging records. */
  config: number;
  /** Lines that are no seccomp record. */
  other: number;
  /** Lines that look like a seccomp record but are cut or malformed (and over-long lines). */
  bad: number;
  /** Records the kernel's printk rate limit dropped (`kauditd_printk_skb: N callbacks suppressed`). */
  suppressed: number;
  /** kmsg messages the ring overwrote before we read them (sequence gaps). */
  lost: number;
  /** Netlink ENOBUFS overruns: each dropped one or more records (the kernel does not say how many). */
  overruns: number;
}

export type LogItem = { readonly kind: 'seccomp'; readonly record: SeccompRecord } | { readonly kind: 'config'; readonly record: ConfigRecord };

/** Lines longer than this are not records (a 1326 record with a 4 KiB exe path stays far below). */
export const MAX_LINE = 64 * 1024;

/** The kernel's rate-limit summary (lib/ratelimit.c ___ratelimit: "%s: %d callbacks suppressed"). */
const SUPPRESSED = /kauditd_printk_skb: (\d+) callbacks suppressed/;
/** /dev/kmsg record prefix (Documentation/ABI/testing/dev-kmsg): "prio,seq,usec,flags;". */
const KMSG_PREFIX = /^(\d+),(\d+),\d+,[^;]*;/;

export class LogStream {
  readonly stats: LogStats = { lines: 0, records: 0, config: 0, other: 0, bad: 0, suppressed: 0, lost: 0, overruns: 0 };
  /** The first few bad lines (cut to 200 characters), to show the user what was skipped. */
  readonly badSamples: string[] = [];
  private partial = '';
  private overlong = false;
  private kmsgSeq: number | undefined;

  constructor(private readonly emit: (item: LogItem) => void) {}

  /** Feeds decoded text; lines may span chunks. */
  push(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (this.overlong) {
        this.overlong = false;
        this.partial = '';
        start = nl + 1;
        continue; // the tail of a line already counted as bad
      }
      if (this.partial === '') {
        // audit.log's 1326 lines are read in place in the chunk (no per-line string to walk).
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const fast = auditLogFast(text, start, end);
        if (fast !== undefined && fast.ok && fast.value.kind === 'seccomp') {
          this.stats.lines++;
          this.stats.records++;
          this.emit({ kind: 'seccomp', record: fast.value });
          start = nl + 1;
          continue;
        }
      }
      const line = this.partial === '' ? text.slice(start, nl) : this.partial + text.slice(start, nl);
      this.partial = '';
      start = nl + 1;
      this.line(line);
    }
    const rest = text.slice(start);
    if (this.overlong) return;
    if (this.partial.length + rest.length > MAX_LINE) {
      this.stats.lines++;
      this.countBad(this.partial.slice(0, 200) + rest.slice(0, 200));
      this.partial = '';
      this.overlong = true;
      return;
    }
    this.partial += rest;
  }

  /** Flushes a last line without a newline. */
  end(): void {
    if (this.partial !== '' && !this.overlong) this.line(this.partial);
    this.partial = '';
    this.overlong = false;
  }

  /** One complete line; `netlinkType` when it is a netlink payload of that message type. */
  line(line: string, netlinkType?: number): void {
    this.stats.lines++;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1); // CRLF files
    const c0 = line.charCodeAt(0);
    if (c0 >= 48 && c0 <= 57) {
      const k = KMSG_PREFIX.exec(line);
      if (k !== null) this.kmsgSequence(Number(k[2]));
    }
    const r = parseAuditLine(line, netlinkType);
    if (!r.ok) return this.countBad(line);
    const v = r.value;
    if (v.kind === 'other') {
      this.stats.other++;
      if (line.indexOf('callbacks suppressed') >= 0) {
        const m = SUPPRESSED.exec(line);
        if (m !== null) this.stats.suppressed += Number(m[1]);
      }
    } else if (v.kind === 'seccomp') {
      this.stats.records++;
      this.emit({ kind: 'seccomp', record: v });
    } else {
      this.stats.config++;
      this.emit({ kind: 'config', record: v });
    }
  }

  /** kmsg sequence numbers rise by one per record; a jump means the ring overwrote records unread. */
  kmsgSequence(seq: number): void {
    if (this.kmsgSeq !== undefined && seq > this.kmsgSeq + 1) this.stats.lost += seq - this.kmsgSeq - 1;
    this.kmsgSeq = seq;
  }

  private countBad(line: string): void {
    this.stats.bad++;
    if (this.badSamples.length < 5) this.badSamples.push(line.slice(0, 200));
  }
}
