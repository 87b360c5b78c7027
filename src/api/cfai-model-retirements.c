/* cfai-model-retirements.c — models Workers AI no longer runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A conversation or a preference can name a model long after Cloudflare
 * retired it, and the server then answers only "No such model" (5007).
 * The known retirements, with what to use instead, let the catalog name
 * the model as retired and offer its replacement, before anything is
 * sent.  Sources: docs/workers-ai.md, and Cloudflare's changelog
 * "Planned model deprecations on Workers AI" (2026-05-08), which lists
 * the eighteen models retired on 2026-05-30 and recommends GLM-4.7-Flash,
 * Gemma 4 and Kimi K2.6; each replacement below is the closest of those
 * (or the variant the post says stays, such as the -fast Llamas).  A
 * trailing "*" matches a whole namespace.  Every replacement is in the
 * built-in list, which tests/test-model-catalog.c checks.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cfai-error.h"
#include "cfai-model-catalog.h"

#define LLAMA_8B  "@cf/meta/llama-3.1-8b-instruct-fast"
#define LLAMA_70B "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
#define MISTRAL   "@cf/mistralai/mistral-small-3.1-24b-instruct"
#define GLM       "@cf/zai-org/glm-4.7-flash"
#define GEMMA     "@cf/google/gemma-4-26b-a4b-it"

static const struct
{
  const char *retired;
  const char *replacement;
  const char *date;
} retirements[] = {
  { "@hf/thebloke/*",                           LLAMA_8B,  "2025-10-01" },
  { "@cf/moonshotai/kimi-k2.5",                 "@cf/moonshotai/kimi-k2.6", "2026-05-30" },
  { "@hf/meta-llama/meta-llama-3-8b-instruct",  LLAMA_8B,  "2026-05-30" },
  { "@cf/meta/llama-3-8b-instruct",             LLAMA_8B,  "2026-05-30" },
  { "@cf/meta/llama-3-8b-instruct-awq",         LLAMA_8B,  "2026-05-30" },
  { "@cf/meta/llama-3.1-8b-instruct",           LLAMA_8B,  "2026-05-30" },
  { "@cf/meta/llama-3.1-8b-instruct-awq",       LLAMA_8B,  "2026-05-30" },
  { "@cf/meta/llama-3.1-70b-instruct",          LLAMA_70B, "2026-05-30" },
  { "@cf/meta/llama-2-7b-chat-int8",            GLM,       "2026-05-30" },
  { "@cf/meta/llama-2-7b-chat-fp16",            GLM,       "2026-05-30" },
  { "@cf/mistral/mistral-7b-instruct-v0.1",     MISTRAL,   "2026-05-30" },
  { "@hf/mistral/mistral-7b-instruct-v0.2",     MISTRAL,   "2026-05-30" },
  { "@hf/google/gemma-7b-it",                   GEMMA,     "2026-05-30" },
  { "@cf/google/gemma-3-12b-it",                GEMMA,     "2026-05-30" },
  { "@hf/nousresearch/hermes-2-pro-mistral-7b", GLM,       "2026-05-30" },
  { "@cf/microsoft/phi-2",                      GLM,       "2026-05-30" },
  { "@cf/defog/sqlcoder-7b-2",                  GLM,       "2026-05-30" },
  /* An image-to-text model: Gemma 4 reads images. */
  { "@cf/unum/uform-gen2-qwen-500m",            GEMMA,     "2026-05-30" },
  /* A summarisation model: any chat model summarises. */
  { "@cf/facebook/bart-large-cnn",              GLM,       "2026-05-30" },
};

static int
find_retirement (const char *model_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (retirements); i++)
    {
      const char *retired = retirements[i].retired;
      gsize len = strlen (retired);

      if (retired[len - 1] == '*')
        {
          if (strncmp (model_id, retired, len - 1) == 0 && model_id[len - 1] != '\0')
            return i;
        }
      else if (strcmp (model_id, retired) == 0)
        {
          return i;
        }
    }

  return -1;
}

/**
 * cfai_model_catalog_suggest_replacement:
 * @retired_model_id: the id of a model that may have been retired
 *
 * Returns: (nullable): the id of the active model to use instead of
 *   @retired_model_id, or %NULL when it is not known to be retired
 */
const char *
cfai_model_catalog_suggest_replacement (const char *retired_model_id)
{
  int i;

  g_return_val_if_fail (retired_model_id != NULL, NULL);

  i = find_retirement (retired_model_id);
  return i >= 0 ? retirements[i].replacement : NULL;
}

/**
 * cfai_model_catalog_check_not_retired:
 * @model_id: the model a request is about to run
 * @error: return location for a %CFAI_ERROR_MODEL_RETIRED error
 *
 * Refuses a model known to be retired, with a message that names the
 * replacement, so that nobody waits for the server's bare 5007.
 *
 * Returns: %FALSE when @model_id is retired
 */
gboolean
cfai_model_catalog_check_not_retired (const char  *model_id,
                                      GError     **error)
{
  int i;

  g_return_val_if_fail (model_id != NULL, FALSE);

  if ((i = find_retirement (model_id)) < 0)
    return TRUE;

  g_set_error (error, CFAI_ERROR, CFAI_ERROR_MODEL_RETIRED,
               /* Translators: model ids, then a date such as 2026-05-30 */
               _("Workers AI retired %s on %s. Use %s instead."),
               model_id, retirements[i].date, retirements[i].replacement);
  return FALSE;
}

/**
 * cfai_model_catalog_explain_retired:
 * @error: (nullable): the error a request on @model_id failed with
 * @model_id: the model it ran
 *
 * When the server said it knows no such model and @model_id is a known
 * retirement, adds the replacement to @error's message.
 */
void
cfai_model_catalog_explain_retired (GError     *error,
                                    const char *model_id)
{
  const char *replacement;
  char *message;

  if (!g_error_matches (error, CFAI_ERROR, CFAI_ERROR_NO_SUCH_MODEL) || model_id == NULL ||
      (replacement = cfai_model_catalog_suggest_replacement (model_id)) == NULL)
    return;

  /* Translators: the first %s is a model id; the second an error message */
  message = g_strdup_printf (_("Workers AI retired %s; use %s instead. %s"),
                             model_id, replacement, error->message);
  g_free (error->message);
  error->message = message;
}
