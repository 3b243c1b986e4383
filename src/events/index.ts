/** @module The events layer's public names: the seccomp record type, its kernel format, the line parser, enrichment, log stream and output. */

export { AUDIT_ANOM_ABEND, AUDIT_CONFIG_CHANGE, AUDIT_SECCOMP, AUDIT_UNSET, auditStamp, decodeHex, encodeUntrusted, formatAuditLogLine, formatKmsgLine, formatSeccompBody, formatSeccompRecord } from './audit-record.js';
export type { SeccompEvent } from './audit-record.js';
export { auditLogFast, parseAuditLine, splitFields } from './audit-line.js';
export type { ConfigRecord, Fields, LineFormat, ParsedLine, SeccompRecord } from './audit-line.js';
export { enrich, toSeccompEvent } from './enrich.js';
export type { Enrichment } from './enrich.js';
export { LogStream, MAX_LINE } from './log-stream.js';
export type { LogItem, LogStats } from './log-stream.js';
export { chunkSource, isAborted, pause } from './log-source.js';
export type { LogSource, SourceOptions } from './log-source.js';
export { configJson, configText, LogSummary, recordJson, recordJsonLine, recordText, SUMMARY_KEYS } from './log-output.js';
export type { JsonValue } from './log-output.js';
