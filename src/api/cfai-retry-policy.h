/* cfai-retry-policy.h — when and how long to wait before trying a request again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CFAI_TYPE_RETRY_POLICY (cfai_retry_policy_get_type ())

#define CFAI_RETRY_POLICY_DEFAULT_MAX_RETRIES 2
#define CFAI_RETRY_POLICY_INITIAL_DELAY_US    (G_GINT64_CONSTANT (500000))
#define CFAI_RETRY_POLICY_MAX_DELAY_US        (G_GINT64_CONSTANT (8000000))
#define CFAI_RETRY_POLICY_MAX_RETRY_AFTER_US  (G_GINT64_CONSTANT (60000000))

typedef struct _CfaiRetryPolicy CfaiRetryPolicy;

/* Wall-clock time in microseconds since the Unix epoch, like g_get_real_time(). */
typedef gint64 (*CfaiRetryClockFunc)  (gpointer user_data);
/* A uniformly distributed number in [0, 1), like g_random_double(). */
typedef double (*CfaiRetryRandomFunc) (gpointer user_data);

GType             cfai_retry_policy_get_type          (void) G_GNUC_CONST;
CfaiRetryPolicy  *cfai_retry_policy_new               (void);
CfaiRetryPolicy  *cfai_retry_policy_copy              (const CfaiRetryPolicy *self);
void              cfai_retry_policy_free              (CfaiRetryPolicy       *self);
guint             cfai_retry_policy_get_max_retries   (const CfaiRetryPolicy *self);
void              cfai_retry_policy_set_max_retries   (CfaiRetryPolicy       *self,
                                                       guint                  max_retries);
void              cfai_retry_policy_set_clock         (CfaiRetryPolicy       *self,
                                                       CfaiRetryClockFunc     now_us,
                                                       gpointer               user_data);
void              cfai_retry_policy_set_random        (CfaiRetryPolicy       *self,
                                                       CfaiRetryRandomFunc    random,
                                                       gpointer               user_data);
gboolean          cfai_retry_policy_next_delay        (CfaiRetryPolicy       *self,
                                                       guint                  attempt,
                                                       guint                  http_status,
                                                       const GError          *error,
                                                       SoupMessageHeaders    *headers,
                                                       gboolean               delivered_data,
                                                       gint64                *out_delay_us);
gboolean          cfai_retry_policy_parse_retry_after (SoupMessageHeaders    *headers,
                                                       gint64                 now_us,
                                                       gint64                *out_delay_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfaiRetryPolicy, cfai_retry_policy_free)

G_END_DECLS
