/** @module The abi layer's public names: actions, architectures, seccomp_data, syscall tables, errno and signals. */

export {
  ACTIONS,
  ACTION_NAMES,
  MAX_ERRNO,
  RET_ACTION_FULL,
  RET_DATA,
  SIDE_ACTION_MASK,
  actionInfo,
  actionPart,
  asActionValue,
  behaviour,
  dataPart,
  formatAction,
  formatScmp,
  isSideAction,
  knownAction,
  makeAction,
  makeSideLog,
  parseAction,
  parseNumber,
  precedenceRank,
  scmpActionName,
} from './actions.js';
export type { ActionInfo, ActionName, ActionValue } from './actions.js';

export { ARCHES, X32_SYSCALL_BIT, abiOf, archByAudit, archFromNode, archInfo, editDistance, parseArch, suggest } from './arch.js';
export type { ArchInfo, ArchName, AuditArch } from './arch.js';

export { OFFSETS, SECCOMP_DATA_SIZE, decodeSeccompData, encodeSeccompData, makeSeccompData, seccompDataWords } from './seccomp-data.js';
export type { SeccompData } from './seccomp-data.js';

export {
  X86_IPC_NR,
  X86_SOCKETCALL_NR,
  multiplexedCall,
  parseSyscall,
  resolveSyscall,
  subcallName,
  syscallName,
  syscallTable,
  unknownSyscall,
} from './syscalls.js';
export type { Multiplexed, SyscallEntry, SyscallNr } from './syscalls.js';

export { errnoFamily, errnoName, errnoNumber, errnoTable, errnoText, parseErrno } from './errno.js';
export type { ErrnoEntry } from './errno.js';

export { signalName, signalNumber, signalTable, sigsys } from './signals.js';
export type { SignalEntry } from './signals.js';
