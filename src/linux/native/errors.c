/* @module The addon's one error builder ({code, errno, syscall, step}) and small value helpers. */
#include "common.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

napi_value st_throw(napi_env env, const char *code, int err, const char *syscall, const char *step) {
  char msg[256];
  if (err != 0)
    snprintf(msg, sizeof msg, "%s failed during %s: %s", syscall, step, strerror(err));
  else
    snprintf(msg, sizeof msg, "%s failed during %s", syscall, step);
  napi_value m, e;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, NULL, m, &e);
  st_set_str(env, e, "code", code);
  st_set_int(env, e, "errno", err);
  st_set_str(env, e, "syscall", syscall);
  st_set_str(env, e, "step", step);
  napi_throw(env, e);
  return NULL;
}

napi_value st_throw_arg(napi_env env, const char *what) {
  return st_throw(env, "linux/bad-argument", EINVAL, "addon", what);
}

napi_value st_int(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

napi_value st_bigint(napi_env env, int64_t v) {
  napi_value r;
  napi_create_bigint_int64(env, v, &r);
  return r;
}

napi_value st_ubigint(napi_env env, uint64_t v) {
  napi_value r;
  napi_create_bigint_uint64(env, v, &r);
  return r;
}

void st_set(napi_env env, napi_value obj, const char *key, napi_value v) {
  napi_set_named_property(env, obj, key, v);
}

void st_set_int(napi_env env, napi_value obj, const char *key, int64_t v) {
  st_set(env, obj, key, st_int(env, v));
}

void st_set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  st_set(env, obj, key, v);
}

void st_set_bool(napi_env env, napi_value obj, const char *key, int b) {
  napi_value v;
  napi_get_boolean(env, b != 0, &v);
  st_set(env, obj, key, v);
}

int st_has(napi_env env, napi_value obj, const char *key) {
  bool has = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok) return 0;
  if (!has) return 0;
  napi_value v;
  napi_valuetype t;
  napi_get_named_property(env, obj, key, &v);
  napi_typeof(env, v, &t);
  return t != napi_undefined && t != napi_null;
}

int st_get_i64(napi_env env, napi_value obj, const char *key, int64_t *out) {
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok ||
      napi_get_value_int64(env, v, out) != napi_ok) {
    char what[96];
    snprintf(what, sizeof what, "argument check (%s must be a number)", key);
    st_throw_arg(env, what);
    return -1;
  }
  return 0;
}

int st_get_u64_bigint(napi_env env, napi_value v, uint64_t *out) {
  bool lossless;
  if (napi_get_value_bigint_uint64(env, v, out, &lossless) != napi_ok) {
    st_throw_arg(env, "argument check (expected a bigint)");
    return -1;
  }
  return 0;
}

int st_get_bytes(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  void *p;
  if (napi_get_typedarray_info(env, v, &t, len, &p, &ab, &off) != napi_ok || t != napi_uint8_array) {
    st_throw_arg(env, "argument check (expected a Uint8Array)");
    return -1;
  }
  *data = p;
  return 0;
}

char *st_strdup_value(napi_env env, napi_value v) {
  size_t n;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) return NULL;
  char *s = malloc(n + 1);
  if (s == NULL) return NULL;
  napi_get_value_string_utf8(env, v, s, n + 1, &n);
  return s;
}
