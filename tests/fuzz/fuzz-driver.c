/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays a corpus through a fuzz target without libFuzzer, so that every normal build
 * (and `make check`) runs each seed and each past finding. Arguments: files or
 * directories (read one level deep, in name order). Fails when nothing was replayed. */
#include <glib.h>
#include <stdio.h>

#include "fuzz-target.h"

#define MAX_INPUT_SIZE (1024 * 1024)

static gboolean
replay_file (const char *path,
             guint      *count)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "fuzz-driver: %s\n", error->message);
      return FALSE;
    }
  if (length > MAX_INPUT_SIZE)
    {
      fprintf (stderr, "fuzz-driver: %s: larger than %d bytes\n", path, MAX_INPUT_SIZE);
      return FALSE;
    }
  /* An exact-size copy, so that ASan sees any read past the end. */
  {
    g_autofree guint8 *copy = g_memdup2 (contents, length);
    LLVMFuzzerTestOneInput (copy, length);
  }
  (*count)++;
  return TRUE;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static gboolean
replay_dir (const char *path,
            guint      *count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  gboolean ok = TRUE;

  if (dir == NULL)
    {
      fprintf (stderr, "fuzz-driver: %s\n", error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
        ok = replay_file (file, count) && ok;
    }
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;
  gboolean ok = TRUE;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s CORPUS-DIR-OR-FILE…\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        ok = replay_dir (argv[i], &count) && ok;
      else
        ok = replay_file (argv[i], &count) && ok;
    }
  printf ("fuzz-driver: replayed %u inputs\n", count);
  return ok && count > 0 ? 0 : 1;
}
