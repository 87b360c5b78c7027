/* cfai-error.h — the CFAI_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CFAI_ERROR (cfai_error_quark ())

/* Codes are chosen by what a UI can do about them, not by HTTP status:
 * each one maps to one message and one remedy in the interface. */
typedef enum
{
  CFAI_ERROR_FAILED,               /* anything we cannot classify better */
  CFAI_ERROR_AUTH,                 /* bad or under-privileged token: fix it in preferences */
  CFAI_ERROR_NO_CREDENTIALS,       /* no account id or token configured yet */
  CFAI_ERROR_NO_SUCH_MODEL,        /* 5007/3042: pick another model (may be retired) */
  CFAI_ERROR_INVALID_INPUT,        /* 5004/5012/1000/3003: see the error's field */
  CFAI_ERROR_LICENCE_REQUIRED,     /* 5016: accept the model's licence first */
  CFAI_ERROR_MODEL_NOT_ALLOWED,    /* 5018/3041: account may not use this model */
  CFAI_ERROR_PAID_PLAN_REQUIRED,   /* 5035: needs Workers Paid */
  CFAI_ERROR_ACCOUNT_BLOCKED,      /* 3023 */
  CFAI_ERROR_CONTEXT_EXCEEDED,     /* 5021: prompt + max_tokens > context window */
  CFAI_ERROR_DAILY_LIMIT,          /* 3036: free allocation used up; resets 00:00 UTC */
  CFAI_ERROR_CAPACITY,             /* 3040: out of capacity, retry later */
  CFAI_ERROR_RATE_LIMITED,         /* 429 without a code: retry after Retry-After */
  CFAI_ERROR_NSFW,                 /* 3030: safety filter tripped, show prompt hints */
  CFAI_ERROR_TOO_LARGE,            /* 3006/413: shrink the request */
  CFAI_ERROR_TIMEOUT,              /* 3007/3008/408 or a local timeout */
  CFAI_ERROR_SERVER,               /* 5xx */
  CFAI_ERROR_NETWORK,              /* could not reach the server */
  CFAI_ERROR_TRUNCATED_STREAM,     /* the stream ended before [DONE] */
  CFAI_ERROR_PROTOCOL,             /* an answer we cannot understand */
  CFAI_ERROR_NO_KEYRING,           /* no Secret Service: token kept for this session only */
  CFAI_ERROR_MODEL_RETIRED,        /* a known retired model, refused before sending: offer its replacement */
} CfaiErrorCode;

/* CFAI_ERROR is an extended error domain: besides code and message, every
 * GError of it carries the details below, so a UI can act on the error
 * (highlight a field, offer to trim history, count down to a retry) without
 * parsing the message.  Getters accept any GError (or NULL) and return the
 * "unknown" value for errors of other domains. */
GQuark       cfai_error_quark               (void);

guint        cfai_error_get_http_status     (const GError *error);
gint64       cfai_error_get_api_code        (const GError *error);
const char  *cfai_error_get_field           (const GError *error);
gboolean     cfai_error_get_context_tokens  (const GError *error,
                                             gint64       *requested,
                                             gint64       *limit);
gint64       cfai_error_get_retry_after_us  (const GError *error);
const char  *cfai_error_get_detail          (const GError *error);
gboolean     cfai_error_is_bug              (const GError *error);

/* Setters are for the api layer, which builds these errors; they are no-ops
 * on errors of other domains. */
void         cfai_error_set_http_status     (GError       *error,
                                             guint         http_status);
void         cfai_error_set_api_code        (GError       *error,
                                             gint64        api_code);
void         cfai_error_set_field           (GError       *error,
                                             const char   *field);
void         cfai_error_set_context_tokens  (GError       *error,
                                             gint64        requested,
                                             gint64        limit);
void         cfai_error_set_retry_after_us  (GError       *error,
                                             gint64        retry_after_us);
void         cfai_error_set_detail          (GError       *error,
                                             const char   *detail);
void         cfai_error_set_is_bug          (GError       *error,
                                             gboolean      is_bug);

G_END_DECLS
