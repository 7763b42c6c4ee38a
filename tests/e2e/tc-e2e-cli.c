/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-e2e-cli"

#include "tc-e2e-cli.h"

static void read_next_line (TcE2eClient *client);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  TcE2eClient *client = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     NULL, NULL);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (line == NULL)
    {
      client->eof = TRUE;
      return;
    }
  parser = json_parser_new ();
  root = json_parser_load_from_data (parser, line, -1, NULL) ? json_parser_get_root (parser) : NULL;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *event = json_node_get_object (root);
      const char *name = json_object_get_string_member_with_default (event, "event", "");

      g_ptr_array_add (client->events, json_object_ref (event));
      /* Stats come every second: the log keeps the rest, which tells the story. */
      if (!g_str_equal (name, "stats"))
        g_printerr ("[%s +%.1fs] %s\n", client->label, (g_get_monotonic_time () - client->started_us) / 1e6, line);
    }
  else
    g_printerr ("[%s] (not JSON) %s\n", client->label, line);
  read_next_line (client);
}

static void
read_next_line (TcE2eClient *client)
{
  g_data_input_stream_read_line_async (client->out, G_PRIORITY_DEFAULT, NULL, on_line, client);
}

TcE2eClient *
tc_e2e_cli_spawn (const char          *label,
                  const char          *ns,
                  const char * const  *env,
                  const char          *cwd,
                  const char * const  *argv,
                  GError             **error)
{
  g_autoptr(GStrvBuilder) full_env = g_strv_builder_new ();
  g_auto(GStrv) env_strv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  TcE2eClient *client;

  g_strv_builder_add (full_env, "TC_MEDIA_SOURCES=test");
  if (env != NULL)
    g_strv_builder_addv (full_env, (const char **) env);
  env_strv = g_strv_builder_end (full_env);
  process = tc_test_netns_spawn_full (ns, G_SUBPROCESS_FLAGS_STDOUT_PIPE, (const char * const *) env_strv, cwd,
                                      argv, error);
  if (process == NULL)
    return NULL;

  /* Allocated as tc-e2e-call.c allocates its own, so tc_e2e_call_free() can free it. */
  client = g_new0 (TcE2eClient, 1);
  client->label = g_strdup (label);
  client->process = g_steal_pointer (&process);
  client->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  client->started_us = g_get_monotonic_time ();
  client->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client->process));
  read_next_line (client);
  return client;
}

gboolean
tc_e2e_cli_kill (TcE2eClient *client,
                 guint        timeout_ms)
{
  g_subprocess_force_exit (client->process);
  return tc_e2e_client_wait_exit (client, timeout_ms, NULL);
}

void
tc_e2e_cli_free (TcE2eClient *client)
{
  if (client == NULL)
    return;
  tc_test_terminate (client->process, 5000);
  /* The pending read must end before the client goes: it ends at EOF. */
  for (guint i = 0; i < 200 && !client->eof; i++)
    tc_e2e_spin (10);
  g_clear_object (&client->process);
  g_clear_object (&client->out);
  g_ptr_array_unref (client->events);
  g_free (client->label);
  g_free (client);
}

GPtrArray *
tc_e2e_cli_collect (TcE2eClient *client,
                    const char  *event,
                    const char  *key)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < client->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (client->events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "event", ""), event) == 0)
        g_ptr_array_add (values, g_strdup (json_object_get_string_member_with_default (e, key, "")));
    }
  return values;
}
