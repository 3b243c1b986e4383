/* @module Shared helpers for the N-API addon: the one error builder and small property setters. */
#ifndef SECCOMPTRACE_COMMON_H
#define SECCOMPTRACE_COMMON_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8 /* also set by binding.gyp */
#endif
#include <node_api.h>
#include <stdint.h>

/* Throws an Error carrying {code, errno, syscall, step}; code is a 'linux/...' string. Returns NULL
 * so callers can `return st_throw(...)`. */
napi_value st_throw(napi_env env, const char *code, int err, const char *syscall, const char *step);

/* Throws a usage error from the JS-facing argument checks (code 'linux/bad-argument'). */
napi_value st_throw_arg(napi_env env, const char *what);

napi_value st_int(napi_env env, int64_t v);
napi_value st_bigint(napi_env env, int64_t v);
napi_value st_ubigint(napi_env env, uint64_t v);
void st_set(napi_env env, napi_value obj, const char *key, napi_value v);
void st_set_int(napi_env env, napi_value obj, const char *key, int64_t v);
void st_set_str(napi_env env, napi_value obj, const char *key, const char *s);
void st_set_bool(napi_env env, napi_value obj, const char *key, int b);

/* Getters on a plain JS object; return 0 on success, -1 (with a pending exception) otherwise. */
int st_get_i64(napi_env env, napi_value obj, const char *key, int64_t *out);
int st_get_u64_bigint(napi_env env, napi_value v, uint64_t *out);
int st_get_bytes(napi_env env, napi_value v, uint8_t **data, size_t *len);
int st_has(napi_env env, napi_value obj, const char *key);
/* Duplicates a JS string with malloc (before fork only). */
char *st_strdup_value(napi_env env, napi_value v);

/* The helpers every feature file registers itself with. */
napi_value st_probe_batch(napi_env env, napi_callback_info info);
napi_value st_probe_ip(napi_env env, napi_callback_info info);
napi_value st_audit_open(napi_env env, napi_callback_info info);
napi_value st_audit_read(napi_env env, napi_callback_info info);
napi_value st_close_fd(napi_env env, napi_callback_info info);
napi_value st_features(napi_env env, napi_callback_info info);
napi_value st_spawn(napi_env env, napi_callback_info info);
napi_value st_wait_exit(napi_env env, napi_callback_info info);
napi_value st_pidfd_signal(napi_env env, napi_callback_info info);
napi_value st_notify_start(napi_env env, napi_callback_info info);
napi_value st_notify_drain(napi_env env, napi_callback_info info);
napi_value st_notify_stop(napi_env env, napi_callback_info info);
napi_value st_notify_send(napi_env env, napi_callback_info info);
napi_value st_notify_id_valid(napi_env env, napi_callback_info info);

#endif
