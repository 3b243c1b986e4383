/** @module Where a type=1326 record goes once seccomp_log() decided to emit it: the audit plumbing, not the decision. */

/** The audit subsystem's state that matters here (kernel/audit.c). */
export interface AuditState {
  /** `audit_enabled` (auditctl -e): gates config-change records only. */
  readonly enabled: boolean;
  /** An auditd registered as the audit daemon (auditd_pid). */
  readonly auditd: boolean;
}

/** `netlink-readlog`: AUDIT_NLGRP_READLOG multicast; `kmsg`: printk, 10 per 5 s (printk_ratelimit). */
export type RecordSink = 'netlink-readlog' | 'auditd' | 'kmsg';

/**
 * kernel/audit.c kauditd_thread(): every record is multicast to AUDIT_NLGRP_READLOG; with an
 * auditd it is unicast there, without one kauditd_hold_skb() prints it (rate-limited).
 * kernel/auditsc.c audit_seccomp() "forces auditing independent of the audit_enabled and dummy
 * context state", so `enabled` is not consulted: what is logged never depends on it.
 */
export function recordSinks(state: AuditState): RecordSink[] {
  return ['netlink-readlog', state.auditd ? 'auditd' : 'kmsg'];
}

/** kernel/seccomp.c audit_actions_logged(): the type=1305 record of an actions_logged write exists only when audit is enabled. */
export function configChangeRecorded(state: AuditState): boolean {
  return state.enabled;
}
