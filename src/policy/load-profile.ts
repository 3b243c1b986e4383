/** @module One entry for profile text of either format: detect it, parse it, judge it against a context, compile it. */

import type { ArchName } from '../abi/arch.js';
import type { SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { compile, type CompiledProfile, type CompileOptions } from './compile.js';
import type { Policy, Warning } from './ir.js';
import { flattenOci, type ProfileContext } from './oci-flatten.js';
import { parseOciProfile } from './oci-profile.js';
import { parsePolicy } from './policy-lang.js';

export interface LoadedProfile {
  readonly format: 'oci' | 'policy';
  readonly policy: Policy;
  readonly warnings: readonly Warning[];
  /** OCI entries Docker leaves out in this context, and why. */
  readonly skipped: readonly { readonly id: number; readonly where: string; readonly reason: string }[];
}

/** JSON (first non-blank character `{`) is OCI/Docker; anything else is the policy language. */
export function detectFormat(text: string): 'oci' | 'policy' {
  return text.trimStart().startsWith('{') ? 'oci' : 'policy';
}

/** Parses `text` (from `file`, used in error places) and judges includes/excludes against `ctx`. */
export function loadProfile(text: string, file: string, ctx: ProfileContext): Result<LoadedProfile, SeccompTraceError> {
  if (detectFormat(text) === 'policy') {
    const p = parsePolicy(text);
    if (!p.ok) return err(p.error.at(file));
    return ok({ format: 'policy', policy: p.value, warnings: [], skipped: [] });
  }
  const o = parseOciProfile(text);
  if (!o.ok) return err(o.error.at(file));
  const f = flattenOci(o.value, ctx);
  if (!f.ok) return err(f.error.at(file));
  return ok({ format: 'oci', ...f.value });
}

export interface ProfileOptions extends ProfileContext {
  readonly arches?: readonly ArchName[];
  readonly allowNotify?: boolean;
}

/** Text → compiled filter, the way `compile`, `sim PROFILE`, `run --policy` and `logs --policy` need it. */
export function compileProfile(text: string, file: string, opts: ProfileOptions): Result<CompiledProfile & { readonly loaded: LoadedProfile }, SeccompTraceError> {
  const l = loadProfile(text, file, opts);
  if (!l.ok) return l;
  const co: CompileOptions = {
    hostArch: opts.hostArch,
    ...(opts.arches === undefined ? {} : { arches: opts.arches }),
    ...(opts.allowNotify === undefined ? {} : { allowNotify: opts.allowNotify }),
  };
  const c = compile(l.value.policy, co);
  if (!c.ok) return err(c.error.where !== undefined && !c.error.where.startsWith(file) ? c.error.at(file) : c.error);
  const warnings = [...l.value.warnings, ...c.value.warnings].map((w) => ({ where: `${file}:${w.where}`, message: w.message }));
  return ok({ ...c.value, warnings, loaded: l.value });
}
