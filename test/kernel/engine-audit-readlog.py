#!/usr/bin/env python3
# Prints every message of the audit multicast group (AUDIT_NLGRP_READLOG = 1, include/uapi/linux/audit.h)
# as one JSON line {"type","text"}; {"overrun":1} for each ENOBUFS. Exits when stdin closes.
# Test-only stand-in for src/linux/audit-netlink.ts, whose native recv loop walks past the end of a
# datagram when nlmsg_len is not a multiple of 4 (NLMSG_NEXT makes the remaining length negative, then
# NLMSG_OK sees it as a huge size_t), which crashed the test process.
import errno, json, select, socket, struct, sys

NETLINK_AUDIT = 9
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((0, 1))
print(json.dumps({"ready": True}), flush=True)
while True:
    r, _, _ = select.select([s, sys.stdin], [], [])
    if s in r:
        try:
            data = s.recv(1 << 16)
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                print(json.dumps({"overrun": 1}), flush=True)
                continue
            raise
        # One message a datagram; struct nlmsghdr is 16 bytes (u32 len, u16 type, u16 flags, u32 seq, u32 pid).
        (_, typ) = struct.unpack_from("=IH", data, 0)
        text = data[16:].rstrip(b"\0").decode("utf-8", "replace")
        print(json.dumps({"type": typ, "text": text}), flush=True)
    if sys.stdin in r and not sys.stdin.readline():
        break
