/** @module `seccomptrace sysctl [actions_logged [VALUE]]`: show the seccomp sysctls, or set actions_logged with the kernel's rules. */

import { parseVerbArgs } from '../args.js';
import { formatActionsLogged } from '../../engine/actions-logged.js';
import { fail } from '../../errors.js';
import { readActionsAvail, readActionsLogged, writeActionsLogged } from '../../linux/sysctl.js';
import type { Command } from '../command.js';

const USAGE = `usage: seccomptrace sysctl [actions_logged [VALUE]]

Without arguments, prints kernel.seccomp.actions_avail and actions_logged.
With VALUE, writes actions_logged (root): action names separated by single spaces, e.g.
  seccomptrace sysctl actions_logged "kill_process kill_thread errno log"
The kernel's rules apply: every name must be one of kill_process kill_thread trap errno
user_notif trace log; 'allow' is refused; parsing stops at the first empty token (so '' clears it).`;

const NAMES = ['actions_avail', 'actions_logged'];

export const sysctlCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { positionals } = parseVerbArgs('sysctl', { args: [...args], allowPositionals: true, options: {} });
    const [name, value, ...extra] = positionals;
    if (extra.length > 0) throw fail({ code: 'cli/usage', usage: true, message: `unexpected argument '${extra[0]}'`, hint: 'quote a VALUE with spaces: "errno log"' });
    const unwrapped = <T>(r: { ok: true; value: T } | { ok: false; error: Error }): T => {
      if (!r.ok) throw r.error;
      return r.value;
    };
    if (name === undefined) {
      io.stdout(`actions_avail = ${unwrapped(readActionsAvail())}\n`);
      io.stdout(`actions_logged = ${formatActionsLogged(unwrapped(readActionsLogged()))}\n`);
      return 0;
    }
    if (!NAMES.includes(name)) {
      throw fail({ code: 'cli/usage', usage: true, message: `unknown sysctl '${name}'`, hint: `use ${NAMES.join(' or ')}` });
    }
    if (value === undefined) {
      const v = name === 'actions_avail' ? unwrapped(readActionsAvail()) : formatActionsLogged(unwrapped(readActionsLogged()));
      io.stdout(`${v}\n`);
      return 0;
    }
    if (name === 'actions_avail') {
      throw fail({ code: 'cli/read-only', where: 'actions_avail', message: 'is read-only', errno: 'EACCES', hint: 'set actions_logged instead' });
    }
    const set = writeActionsLogged(value);
    if (!set.ok) throw set.error.where === undefined ? set.error.at(`actions_logged '${value}'`) : set.error;
    io.stdout(`actions_logged = ${formatActionsLogged(set.value)}\n`);
    return 0;
  },
};
