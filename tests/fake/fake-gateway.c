/* fake-gateway.c — AI Gateway in front of the fake Workers AI
 *
 * /v1/ACCOUNT/GATEWAY/workers-ai/MODEL takes the same body and token as
 * /ai/run.  On top: cf-aig-log-id on every answer, a cache driven by
 * cf-aig-cache-ttl / cf-aig-skip-cache / cf-aig-cache-key, a check of
 * cf-aig-metadata, and (scenario gateway-auth) an authenticated gateway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"

#define GATEWAY_TOKEN "gw-token"

typedef struct
{
  guint   status;
  char   *content_type;
  GBytes *body;
  char   *requested_size;   /* x-fake-requested-size, or NULL */
} CachedReply;

static void
cached_reply_free (CachedReply *reply)
{
  g_free (reply->content_type);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->requested_size);
  g_free (reply);
}

GHashTable *
fake_gateway_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cached_reply_free);
}

static gboolean
metadata_is_valid (const char *header)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!(node = json_from_string (header, NULL)) || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  object = json_node_get_object (node);
  if (json_object_get_size (object) > 5)
    return FALSE;

  members = json_object_get_values (object);
  for (const GList *l = members; l; l = l->next)
    {
      JsonNode *value = l->data;
      GType type;

      if (!JSON_NODE_HOLDS_VALUE (value))
        return FALSE;
      type = json_node_get_value_type (value);
      if (type != G_TYPE_STRING && type != G_TYPE_INT64 && type != G_TYPE_DOUBLE && type != G_TYPE_BOOLEAN)
        return FALSE;
    }

  return TRUE;
}

static char *
gateway_cache_key (const FakeRequest *req)
{
  const char *ttl = fake_request_header (req, "cf-aig-cache-ttl");
  const char *skip = fake_request_header (req, "cf-aig-skip-cache");
  const char *key = fake_request_header (req, "cf-aig-cache-key");
  g_autoptr(GChecksum) checksum = NULL;
  g_autoptr(GBytes) body = NULL;
  guint64 seconds;

  if (ttl == NULL || !g_ascii_string_to_unsigned (ttl, 10, 1, G_MAXUINT64, &seconds, NULL))
    return NULL;
  if (skip != NULL && g_ascii_strcasecmp (skip, "true") == 0)
    return NULL;

  /* The scenario is part of the key so that tests sharing one server do
   * not see each other's entries. */
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) req->scenario, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  if (key != NULL)
    {
      g_checksum_update (checksum, (const guchar *) "key:", 4);
      g_checksum_update (checksum, (const guchar *) key, -1);
    }
  else
    {
      body = fake_request_body (req);
      g_checksum_update (checksum, (const guchar *) req->path, -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
      g_checksum_update (checksum, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }

  return g_strdup (g_checksum_get_string (checksum));
}

static void
store_in_cache (const FakeRequest *req,
                const char        *key)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  CachedReply *reply;

  if (soup_server_message_get_status (req->msg) != SOUP_STATUS_OK)
    return;

  reply = g_new0 (CachedReply, 1);
  reply->status = SOUP_STATUS_OK;
  reply->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  reply->body = soup_message_body_flatten (soup_server_message_get_response_body (req->msg));
  reply->requested_size = g_strdup (soup_message_headers_get_one (headers, "x-fake-requested-size"));
  g_hash_table_replace (req->self->gateway_cache, g_strdup (key), reply);
}

void
fake_handle_gateway (const FakeRequest *req)
{
  g_auto(GStrv) parts = g_strsplit (req->path + strlen ("/v1/"), "/", 4);
  g_autofree char *log_id = g_uuid_string_random ();
  g_autofree char *cache_key = NULL;
  const char *metadata;
  const char *target;
  CachedReply *cached;
  gboolean streaming;

  fake_set_header (req, "cf-aig-log-id", log_id);

  if (g_strv_length (parts) < 4 || *parts[0] == '\0' || *parts[1] == '\0' ||
      !g_str_equal (parts[2], "workers-ai") || *parts[3] == '\0')
    {
      fake_send_gateway_error (req, SOUP_STATUS_NOT_FOUND, 2002, "Unsupported provider or route");
      return;
    }

  if (fake_scenario_is (req, "gateway-auth") &&
      g_strcmp0 (fake_request_header (req, "cf-aig-authorization"), "Bearer " GATEWAY_TOKEN) != 0)
    {
      fake_send_gateway_error (req, SOUP_STATUS_UNAUTHORIZED, 2009, "Unauthorized");
      return;
    }

  metadata = fake_request_header (req, "cf-aig-metadata");
  if (metadata != NULL && !metadata_is_valid (metadata))
    {
      fake_send_gateway_error (req, SOUP_STATUS_BAD_REQUEST, 0,
                               "cf-aig-metadata must be a JSON object of at most 5 string, number or boolean entries");
      return;
    }

  if (!fake_account_id_is_valid (parts[0]))
    {
      fake_send_gateway_error (req, SOUP_STATUS_BAD_REQUEST, 2001,
                               "Please configure AI Gateway in the Cloudflare dashboard");
      return;
    }

  if (!fake_is_method (req, SOUP_METHOD_POST))
    {
      fake_send_method_not_allowed (req);
      return;
    }

  /* Workers AI still checks the API token behind the gateway. */
  if (fake_authorized_token (req) == NULL)
    {
      fake_send_auth_error (req, 10000, "Authentication error");
      return;
    }

  cache_key = gateway_cache_key (req);
  if (cache_key != NULL && (cached = g_hash_table_lookup (req->self->gateway_cache, cache_key)))
    {
      fake_set_header (req, "cf-aig-cache-status", "HIT");
      if (cached->requested_size != NULL)
        fake_set_header (req, "x-fake-requested-size", cached->requested_size);
      fake_send_bytes (req, cached->status, cached->content_type, cached->body);
      return;
    }
  fake_set_header (req, "cf-aig-cache-status", "MISS");

  target = parts[3];
  if (g_str_equal (target, "v1/chat/completions"))
    streaming = fake_handle_chat_completions (req);
  else
    streaming = fake_handle_run (req, target);

  /* Streams are passed through, not cached. */
  if (cache_key != NULL && !streaming)
    store_in_cache (req, cache_key);
}
