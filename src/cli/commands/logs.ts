/** @module `seccomptrace logs`: reads seccomp records from kmsg, netlink, audit.log, a file or stdin, names them, and prints text, JSON or a summary. */

import { isAbsolute, resolve } from 'node:path';
import { fail } from '../../errors.js';
import type { ConfigRecord, SeccompRecord } from '../../events/audit-line.js';
import { enrich } from '../../events/enrich.js';
import { configJson, configText, LogSummary, recordJsonLine, recordText } from '../../events/log-output.js';
import { LogStream, type LogItem, type LogStats } from '../../events/log-stream.js';
import { chunkSource, type SourceOptions } from '../../events/log-source.js';
import { AUDIT_LOG_PATH, readLogFile } from '../../linux/audit-log.js';
import { readNetlink } from '../../linux/audit-log-netlink.js';
import { readKmsg } from '../../linux/kmsg.js';
import { parseVerbArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { loadAttributor, type Attributor } from './logs-policy.js';

const USAGE = `usage: seccomptrace logs [--follow] [--source kmsg|netlink|audit|FILE|-] [--policy PROFILE [--arch A]]
                        [--json] [--summary] [--from-now] [--max N] [--timeout SEC]

Reads seccomp (type=1326, legacy 1701 reason="seccomp") and seccomp-logging (1305) records in any
form: dmesg, dmesg -T, /dev/kmsg, audit.log (RAW or ENRICHED), journald/syslog, ausearch -i.
  --source kmsg     the kernel log (default); reports records the printk rate limit suppressed
  --source netlink  the audit multicast group: every record, no rate limit (needs CAP_AUDIT_READ)
  --source audit    ${AUDIT_LOG_PATH} (follows auditd's rotation with --follow)
  --source FILE     a file in any of the forms above
  --source -        standard input, printed as it arrives, until it closes
  --policy PROFILE  name the rule of PROFILE that produced each record: exact when the profile
                    decides the syscall without reading an argument, else "ambiguous: rules 3 or 7"
  --arch ARCH[,…]   the arches to compile PROFILE for (default: the profile's, as on this host)
  --json            one JSON object a record (keys as the record prints them + type time serial
                    format archName syscallName action [rule]); with --summary, the summary as JSON
  --summary         counts by action, syscall and exe instead of one line a record
  --follow          keep reading new records (kmsg, netlink, audit, FILE)
  --from-now        skip what is already in the log (kmsg, audit, FILE)
  --max N           stop after N seccomp records;  --timeout SEC  stop after SEC seconds`;

interface Options {
  readonly source: string;
  readonly follow: boolean;
  readonly json: boolean;
  readonly summary: boolean;
  readonly fromNow: boolean;
  readonly max: number | undefined;
  readonly timeout: number | undefined;
  readonly policy: string | undefined;
  readonly arch: string | undefined;
}

function usageError(message: string): never {
  throw fail({ code: 'cli/usage', message, usage: true, hint: "see 'seccomptrace logs --help'" });
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) usageError(`${name} '${v}' must be a positive number`);
  return n;
}

function options(args: readonly string[]): Options {
  const p = parseVerbArgs('logs', {
      args: [...args],
      options: {
        source: { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        json: { type: 'boolean' },
        summary: { type: 'boolean' },
        'from-now': { type: 'boolean' },
        max: { type: 'string' },
        timeout: { type: 'string' },
        policy: { type: 'string' },
        arch: { type: 'string' },
      },
      allowPositionals: false,
    });
  const v = p.values;
  return {
    source: v.source ?? 'kmsg',
    follow: v.follow === true,
    json: v.json === true,
    summary: v.summary === true,
    fromNow: v['from-now'] === true,
    max: positiveNumber('--max', v.max),
    timeout: positiveNumber('--timeout', v.timeout),
    policy: v.policy,
    arch: v.arch,
  };
}

/** What was skipped or lost, for stderr: the reader never drops input silently. */
export function statsLine(s: LogStats, samples: readonly string[]): string | undefined {
  const parts: string[] = [];
  if (s.bad > 0) parts.push(`${s.bad} malformed seccomp line${s.bad === 1 ? '' : 's'} skipped (first: ${JSON.stringify(samples[0] ?? '')})`);
  if (s.suppressed > 0) parts.push(`the kernel's printk rate limit suppressed ${s.suppressed} messages (kauditd_printk_skb); read --source netlink to get every record`);
  if (s.lost > 0) parts.push(`${s.lost} kernel log messages were overwritten before they were read`);
  if (s.overruns > 0) parts.push(`netlink overran ${s.overruns} times: records were dropped by the kernel`);
  // A wrong file (binary, another log) must not look like a quiet system.
  if (s.records === 0 && s.config === 0 && s.bad === 0 && s.other > 0) parts.push('no line is a seccomp record (type=1326 or SECCOMP, 1305 op=seccomp-logging, 1701 reason="seccomp")');
  if (parts.length === 0) return undefined;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(s.records, 'seccomp record')}, ${plural(s.other, 'other line')}; ${parts.join('; ')}`;
}

export const logsCommand: Command = {
  usage: USAGE,
  async run(args, io: CliIo) {
    const o = options(args);
    const attributor: Attributor | undefined = o.policy === undefined ? undefined : await loadAttributor(o.policy, io, { arch: o.arch });
    const summary = new LogSummary();
    const ac = new AbortController();
    let out: string[] = [];
    const flush = (): void => {
      if (out.length > 0) io.stdout(out.join(''));
      out = [];
    };
    let seen = 0;
    const onItem = (item: LogItem): void => {
      if (ac.signal.aborted) return;
      if (item.kind === 'seccomp') {
        seen++;
        emitRecord(item.record);
        if (o.max !== undefined && seen >= o.max) ac.abort();
      } else if (!o.summary) {
        emitConfig(item.record);
      }
      if (o.follow ? true : out.length >= 1024) flush();
    };
    const emitRecord = (rec: SeccompRecord): void => {
      const e = enrich(rec);
      const rule = attributor?.(rec, e);
      if (o.summary) summary.add(rec, e, rule);
      else out.push(`${o.json ? recordJsonLine(rec, e, rule) : recordText(rec, e, rule)}\n`);
    };
    const emitConfig = (rec: ConfigRecord): void => {
      out.push(`${o.json ? JSON.stringify(configJson(rec)) : configText(rec)}\n`);
    };
    const stream = new LogStream(onItem);
    const timer = o.timeout === undefined ? undefined : setTimeout(() => ac.abort(), o.timeout * 1000);
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const so: SourceOptions = { follow: o.follow, signal: ac.signal, fromNow: o.fromNow };
    try {
      switch (o.source) {
        case 'kmsg':
          await readKmsg(stream, so);
          break;
        case 'netlink':
          await readNetlink(stream, so);
          break;
        case '-':
          // A pipe is live whether or not --follow is given: records go out chunk by chunk, until stdin closes.
          await chunkSource(io.stdinChunks(), flush)(stream, so);
          break;
        case 'audit':
          await readLogFile(stream, so, AUDIT_LOG_PATH);
          break;
        default:
          await readLogFile(stream, so, isAbsolute(o.source) ? o.source : resolve(io.cwd, o.source));
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    flush();
    if (o.summary) io.stdout(o.json ? `${JSON.stringify({ ...summary.json(), skipped: stream.stats })}\n` : summary.text());
    const line = statsLine(stream.stats, stream.badSamples);
    if (line !== undefined) io.stderr(`seccomptrace logs: ${line}\n`);
    return 0;
  },
};
