/** @module The `sim --cases` reader: a JSON array or JSON lines of syscall cases → exact seccomp_data inputs, or one clear error. */

import type { ArchInfo } from '../abi/arch.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { parseJson, plainJson } from '../json-lossless.js';
import { err, ok, type Result } from '../result.js';
import { readCase, type SimCase } from './case.js';

// One case lives in case.ts so a single command-line case loads without the JSON reader (start-up time is import time).
export { readCase, toU64, type SimCase } from './case.js';

/**
 * Reads cases (DESIGN.md `--cases FILE`): `nr` wins over `syscall` (a name for the case's arch or
 * a number); `args` (up to 6) and `ip` are numbers or decimal/0x strings, exact to 64 bits;
 * missing args are 0; `arch` defaults to `defaultArch` and takes libseccomp names, aliases and
 * SCMP_ARCH_*; other fields are ignored. Errors name `FILE:LINE` or `FILE#/N/field`.
 */
export function readCases(text: string, file: string, defaultArch: ArchInfo): Result<SimCase[], SeccompTraceError> {
  const trimmed = text.trimStart();
  if (trimmed === '') return err(fail({ code: 'engine/no-cases', where: file, message: 'no cases in the file', hint: 'write a JSON array of cases or one JSON object a line' }));
  const out: SimCase[] = [];
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(text, 'engine/bad-cases-json');
    if (!parsed.ok) return err(withHint(parsed.error.at(file), 'write a JSON array of case objects'));
    const arr = parsed.value.kind === 'array' ? parsed.value.items : [];
    for (let i = 0; i < arr.length; i++) {
      const c = readCase(plainJson(arr[i]!), `${file}#/${i}`, defaultArch);
      if (!c.ok) return c;
      out.push(c.value);
    }
    return ok(out);
  }
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const parsed = parseJson(line, 'engine/bad-cases-json', n + 1);
    if (!parsed.ok) return err(withHint(parsed.error.at(file), 'one JSON object a line (JSON lines), or a JSON array'));
    const c = readCase(plainJson(parsed.value), `${file}:${n + 1}`, defaultArch);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return ok(out);
}

/** The reader's own hint where the JSON error has none (its hints are more specific). */
function withHint(e: SeccompTraceError, hint: string): SeccompTraceError {
  return e.hint !== undefined ? e : fail({ code: e.code, message: e.message, hint, ...(e.where === undefined ? {} : { where: e.where }) });
}

