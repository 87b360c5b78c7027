/* cfai-model-catalog-access.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an account may run, learned from the server's answers.  The
 * catalog does not say which models need the Workers Paid plan; only a
 * refusal with code 5035 does.  So the catalog listens to its client's
 * CfaiClient::model-result, marks such a model (the picker shows a badge),
 * and remembers it per account in a small key file next to the catalog
 * cache, so the badge is there before anyone tries again.  A later
 * success (the account was upgraded) takes the mark away.
 *
 * The file is read off the main thread when the catalog is made
 * (CfaiModelCatalog:access-loaded says when it is in).  A result that
 * comes before marks the model at once and is noted again on the record
 * once it is in, so nothing is lost or overwritten.  Writes stay
 * synchronous: the file is a few lines, written only when a model's mark
 * changes, after a server answer, never at startup.
 *
 *   [account <account id>]
 *   @cf/vendor/model=2026-11-27T12:00:00Z     ← when it was refused
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "cfai-error.h"
#include "cfai-model-catalog-private.h"

#define GROUP_PREFIX "account "

/* Models refused without an account id configured (not normally
 * possible: a request needs one) are remembered for the session only. */
static char *
account_group (CfaiModelCatalog *self)
{
  const char *account = self->client != NULL ? cfai_client_get_account_id (self->client) : NULL;

  if (account == NULL || *account == '\0')
    return NULL;

  return g_strconcat (GROUP_PREFIX, account, NULL);
}

static gboolean
is_refused (CfaiModelCatalog *self,
            const char       *model_id)
{
  g_autofree char *group = account_group (self);

  if (group == NULL)
    return g_hash_table_contains (self->refused_this_session, model_id);

  return g_key_file_has_key (self->access, group, model_id, NULL);
}

/* Marks the listed models as the current account's record says. */
void
_cfai_model_catalog_apply_access (CfaiModelCatalog *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      CfaiModel *model = g_ptr_array_index (self->items, i);

      cfai_model_set_needs_paid_plan (model, is_refused (self, cfai_model_get_id (model)));
    }
}

static void
save_access (CfaiModelCatalog *self)
{
  /* Before the record is read, writing would lose it. */
  if (!self->access_loaded)
    return;

  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (self->access_path);

  /* Losing the record only costs a badge until the next refusal: say so
   * in the log, never bother the user with it. */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_key_file_save_to_file (self->access, self->access_path, &error))
    g_debug ("Could not save %s: %s", self->access_path,
             error != NULL ? error->message : g_strerror (errno));
}

/* A model result that came before the record was read, kept with the
 * account it was for. */
typedef struct
{
  char   *account_id;
  char   *model_id;
  GError *error;
} PendingResult;

static void
pending_result_free (gpointer data)
{
  PendingResult *pending = data;

  g_free (pending->account_id);
  g_free (pending->model_id);
  g_clear_error (&pending->error);
  g_free (pending);
}

static void
hold_result (CfaiModelCatalog *self,
             const char       *model_id,
             const GError     *error)
{
  PendingResult *pending = g_new0 (PendingResult, 1);

  pending->account_id = g_strdup (self->client != NULL ? cfai_client_get_account_id (self->client) : NULL);
  pending->model_id = g_strdup (model_id);
  pending->error = error != NULL ? g_error_copy (error) : NULL;
  g_ptr_array_add (self->pending_results, pending);
}

/**
 * cfai_model_catalog_note_model_result:
 * @model_id: the model a request ran on
 * @error: (nullable): the server's refusal, or %NULL when it accepted
 *
 * Records what the server said about the current account and @model_id.
 * The catalog calls this itself for every #CfaiClient::model-result of
 * its client.
 */
void
cfai_model_catalog_note_model_result (CfaiModelCatalog *self,
                                      const char       *model_id,
                                      const GError     *error)
{
  g_autofree char *group = NULL;
  gboolean refused;
  CfaiModel *model;

  g_return_if_fail (CFAI_IS_MODEL_CATALOG (self));
  g_return_if_fail (model_id != NULL);

  if (error == NULL)
    refused = FALSE;
  else if (g_error_matches (error, CFAI_ERROR, CFAI_ERROR_PAID_PLAN_REQUIRED))
    refused = TRUE;
  else
    return;  /* any other error says nothing about the plan */

  if (!self->access_loaded)
    hold_result (self, model_id, error);

  if (refused == is_refused (self, model_id))
    return;

  group = account_group (self);
  if (group == NULL)
    {
      if (refused)
        g_hash_table_add (self->refused_this_session, g_strdup (model_id));
      else
        g_hash_table_remove (self->refused_this_session, model_id);
    }
  else
    {
      if (refused)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autofree char *when = g_date_time_format_iso8601 (now);

          g_key_file_set_string (self->access, group, model_id, when);
        }
      else
        {
          g_key_file_remove_key (self->access, group, model_id, NULL);
        }
      save_access (self);
    }

  model = cfai_model_catalog_lookup (self, model_id);
  if (model != NULL)
    cfai_model_set_needs_paid_plan (model, refused);
}

static void
on_model_result (CfaiModelCatalog *self,
                 const char       *model_id,
                 const GError     *error)
{
  cfai_model_catalog_note_model_result (self, model_id, error);
}

static void
on_access_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CfaiModelCatalog *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean read_ok;

  read_ok = g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error);
  /* Cancelled in dispose: @user_data is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;

  g_key_file_unref (self->access);
  self->access = g_key_file_new ();
  if (read_ok)
    {
      if (!g_key_file_load_from_data (self->access, contents, length, G_KEY_FILE_NONE, &error))
        g_debug ("Ignoring %s: %s", self->access_path, error->message);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_debug ("Ignoring %s: %s", self->access_path, error->message);

  self->access_loaded = TRUE;
  pending = g_steal_pointer (&self->pending_results);
  self->pending_results = g_ptr_array_new_with_free_func (pending_result_free);
  for (guint i = 0; i < pending->len; i++)
    {
      PendingResult *p = g_ptr_array_index (pending, i);

      /* A result for an account no longer current is that account's. */
      if (self->client == NULL ||
          g_strcmp0 (p->account_id, cfai_client_get_account_id (self->client)) == 0)
        cfai_model_catalog_note_model_result (self, p->model_id, p->error);
    }
  _cfai_model_catalog_apply_access (self);
  _cfai_model_catalog_notify_access_loaded (self);
}

/* Starts listening to the client and reads what earlier sessions
 * learned.  A missing or unreadable file is an empty record. */
void
_cfai_model_catalog_init_access (CfaiModelCatalog *self)
{
  g_autofree char *dir = g_path_get_dirname (self->cache_path);
  g_autoptr(GFile) file = NULL;

  self->access = g_key_file_new ();
  self->refused_this_session = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_results = g_ptr_array_new_with_free_func (pending_result_free);
  self->access_path = g_build_filename (dir, "model-access.ini", NULL);
  self->access_cancellable = g_cancellable_new ();

  file = g_file_new_for_path (self->access_path);
  g_file_load_contents_async (file, self->access_cancellable, on_access_read, self);

  if (self->client == NULL)
    return;

  g_signal_connect_object (self->client, "model-result",
                           G_CALLBACK (on_model_result), self, G_CONNECT_SWAPPED);
  /* Another account may have another plan. */
  g_signal_connect_object (self->client, "notify::account-id",
                           G_CALLBACK (_cfai_model_catalog_apply_access), self, G_CONNECT_SWAPPED);
}

/* In dispose: a read still under way must not call back. */
void
_cfai_model_catalog_cancel_access (CfaiModelCatalog *self)
{
  if (self->access_cancellable != NULL)
    g_cancellable_cancel (self->access_cancellable);
  g_clear_object (&self->access_cancellable);
}

void
_cfai_model_catalog_clear_access (CfaiModelCatalog *self)
{
  g_clear_pointer (&self->pending_results, g_ptr_array_unref);
  g_clear_pointer (&self->access, g_key_file_unref);
  g_clear_pointer (&self->refused_this_session, g_hash_table_unref);
  g_clear_pointer (&self->access_path, g_free);
}
