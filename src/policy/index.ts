/** @module The policy layer's public names: profile readers (OCI/Docker JSON, policy language), writers, the compiler, attribution. */

export { parseJson, plainJson, field, posText } from '../json-lossless.js';
export type { JsonValue, Pos } from '../json-lossless.js';
export { parseOciProfile, ociActionValue } from './oci-profile.js';
export type { OciArg, OciArch, OciFilter, OciProfile, OciSyscall } from './oci-profile.js';
export { DOCKER_DEFAULT_CAPS, flattenOci } from './oci-flatten.js';
export type { Flattened, ProfileContext } from './oci-flatten.js';
export { parsePolicy } from './policy-lang.js';
export { ARG_NAMES, CONSTANTS, argIndex } from './policy-names.js';
export { formatOci, formatPolicy, formatSpo, policyActionText } from './policy-write.js';
export { FILTER_FLAGS } from './ir.js';
export type { ArgCond, CmpOp, FilterFlagName, Policy, PolicyRule, Warning } from './ir.js';
export { BAD_ARCH_ACTION, compile } from './compile.js';
export type { CompiledProfile, CompileOptions, RuleInfo } from './compile.js';
export { compileProfile, detectFormat, loadProfile } from './load-profile.js';
export type { LoadedProfile, ProfileOptions } from './load-profile.js';
export { attribute, describeAttribution, rulesAtPc } from './attribution.js';
export type { Attribution } from './attribution.js';
export type { DbFlavour } from './arg-tree-merge.js';
