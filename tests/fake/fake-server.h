/* fake-server.h — what the parts of fake-workers-ai share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sys/types.h>

#include "fake-catalog.h"
#include "fake-schema.h"

G_BEGIN_DECLS

#define FAKE_STATUS_TOO_MANY_REQUESTS 429  /* libsoup has no name for it */

typedef struct
{
  int         code;
  guint       status;
  const char *message;   /* "{model}" is replaced by the model asked for */
} FakeAiError;

typedef struct
{
  SoupServer  *server;
  FakeCatalog *catalog;
  GHashTable  *tokens;         /* valid bearer tokens */
  GHashTable  *counters;       /* flaky key → requests seen */
  GHashTable  *gateway_cache;  /* cache key → cached reply */
  GHashTable  *affinity;       /* x-session-affinity → the last turn's messages (GStrv of JSON) */
  JsonNode    *last_text_run;  /* {"model", "body"} of the last valid text /ai/run */
  GHashTable  *client_ports;   /* the port of every connection a request came on */
  GMainLoop   *loop;
  pid_t        parent;         /* who started us; see check_parent() */
} FakeServer;

typedef struct
{
  FakeServer        *self;
  SoupServerMessage *msg;
  const char        *scenario;  /* as in the URL, "" when none */
  char             **scenarios; /* its '+'-separated parts */
  const char        *path;      /* decoded, without the scenario prefix */
  GHashTable        *query;
} FakeRequest;

typedef enum
{
  FAKE_RESULT_NULL,     /* auth and routing errors come with "result": null */
  FAKE_RESULT_EMPTY,    /* Workers AI errors come with "result": {} */
} FakeResultKind;

gboolean           fake_scenario_is             (const FakeRequest     *req,
                                                 const char            *name);
const char        *fake_scenario_with_prefix    (const FakeRequest     *req,
                                                 const char            *prefix);
const FakeAiError *fake_scenario_error          (const FakeRequest     *req);
const FakeAiError *fake_ai_error_find           (const char            *scenario);
const char        *fake_request_header          (const FakeRequest     *req,
                                                 const char            *name);
void               fake_set_header              (const FakeRequest     *req,
                                                 const char            *name,
                                                 const char            *value);

JsonNode          *fake_json_member             (JsonObject            *object,
                                                 const char            *name);
const char        *fake_json_string             (JsonObject            *object,
                                                 const char            *name);
gboolean           fake_json_true               (JsonObject            *object,
                                                 const char            *name);
gboolean           fake_json_false              (JsonObject            *object,
                                                 const char            *name);
gboolean           fake_json_int                (JsonObject            *object,
                                                 const char            *name,
                                                 gint64                *value);

JsonNode          *fake_envelope_success        (JsonNode              *result,
                                                 JsonNode              *result_info,
                                                 JsonNode              *messages);
JsonNode          *fake_envelope_error          (FakeResultKind         result,
                                                 int                    code,
                                                 const char            *message,
                                                 JsonNode              *details);
void               fake_send_bytes              (const FakeRequest     *req,
                                                 guint                  status,
                                                 const char            *content_type,
                                                 GBytes                *body);
void               fake_send_text               (const FakeRequest     *req,
                                                 guint                  status,
                                                 const char            *content_type,
                                                 const char            *text);
void               fake_send_json               (const FakeRequest     *req,
                                                 guint                  status,
                                                 JsonNode              *node);
void               fake_send_ai_error           (const FakeRequest     *req,
                                                 guint                  status,
                                                 int                    code,
                                                 const char            *message);
void               fake_send_auth_error         (const FakeRequest     *req,
                                                 int                    code,
                                                 const char            *message);
void               fake_send_no_route           (const FakeRequest     *req);
void               fake_send_method_not_allowed (const FakeRequest     *req);
void               fake_send_gateway_error      (const FakeRequest     *req,
                                                 guint                  status,
                                                 int                    code,
                                                 const char            *message);
void               fake_send_html               (const FakeRequest     *req,
                                                 guint                  status);
void               fake_send_validation_error   (const FakeRequest     *req,
                                                 const FakeSchemaError *error);
gboolean           fake_send_scenario_ai_error  (const FakeRequest     *req,
                                                 const char            *model);

gboolean           fake_account_id_is_valid     (const char            *id);
const char        *fake_authorized_token        (const FakeRequest     *req);
gboolean           fake_is_method               (const FakeRequest     *req,
                                                 const char            *method);

GBytes            *fake_request_body            (const FakeRequest     *req);
const FakeModel   *fake_find_model              (const FakeRequest     *req,
                                                 const char            *name);
gboolean           fake_handle_run              (const FakeRequest     *req,
                                                 const char            *model_name);
gboolean           fake_handle_chat_completions (const FakeRequest     *req);

GHashTable        *fake_gateway_cache_new       (void);
void               fake_handle_gateway          (const FakeRequest     *req);

G_END_DECLS
