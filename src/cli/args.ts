/** @module Command-line options for every verb: node's parseArgs, with its errors turned into one usage line. */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fail } from '../errors.js';

/**
 * parseArgs (strict) for `verb`; an unknown option, or one missing its value, is a usage error
 * (exit 2) that points at the verb's --help. Node's advice on '-' positionals is left out: it
 * names a quoting (`-- "-x"`) that a shell would not pass as written.
 */
export function parseVerbArgs<T extends Omit<ParseArgsConfig, 'strict'>>(verb: string, config: T): ReturnType<typeof parseArgs<T & { strict: true }>> {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\. To specify a positional.*$/s, '');
    throw fail({ code: 'cli/usage', usage: true, message, hint: `see 'seccomptrace ${verb} --help'` });
  }
}
