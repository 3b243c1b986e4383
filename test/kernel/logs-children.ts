/** @module Test helper: python3-seccomp children that make a known syscall under a known action, so records have known pid, comm and exe. */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

/** The child prints its pid, then calls getppid() n times under a filter giving `action` (with FLAG_LOG). */
const GEN = `
import seccomp, os, sys, ctypes, resource
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
if os.environ.get('ST_NICE'): os.nice(int(os.environ['ST_NICE']))
act, n, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)
A = {'log': seccomp.LOG, 'errno': seccomp.ERRNO(13), 'trap': seccomp.TRAP, 'kill_thread': seccomp.KILL,
     'kill_process': seccomp.KILL_PROCESS, 'trace': seccomp.TRACE(5)}
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
f.add_rule(A[act], 'getppid')
f.set_attr(seccomp.Attr.CTL_LOG, 1)
f.load()
sys.stdout.write(str(os.getpid()) + '\\n'); sys.stdout.flush()
for _ in range(n):
    try: os.getppid()
    except OSError: pass
`;

export type ChildAction = 'log' | 'errno' | 'trap' | 'kill_thread' | 'kill_process' | 'trace';
export const CHILD_ACTIONS: readonly ChildAction[] = ['log', 'errno', 'trap', 'kill_thread', 'kill_process', 'trace'];
/** The record's code= and sig= per action (kernel/seccomp.c __seccomp_filter, kernel-semantics §3.6). */
export const EXPECT: Readonly<Record<ChildAction, { code: string; sig: string }>> = {
  log: { code: '0x7ffc0000', sig: '0' },
  errno: { code: '0x50000', sig: '0' },
  trap: { code: '0x30000', sig: '0' },
  kill_thread: { code: '0x0', sig: '31' },
  kill_process: { code: '0x80000000', sig: '31' },
  trace: { code: '0x7ff00000', sig: '0' },
};

export function havePythonSeccomp(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import seccomp']).status === 0;
}

export function pythonExe(): string {
  return realpathSync(PYTHON);
}

/** Runs one child to its end; returns its pid. */
export function runChild(action: ChildAction, n: number, comm: string): number {
  const r = spawnSync(PYTHON, ['-c', GEN, action, String(n), comm], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`internal: child did not start: ${r.stderr}`);
  return pid;
}

/** Starts a child; resolves its pid as soon as it prints it, and `done` when it exits. */
export function startChild(action: ChildAction, n: number, comm: string, nice = 0): { pid: Promise<number>; done: Promise<void> } {
  const c = spawn(PYTHON, ['-c', GEN, action, String(n), comm], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ST_NICE: String(nice) } });
  let out = '';
  const pid = new Promise<number>((resolve, reject) => {
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
    c.on('error', reject);
  });
  const done = new Promise<void>((resolve) => c.on('exit', () => resolve()));
  return { pid, done };
}

/** The login uid and session the children inherit (printed as auid= and ses=). */
export function loginIds(): { auid: string; ses: string } {
  return { auid: readFileSync('/proc/self/loginuid', 'utf8').trim(), ses: readFileSync('/proc/self/sessionid', 'utf8').trim() };
}
