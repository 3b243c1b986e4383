/** @module The package's public API: each layer as a namespace, and the handful of names most programs start from. */

export * as abi from './abi/index.js';
export * as bpf from './bpf/index.js';
export * as engine from './engine/index.js';
export * as policy from './policy/index.js';
export * as events from './events/index.js';
export * as record from './record/index.js';

export { SeccompTraceError } from './errors.js';
export type { ErrorCode, ErrorInit } from './errors.js';
export { ok, err } from './result.js';
export type { Result } from './result.js';
export { assemble, disassemble, verify, interpret, jit } from './bpf/index.js';
export type { RawInsn, VerifiedProgram } from './bpf/index.js';
export { FilterStack } from './engine/index.js';
export { compileProfile, loadProfile } from './policy/index.js';
export { parseAuditLine, formatSeccompRecord } from './events/index.js';
