/* cfai-image-generator.c
 *
 * The request body (JSON or multipart, per model) comes from
 * CfaiImageRequest, the decoding (base64 JSON or raw bytes, checked to be an
 * image) from cfai_image_response_decode; this only connects the two over
 * the client, so retries and error mapping are the same as for chat.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cfai-image-generator.h"
#include "cfai-image-response.h"

typedef struct
{
  GBytes           *image;
  char             *mime_type;
  CfaiResponseInfo *info;
} ImageResult;

static void
image_result_free (gpointer data)
{
  ImageResult *result = data;

  g_clear_pointer (&result->image, g_bytes_unref);
  g_clear_pointer (&result->mime_type, g_free);
  g_clear_pointer (&result->info, cfai_response_info_free);
  g_free (result);
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  ImageResult *image_result = g_new0 (ImageResult, 1);

  body = cfai_client_send_finish (CFAI_CLIENT (source), result, &image_result->info, &error);
  cfai_client_report_model_result (CFAI_CLIENT (source), g_task_get_task_data (task), error);
  if (body == NULL ||
      !cfai_image_response_decode (image_result->info->http_status,
                                   image_result->info->content_type, body,
                                   &image_result->image, &image_result->mime_type, &error))
    {
      image_result_free (image_result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, image_result, image_result_free);
}

/**
 * cfai_image_generate_async:
 * @rules: (nullable): rules read from the model's schema, or %NULL for the
 *   built-in rules of a known model
 * @gateway: (nullable): AI Gateway cache controls, used when a gateway is set
 */
void
cfai_image_generate_async (CfaiClient          *client,
                           CfaiImageRequest    *request,
                           CfaiImageModelRules *rules,
                           const CfaiGatewayOptions *gateway,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (CFAI_IS_CLIENT (client));
  g_return_if_fail (CFAI_IS_IMAGE_REQUEST (request));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_generate_async);
  g_task_set_task_data (task, g_strdup (cfai_image_request_get_model (request)), g_free);

  if (!cfai_image_request_build (request, rules, &content_type, &body, &error) ||
      (url = cfai_client_build_run_url (client, cfai_image_request_get_model (request), &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cfai_client_send_async (client, SOUP_METHOD_POST, url, content_type, body, gateway,
                          cancellable, on_posted, g_steal_pointer (&task));
}

GBytes *
cfai_image_generate_finish (CfaiClient        *client,
                            GAsyncResult      *result,
                            char             **mime_type,
                            CfaiResponseInfo **info,
                            GError           **error)
{
  ImageResult *image_result;
  GBytes *image;

  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_image_generate_async, NULL);

  image_result = g_task_propagate_pointer (G_TASK (result), error);
  if (image_result == NULL)
    return NULL;

  image = g_steal_pointer (&image_result->image);
  if (mime_type != NULL)
    *mime_type = g_steal_pointer (&image_result->mime_type);
  if (info != NULL)
    *info = g_steal_pointer (&image_result->info);
  image_result_free (image_result);
  return image;
}

static void
on_schema_fetched (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) schema = NULL;
  CfaiImageModelRules *rules;

  schema = cfai_client_get_model_schema_finish (CFAI_CLIENT (source), result, &error);
  if (schema == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  rules = cfai_image_model_rules_new_from_schema (g_task_get_task_data (task),
                                                  json_object_get_member (schema, "input"),
                                                  &error);
  if (rules == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, rules, (GDestroyNotify) cfai_image_model_rules_unref);
}

/**
 * cfai_image_fetch_rules_async:
 *
 * Reads @model_id's input rules from its live schema, so a model that
 * changed its limits, or one CfAI has never heard of, is still sent a
 * valid request.  Callers fall back to cfai_image_model_rules_lookup()
 * when this fails (offline, say).
 */
void
cfai_image_fetch_rules_async (CfaiClient          *client,
                              const char          *model_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CFAI_IS_CLIENT (client));
  g_return_if_fail (model_id != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cfai_image_fetch_rules_async);
  g_task_set_task_data (task, g_strdup (model_id), g_free);
  cfai_client_get_model_schema_async (client, model_id, cancellable, on_schema_fetched, task);
}

CfaiImageModelRules *
cfai_image_fetch_rules_finish (CfaiClient    *client,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cfai_image_fetch_rules_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
