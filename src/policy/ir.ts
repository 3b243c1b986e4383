/** @module The policy IR both profile formats become: a default action, arches, and ordered rules with exact 64-bit conditions. */

import type { ArchName } from '../abi/arch.js';
import type { CmpOp } from './arg-tree.js';

export type { CmpOp } from './arg-tree.js';

/** One argument condition. MASKED_EQ: (arg & value) == valueTwo (libseccomp / runc order). */
export interface ArgCond {
  readonly index: number;
  readonly op: CmpOp;
  readonly value: bigint;
  readonly valueTwo: bigint;
}

/** One rule as handed to libseccomp: every name gets the action when all conditions hold. */
export interface PolicyRule {
  /** 1-based number users see in attribution ("rule 3"). */
  readonly id: number;
  readonly names: readonly string[];
  readonly action: number;
  readonly conds: readonly ArgCond[];
  /** Where it came from: `FILE:LINE:COL`, or a JSON pointer with line:col. */
  readonly where: string;
  readonly comment?: string;
}

/** SECCOMP_FILTER_FLAG_* a profile may ask for (include/uapi/linux/seccomp.h). */
export const FILTER_FLAGS = {
  SECCOMP_FILTER_FLAG_TSYNC: 1 << 0,
  SECCOMP_FILTER_FLAG_LOG: 1 << 1,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 1 << 2,
  SECCOMP_FILTER_FLAG_NEW_LISTENER: 1 << 3,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH: 1 << 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 1 << 5,
} as const;
export type FilterFlagName = keyof typeof FILTER_FLAGS;

export interface Policy {
  readonly defaultAction: number;
  /** The filter's arches; undefined = the host's (and, for OCI, the host is always added as runc does). */
  readonly arches: readonly ArchName[] | undefined;
  readonly rules: readonly PolicyRule[];
  readonly flags: readonly FilterFlagName[];
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
}

/** A non-fatal finding, worded as what runc/Docker would do. */
export interface Warning {
  readonly where: string;
  readonly message: string;
}
