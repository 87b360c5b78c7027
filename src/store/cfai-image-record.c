/* cfai-image-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cfai-image-record.h"
#include "cfai-image-store-private.h"

struct _CfaiImageRecord
{
  GObject  parent_instance;

  gint64   id;
  char    *prompt;
  char    *negative_prompt;
  char    *model;
  char    *parameters;
  gint64   seed;
  guint    width;
  guint    height;
  char    *mime_type;
  char    *file_name;
  char    *path;
  char    *thumbnail_path;
  GStrv    reference_files;
  GStrv    reference_paths;
  gint64   created_at;
  double   estimated_cost;

  char    *search_key;     /* from the row, or made on the first search */
};

G_DEFINE_FINAL_TYPE (CfaiImageRecord, cfai_image_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PROMPT,
  PROP_NEGATIVE_PROMPT,
  PROP_MODEL,
  PROP_PARAMETERS,
  PROP_SEED,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_MIME_TYPE,
  PROP_PATH,
  PROP_THUMBNAIL_PATH,
  PROP_REFERENCE_PATHS,
  PROP_CREATED_AT,
  PROP_ESTIMATED_COST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
cfai_image_row_free (CfaiImageRow *row)
{
  if (row == NULL)
    return;

  g_free (row->prompt);
  g_free (row->negative_prompt);
  g_free (row->model);
  g_free (row->params);
  g_free (row->mime_type);
  g_free (row->file_name);
  g_strfreev (row->reference_files);
  g_strfreev (row->reference_mimes);
  g_free (row->search_key);
  g_free (row);
}

static void
cfai_image_record_finalize (GObject *object)
{
  CfaiImageRecord *self = CFAI_IMAGE_RECORD (object);

  g_free (self->prompt);
  g_free (self->negative_prompt);
  g_free (self->model);
  g_free (self->parameters);
  g_free (self->mime_type);
  g_free (self->file_name);
  g_free (self->path);
  g_free (self->thumbnail_path);
  g_strfreev (self->reference_files);
  g_strfreev (self->reference_paths);
  g_free (self->search_key);

  G_OBJECT_CLASS (cfai_image_record_parent_class)->finalize (object);
}

static void
cfai_image_record_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CfaiImageRecord *self = CFAI_IMAGE_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, self->id); break;
    case PROP_PROMPT: g_value_set_string (value, self->prompt); break;
    case PROP_NEGATIVE_PROMPT: g_value_set_string (value, self->negative_prompt); break;
    case PROP_MODEL: g_value_set_string (value, self->model); break;
    case PROP_PARAMETERS: g_value_set_string (value, self->parameters); break;
    case PROP_SEED: g_value_set_int64 (value, self->seed); break;
    case PROP_WIDTH: g_value_set_uint (value, self->width); break;
    case PROP_HEIGHT: g_value_set_uint (value, self->height); break;
    case PROP_MIME_TYPE: g_value_set_string (value, self->mime_type); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_THUMBNAIL_PATH: g_value_set_string (value, self->thumbnail_path); break;
    case PROP_REFERENCE_PATHS: g_value_set_boxed (value, self->reference_paths); break;
    case PROP_CREATED_AT: g_value_set_int64 (value, self->created_at); break;
    case PROP_ESTIMATED_COST: g_value_set_double (value, self->estimated_cost); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cfai_image_record_class_init (CfaiImageRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = cfai_image_record_finalize;
  object_class->get_property = cfai_image_record_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PROMPT] = g_param_spec_string ("prompt", NULL, NULL, NULL, flags);
  /**
   * CfaiImageRecord:negative-prompt:
   *
   * %NULL when none was sent.
   */
  properties[PROP_NEGATIVE_PROMPT] = g_param_spec_string ("negative-prompt", NULL, NULL, NULL, flags);
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  /**
   * CfaiImageRecord:parameters:
   *
   * Every setting as a JSON object (cfai_image_request_to_json()).
   */
  properties[PROP_PARAMETERS] = g_param_spec_string ("parameters", NULL, NULL, NULL, flags);
  /**
   * CfaiImageRecord:seed:
   *
   * The seed sent; -1 for a model that takes none.
   */
  properties[PROP_SEED] = g_param_spec_int64 ("seed", NULL, NULL, -1, G_MAXINT64, -1, flags);
  /**
   * CfaiImageRecord:width:
   *
   * The picture's own width, read from its file.
   */
  properties[PROP_WIDTH] = g_param_spec_uint ("width", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_HEIGHT] = g_param_spec_uint ("height", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MIME_TYPE] = g_param_spec_string ("mime-type", NULL, NULL, NULL, flags);
  /**
   * CfaiImageRecord:path:
   *
   * The picture's file, with its settings written into it.
   */
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  /**
   * CfaiImageRecord:thumbnail-path:
   *
   * Where the UI keeps this picture's thumbnail (a PNG it makes with a
   * decoder; the store has none).  Stable across runs; the store removes
   * the file with the picture.
   */
  properties[PROP_THUMBNAIL_PATH] = g_param_spec_string ("thumbnail-path", NULL, NULL, NULL, flags);
  /**
   * CfaiImageRecord:reference-paths:
   *
   * The reference images the picture was made from, in order.
   */
  properties[PROP_REFERENCE_PATHS] = g_param_spec_boxed ("reference-paths", NULL, NULL, G_TYPE_STRV, flags);
  /**
   * CfaiImageRecord:created-at:
   *
   * When it was made, in microseconds since the epoch.
   */
  properties[PROP_CREATED_AT] = g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /**
   * CfaiImageRecord:estimated-cost:
   *
   * In US dollars; negative when unknown.
   */
  properties[PROP_ESTIMATED_COST] = g_param_spec_double ("estimated-cost", NULL, NULL,
                                                         -G_MAXDOUBLE, G_MAXDOUBLE, -1, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfai_image_record_init (CfaiImageRecord *self)
{
  self->seed = -1;
  self->estimated_cost = -1;
}

static char *
thumbnail_name (const char *file_name)
{
  g_autofree char *base = g_path_get_basename (file_name);
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';

  return g_strconcat (base, ".png", NULL);
}

CfaiImageRecord *
cfai_image_record_new_from_row (const CfaiImageRow *row,
                                const char         *images_dir,
                                const char         *thumbnails_dir)
{
  CfaiImageRecord *self = g_object_new (CFAI_TYPE_IMAGE_RECORD, NULL);
  g_autofree char *thumbnail = thumbnail_name (row->file_name);
  guint n = g_strv_length (row->reference_files);

  self->id = row->id;
  self->prompt = g_strdup (row->prompt);
  self->negative_prompt = g_strdup (row->negative_prompt);
  self->model = g_strdup (row->model);
  self->parameters = g_strdup (row->params);
  self->seed = row->seed;
  self->width = row->width;
  self->height = row->height;
  self->mime_type = g_strdup (row->mime_type);
  self->file_name = g_strdup (row->file_name);
  self->path = g_build_filename (images_dir, row->file_name, NULL);
  self->thumbnail_path = g_build_filename (thumbnails_dir, thumbnail, NULL);
  self->reference_files = g_strdupv (row->reference_files);
  self->reference_paths = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->reference_paths[i] = g_build_filename (images_dir, row->reference_files[i], NULL);
  self->created_at = row->created_at;
  self->estimated_cost = row->estimated_cost;
  self->search_key = g_strdup (row->search_key);

  return self;
}

gint64
cfai_image_record_get_id (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), 0);
  return self->id;
}

const char *
cfai_image_record_get_prompt (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->prompt;
}

const char *
cfai_image_record_get_negative_prompt (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->negative_prompt;
}

const char *
cfai_image_record_get_model (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->model;
}

const char *
cfai_image_record_get_parameters (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->parameters;
}

gint64
cfai_image_record_get_seed (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), -1);
  return self->seed;
}

guint
cfai_image_record_get_width (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), 0);
  return self->width;
}

guint
cfai_image_record_get_height (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), 0);
  return self->height;
}

const char *
cfai_image_record_get_mime_type (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->mime_type;
}

const char *
cfai_image_record_get_path (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->path;
}

const char *
cfai_image_record_get_thumbnail_path (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return self->thumbnail_path;
}

/**
 * cfai_image_record_get_reference_paths:
 *
 * Returns: (transfer none): the reference images' files, in order; empty
 *   when there were none
 */
const char * const *
cfai_image_record_get_reference_paths (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);
  return (const char * const *) self->reference_paths;
}

gint64
cfai_image_record_get_created_at (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), 0);
  return self->created_at;
}

double
cfai_image_record_get_estimated_cost (CfaiImageRecord *self)
{
  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), -1);
  return self->estimated_cost;
}

const char *
cfai_image_record_get_file_name (CfaiImageRecord *self)
{
  return self->file_name;
}

const char * const *
cfai_image_record_get_reference_files (CfaiImageRecord *self)
{
  return (const char * const *) self->reference_files;
}

/**
 * cfai_image_record_dup_request:
 *
 * "Reuse settings": a request with every setting the picture was made
 * with, its seed included.  Reference images are not added: they are
 * files (#CfaiImageRecord:reference-paths) the UI may scale again.
 *
 * Returns: (transfer full) (nullable): the request, or %NULL when the
 *   saved settings cannot be read
 */
CfaiImageRequest *
cfai_image_record_dup_request (CfaiImageRecord *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), NULL);

  node = json_from_string (self->parameters, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return cfai_image_request_new_from_json (json_node_get_object (node), NULL);
}

/* Case and compatibility forms folded, so "KYŌTO" finds "Kyōto".  The
 * store makes each record's key on its worker: folding 2,000 prompts on
 * the first keystroke of a search took 10 ms of a frame. */
char *
cfai_image_fold_for_search (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL);

  return normalized != NULL ? g_utf8_casefold (normalized, -1) : g_strdup ("");
}

/**
 * cfai_image_record_matches:
 * @search: (nullable): words that must all occur in the prompt, in any
 *   order and case; %NULL or blank matches every record
 * @model: (nullable): a model id the record must have been made with;
 *   %NULL or "" for any
 *
 * The gallery's one notion of a match, for a GtkCustomFilter over
 * cfai_image_store_get_images(): filtering in memory keeps new pictures
 * appearing live, and 2,000 records filter in well under a millisecond
 * (bench-image-store measures it).
 */
gboolean
cfai_image_record_matches (CfaiImageRecord *self,
                           const char      *search,
                           const char      *model)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (CFAI_IS_IMAGE_RECORD (self), FALSE);

  if (model != NULL && *model != '\0' && g_strcmp0 (self->model, model) != 0)
    return FALSE;

  if (search == NULL || *search == '\0')
    return TRUE;

  if (self->search_key == NULL)
    self->search_key = cfai_image_fold_for_search (self->prompt);

  folded = cfai_image_fold_for_search (search);
  words = g_strsplit_set (folded, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] != '\0' && strstr (self->search_key, words[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}
