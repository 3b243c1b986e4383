/** @module A PROFILE as a `sim` target: an OCI/Docker JSON file, a policy file, or a built-in name, compiled as `compile` does. */

import type { RawInsn } from '../../bpf/insn-codec.js';
import type { CliIo } from '../command.js';

/**
 * Compiles `arg` (relative to `cwd`, or a built-in name) for the profile's own arches on this host
 * — the filter a container would get — with the install flags it asks for. Warnings go to stderr.
 */
export async function compileProfileTarget(arg: string, cwd: string, io: CliIo): Promise<{ raw: RawInsn[]; flags: number }> {
  const { compileProfileArg } = await import('./compile.js'); // the profile compiler loads only for profiles
  const c = compileProfileArg(arg, { ...io, cwd }, {}, 'sim');
  return { raw: c.program, flags: c.flags };
}
