/** @module `logs --policy`: names the rule of a profile that produced each record, by replaying it through the compiled filter. */

import { fail } from '../../errors.js';
import type { SeccompRecord } from '../../events/audit-line.js';
import type { Enrichment } from '../../events/enrich.js';
import type { CliIo } from '../command.js';

/** Returns the rule's name for a record ("3", "ambiguous: rules 3 or 7"), or undefined when none matched. */
export type Attributor = (rec: SeccompRecord, e: Enrichment) => string | undefined;

export async function loadAttributor(policy: string, _io: CliIo): Promise<Attributor> {
  throw fail({
    code: 'cli/no-policy-compiler',
    where: policy,
    message: '--policy needs the profile compiler, which is not in this build yet',
    hint: 'run without --policy',
  });
}
