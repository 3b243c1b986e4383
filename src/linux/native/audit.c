/* @module The audit multicast reader: a NETLINK_AUDIT socket bound to AUDIT_NLGRP_READLOG. */
#define _GNU_SOURCE
#include "common.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* 8 MiB: a flood of type-1326 records (~300 bytes each) must not overrun between two reads. */
#define AUDIT_RCVBUF (8 << 20)

napi_value st_audit_open(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_AUDIT);
  if (fd < 0) return st_throw(env, "linux/audit-socket", errno, "socket", "NETLINK_AUDIT");
  int sz = AUDIT_RCVBUF;
  /* SO_RCVBUFFORCE needs CAP_NET_ADMIN; fall back to the capped SO_RCVBUF otherwise. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  /* include/uapi/linux/audit.h: AUDIT_NLGRP_READLOG = 1, so its group bit is 1 << (1 - 1). */
  sa.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    int e = errno;
    close(fd);
    return st_throw(env, "linux/audit-bind", e, "bind", "AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ)");
  }
  return st_int(env, fd);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* auditRead(fd, timeoutMs, max) → {messages: [{type, text}], overruns}: waits up to timeoutMs for the
 * first message, then drains what is queued without waiting, up to max. */
napi_value st_audit_read(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out, msgs;
  int64_t fd, timeout, max;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || napi_get_value_int64(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int64(env, argv[1], &timeout) != napi_ok || napi_get_value_int64(env, argv[2], &max) != napi_ok)
    return st_throw_arg(env, "argument check (auditRead(fd, timeoutMs, max))");
  napi_create_object(env, &out);
  napi_create_array(env, &msgs);
  uint32_t count = 0;
  int64_t overruns = 0;
  int64_t deadline = now_ms() + timeout;
  static char buf[1 << 16];
  while ((int64_t)count < max) {
    ssize_t n = recv((int)fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) { overruns++; continue; } /* the kernel dropped messages: socket overrun */
      if (errno != EAGAIN) return st_throw(env, "linux/audit-recv", errno, "recv", "audit multicast");
      if (count > 0) break;
      int64_t left = deadline - now_ms();
      if (left <= 0) break;
      struct pollfd p = {.fd = (int)fd, .events = POLLIN};
      poll(&p, 1, (int)left);
      continue;
    }
    /* An int length: NLMSG_NEXT subtracts the *aligned* nlmsg_len, so after an audit record whose
     * length is not a multiple of 4 the rest goes negative; cast to size_t it passed NLMSG_OK and
     * the loop walked stale bytes of buf (a crash after several records of different lengths). */
    int rest = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, rest); h = NLMSG_NEXT(h, rest)) {
      size_t len = h->nlmsg_len - NLMSG_HDRLEN;
      const char *p = NLMSG_DATA(h);
      while (len > 0 && p[len - 1] == '\0') len--; /* some records carry a trailing NUL */
      napi_value m, t;
      napi_create_object(env, &m);
      st_set_int(env, m, "type", h->nlmsg_type);
      napi_create_string_utf8(env, p, len, &t);
      st_set(env, m, "text", t);
      napi_set_element(env, msgs, count++, m);
    }
  }
  st_set(env, out, "messages", msgs);
  st_set_int(env, out, "overruns", overruns);
  return out;
}

napi_value st_close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int64(env, argv[0], &fd) != napi_ok) return st_throw_arg(env, "argument check (closeFd(fd))");
  if (close((int)fd) != 0) return st_throw(env, "linux/close", errno, "close", "closeFd");
  return NULL;
}
