/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One person in a consultation's waiting room, as a list item the UI can bind. */
#include "tc-waiting-entry.h"

enum {
  PROP_0,
  PROP_PARTICIPANT_ID,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_WAITING_SINCE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TcWaitingEntry
{
  GObject parent_instance;

  char   *participant_id;
  char   *display_name;
  char   *role;
  gint64  waiting_since;
};

G_DEFINE_TYPE (TcWaitingEntry, tc_waiting_entry, G_TYPE_OBJECT)

static void
tc_waiting_entry_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TcWaitingEntry *self = TC_WAITING_ENTRY (object);

  switch (prop_id)
    {
    case PROP_PARTICIPANT_ID:
      g_value_set_string (value, self->participant_id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_WAITING_SINCE:
      g_value_set_int64 (value, self->waiting_since);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_waiting_entry_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TcWaitingEntry *self = TC_WAITING_ENTRY (object);

  switch (prop_id)
    {
    case PROP_PARTICIPANT_ID:
      self->participant_id = g_value_dup_string (value);
      break;
    case PROP_DISPLAY_NAME:
      self->display_name = g_value_dup_string (value);
      break;
    case PROP_ROLE:
      self->role = g_value_dup_string (value);
      break;
    case PROP_WAITING_SINCE:
      self->waiting_since = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tc_waiting_entry_finalize (GObject *object)
{
  TcWaitingEntry *self = TC_WAITING_ENTRY (object);

  g_free (self->participant_id);
  g_free (self->display_name);
  g_free (self->role);

  G_OBJECT_CLASS (tc_waiting_entry_parent_class)->finalize (object);
}

static void
tc_waiting_entry_class_init (TcWaitingEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tc_waiting_entry_get_property;
  object_class->set_property = tc_waiting_entry_set_property;
  object_class->finalize = tc_waiting_entry_finalize;

  props[PROP_PARTICIPANT_ID] = g_param_spec_string ("participant-id", NULL, NULL, NULL, flags);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  props[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  props[PROP_WAITING_SINCE] = g_param_spec_int64 ("waiting-since", NULL, NULL,
                                                  0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tc_waiting_entry_init (TcWaitingEntry *self)
{
}

TcWaitingEntry *
tc_waiting_entry_new (const char *participant_id,
                      const char *display_name,
                      const char *role,
                      gint64      waiting_since)
{
  return g_object_new (TC_TYPE_WAITING_ENTRY,
                       "participant-id", participant_id,
                       "display-name", display_name,
                       "role", role,
                       "waiting-since", waiting_since,
                       NULL);
}

const char *
tc_waiting_entry_get_participant_id (TcWaitingEntry *self)
{
  g_return_val_if_fail (TC_IS_WAITING_ENTRY (self), NULL);
  return self->participant_id;
}

const char *
tc_waiting_entry_get_display_name (TcWaitingEntry *self)
{
  g_return_val_if_fail (TC_IS_WAITING_ENTRY (self), NULL);
  return self->display_name;
}

const char *
tc_waiting_entry_get_role (TcWaitingEntry *self)
{
  g_return_val_if_fail (TC_IS_WAITING_ENTRY (self), NULL);
  return self->role;
}

gint64
tc_waiting_entry_get_waiting_since (TcWaitingEntry *self)
{
  g_return_val_if_fail (TC_IS_WAITING_ENTRY (self), 0);
  return self->waiting_since;
}
