#!/usr/bin/python3
"""@module Oracle: compile an OCI/Docker seccomp profile with libseccomp (python3-seccomp), as runc does.

Usage:
  libseccomp-compile.py PROFILE.json --arch x86_64[,x86,x32] --optimize 1|2 -o OUT.bpf
      [--caps CAP,...] [--kernel 6.18] [--host-arch amd64] [--time N] [--json]
  libseccomp-compile.py --batch FILE.jsonl     # one request a line, one JSON answer a line on stdout

Flattening follows moby profiles/seccomp setupSeccomp (archMap for the host arch, includes/excludes
by caps/arches/minKernel) and runc libcontainer/seccomp matchCall (rules equal to the default
action skipped, names libseccomp does not know skipped, several conditions on one index: one rule
per condition). Written for this project; it is a test oracle, not shipped code.
"""
import json
import os
import sys
import tempfile
import time

import seccomp

# moby: oci/caps/defaults.go DefaultCapabilities (14).
DOCKER_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
               "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
               "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
ARCHES = {"x86_64": seccomp.Arch.X86_64, "x86": seccomp.Arch.X86, "x32": seccomp.Arch.X32,
          "aarch64": seccomp.Arch.AARCH64, "arm": seccomp.Arch.ARM, "riscv64": seccomp.Arch.RISCV64,
          "s390x": seccomp.Arch.S390X, "ppc64le": seccomp.Arch.PPC64LE}
SCMP_ARCH = {"SCMP_ARCH_" + k.upper(): k for k in ARCHES}
SCMP_ARCH["SCMP_ARCH_X86_64"] = "x86_64"
OPS = {"SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE, "SCMP_CMP_EQ": seccomp.EQ,
       "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_GT": seccomp.GT, "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ}
EPERM = 1


def action(name, errno_ret):
    if name in ("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"):
        return seccomp.KILL
    if name == "SCMP_ACT_KILL_PROCESS":
        return seccomp.KILL_PROCESS
    if name == "SCMP_ACT_TRAP":
        return seccomp.TRAP
    if name == "SCMP_ACT_ERRNO":
        return seccomp.ERRNO(EPERM if errno_ret is None else errno_ret)
    if name == "SCMP_ACT_TRACE":
        return seccomp.TRACE(EPERM if errno_ret is None else errno_ret)
    if name == "SCMP_ACT_ALLOW":
        return seccomp.ALLOW
    if name == "SCMP_ACT_LOG":
        return seccomp.LOG
    if name == "SCMP_ACT_NOTIFY":
        return seccomp.NOTIFY
    raise ValueError("unknown action " + name)


def kver(s):
    parts = [int(p) for p in s.split(".")[:2]] + [0, 0]
    return parts[0], parts[1]


def flatten(profile, caps, kernel, host_goarch):
    """Docker's setupSeccomp: returns (default action, errno, list of (names, action, errnoRet, args))."""
    entries = []
    for call in profile.get("syscalls") or []:
        names = list(call.get("names") or [])
        if call.get("name"):
            names.append(call["name"])
        inc = call.get("includes") or {}
        exc = call.get("excludes") or {}
        if exc.get("arches") and host_goarch in exc["arches"]:
            continue
        if inc.get("arches") and host_goarch not in inc["arches"]:
            continue
        if exc.get("caps") and any(c in caps for c in exc["caps"]):
            continue
        if inc.get("caps") and not all(c in caps for c in inc["caps"]):
            continue
        if exc.get("minKernel") and kver(kernel) >= kver(exc["minKernel"]):
            continue
        if inc.get("minKernel") and kver(kernel) < kver(inc["minKernel"]):
            continue
        entries.append((names, call["action"], call.get("errnoRet"), call.get("args") or []))
    return entries


def build(profile, arches, optimize, caps=DOCKER_CAPS, kernel="6.18", host_goarch="amd64"):
    default = action(profile["defaultAction"], profile.get("defaultErrnoRet"))
    f = seccomp.SyscallFilter(default)
    for a in arches:
        if not f.exist_arch(ARCHES[a]):
            f.add_arch(ARCHES[a])
    if "x86_64" not in arches:
        f.remove_arch(seccomp.Arch.NATIVE)
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, optimize)
    skipped = []
    for names, act_name, errno_ret, args in flatten(profile, caps, kernel, host_goarch):
        act = action(act_name, errno_ret)
        if act == default:
            continue  # runc: "the syscall is ignored if its action equals the default"
        conds = []
        per_index = {}
        for a in args:
            op = OPS[a["op"]]
            if op == seccomp.MASKED_EQ:
                conds.append(seccomp.Arg(a["index"], op, a["value"], a.get("valueTwo", 0)))
            else:
                conds.append(seccomp.Arg(a["index"], op, a["value"]))
            per_index[a["index"]] = per_index.get(a["index"], 0) + 1
        for name in names:
            # runc: libseccomp.GetSyscallFromName fails (__NR_SCMP_ERROR = -1) -> rule skipped with a warning
            if seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) == -1:
                skipped.append(name)
                continue
            if not conds:
                f.add_rule(act, name)
            elif any(n > 1 for n in per_index.values()):
                for c in conds:
                    f.add_rule(act, name, c)
            else:
                f.add_rule(act, name, *conds)
    return f, skipped


def export(f, pfc=False):
    # A temporary file, not a pipe: a large PFC would fill a pipe before we read it.
    with tempfile.TemporaryFile() as tf:
        if pfc:
            f.export_pfc(tf)
        else:
            f.export_bpf(tf)
        tf.seek(0)
        return tf.read()


def answer(req):
    try:
        t0 = time.perf_counter()
        f, skipped = build(req["profile"], req["arches"], req.get("optimize", 2), req.get("caps", DOCKER_CAPS),
                           req.get("kernel", "6.18"), req.get("hostArch", "amd64"))
        bpf = export(f)
        ms = (time.perf_counter() - t0) * 1000
        out = {"bpf": bpf.hex(), "skipped": skipped, "ms": ms}
        if req.get("pfc"):
            out["pfc"] = export(f, pfc=True).decode()
        if req.get("resolve"):
            # libseccomp's number for every profile name on every arch (negative: not on that arch)
            names = sorted({n for e in flatten(req["profile"], DOCKER_CAPS, "6.18", "amd64") for n in e[0]})
            out["resolved"] = {a: {n: seccomp.resolve_syscall(ARCHES[a], n) for n in names} for a in req["arches"]}
        return out
    except Exception as e:  # the oracle reports; the caller compares with our error
        return {"error": "%s: %s" % (type(e).__name__, e)}


def main(argv):
    if argv[:1] == ["--batch"]:
        with open(argv[1]) as fh:
            for line in fh:
                if line.strip():
                    print(json.dumps(answer(json.loads(line))), flush=True)
        return 0
    opts = {"--arch": "x86_64", "--optimize": "2", "-o": None, "--caps": None, "--kernel": "6.18",
            "--host-arch": "amd64", "--time": "0"}
    path = None
    flags = set()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in opts:
            opts[a] = argv[i + 1]
            i += 2
        elif a == "--json":
            flags.add(a)
            i += 1
        else:
            path = a
            i += 1
    if path is None:
        sys.stderr.write(__doc__)
        return 2
    with open(path) as fh:
        profile = json.load(fh)
    caps = DOCKER_CAPS if opts["--caps"] is None else [c for c in opts["--caps"].split(",") if c]
    arches = opts["--arch"].split(",")
    f, skipped = build(profile, arches, int(opts["--optimize"]), caps, opts["--kernel"], opts["--host-arch"])
    bpf = export(f)
    runs = int(opts["--time"])
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        g, _s = build(profile, arches, int(opts["--optimize"]), caps, opts["--kernel"], opts["--host-arch"])
        export(g)
        times.append((time.perf_counter() - t0) * 1000)
    if opts["-o"]:
        with open(opts["-o"], "wb") as out:
            out.write(bpf)
    if "--json" in flags:
        times.sort()
        print(json.dumps({"insns": len(bpf) // 8, "skipped": skipped,
                          "medianMs": times[len(times) // 2] if times else None}))
    elif skipped:
        sys.stderr.write("skipped (unknown to this libseccomp): %s\n" % " ".join(skipped))
    if not opts["-o"] and "--json" not in flags:
        sys.stdout.buffer.write(bpf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
