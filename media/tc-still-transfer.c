/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-still"

#include "tc-still-transfer.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define MAX_TEXT_LENGTH 65535
#define MAX_REASON_LENGTH 32

G_DEFINE_QUARK (tc-still-error-quark, tc_still_error)

static const struct {
  TcStillMessageType type;
  const char *name;
} message_names[] = {
  { TC_STILL_MESSAGE_REQUEST, "still-request" },
  { TC_STILL_MESSAGE_BEGIN, "still-begin" },
  { TC_STILL_MESSAGE_CHUNK, "still-chunk" },
  { TC_STILL_MESSAGE_END, "still-end" },
  { TC_STILL_MESSAGE_ACK, "still-ack" },
  { TC_STILL_MESSAGE_NACK, "still-nack" },
};

void
tc_still_message_free (TcStillMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->id);
  g_free (message->mime);
  g_free (message->sha256);
  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message->reason);
  g_free (message);
}

gboolean
tc_still_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;
  len = strlen (id);
  if (len == 0 || len > TC_STILL_MAX_ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
tc_still_new_id (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

static gboolean
mime_is_valid (const char *mime)
{
  return g_strcmp0 (mime, "image/png") == 0 || g_strcmp0 (mime, "image/jpeg") == 0;
}

static gboolean
sha256_is_valid (const char *hex)
{
  if (hex == NULL || strlen (hex) != 64)
    return FALSE;
  for (const char *p = hex; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static gboolean
reason_is_valid (const char *reason)
{
  gsize len = strlen (reason);

  if (len == 0 || len > MAX_REASON_LENGTH)
    return FALSE;
  for (const char *p = reason; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_b64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* g_base64_decode() skips characters it does not know; a transfer must not, so check first. */
static GBytes *
decode_base64_strict (const char  *text,
                      GError     **error)
{
  gsize len = strlen (text);
  gsize pad = 0;
  gsize out_len = 0;
  guchar *out;

  if (len == 0)
    return g_bytes_new (NULL, 0);
  if (len % 4 != 0)
    goto bad;
  if (text[len - 1] == '=')
    pad++;
  if (text[len - 2] == '=')
    pad++;
  for (gsize i = 0; i < len - pad; i++)
    if (!is_b64_char (text[i]))
      goto bad;
  out = g_base64_decode (text, &out_len);
  if (out_len != len / 4 * 3 - pad)
    {
      g_free (out);
      goto bad;
    }
  return g_bytes_new_take (out, out_len);

bad:
  g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_BASE64, "Image chunk is not valid base64");
  return NULL;
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still message has no “%s”", name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still message field “%s” is not text", name);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_uint (JsonObject  *object,
          const char  *name,
          guint64      max,
          guint64     *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE,
                   "Still message field “%s” is missing or not a whole number", name);
      return FALSE;
    }
  v = json_node_get_int (node);
  if (v < 0 || (guint64) v > max)
    {
      g_set_error (error, TC_STILL_ERROR,
                   g_str_equal (name, "size") ? TC_STILL_ERROR_TOO_LARGE : TC_STILL_ERROR_BAD_MESSAGE,
                   "Still message field “%s” is out of range", name);
      return FALSE;
    }
  *out = (guint64) v;
  return TRUE;
}

static gboolean
parse_fields (JsonObject      *object,
              TcStillMessage  *m,
              GError         **error)
{
  const char *s = NULL;
  guint64 v = 0;

  if (!get_string (object, "id", TRUE, &s, error))
    return FALSE;
  if (!tc_still_id_is_valid (s))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still message has a bad id");
      return FALSE;
    }
  m->id = g_strdup (s);

  switch (m->type)
    {
    case TC_STILL_MESSAGE_BEGIN:
      if (!get_string (object, "mime", TRUE, &s, error))
        return FALSE;
      if (!mime_is_valid (s))
        {
          g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still image is neither PNG nor JPEG");
          return FALSE;
        }
      m->mime = g_strdup (s);
      if (!get_string (object, "sha256", TRUE, &s, error))
        return FALSE;
      if (!sha256_is_valid (s))
        {
          g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still checksum is not a SHA-256");
          return FALSE;
        }
      m->sha256 = g_strdup (s);
      /* The real limit is the reassembler's; this only keeps the numbers sane. */
      if (!get_uint (object, "size", G_MAXUINT32, &m->size, error)
          || !get_uint (object, "chunks", G_MAXUINT32 / TC_STILL_CHUNK_SIZE + 1, &v, error))
        return FALSE;
      m->chunks = (guint) v;
      return TRUE;

    case TC_STILL_MESSAGE_CHUNK:
      if (!get_uint (object, "n", G_MAXUINT32 / TC_STILL_CHUNK_SIZE + 1, &v, error))
        return FALSE;
      m->n = (guint) v;
      if (!get_string (object, "data", TRUE, &s, error))
        return FALSE;
      /* Refuse an oversized chunk before decoding it. */
      if (strlen (s) > (TC_STILL_CHUNK_SIZE + 2) / 3 * 4)
        {
          g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE, "Still chunk is larger than %u bytes",
                       TC_STILL_CHUNK_SIZE);
          return FALSE;
        }
      m->data = decode_base64_strict (s, error);
      if (m->data != NULL && g_bytes_get_size (m->data) > TC_STILL_CHUNK_SIZE)
        {
          g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE, "Still chunk is larger than %u bytes",
                       TC_STILL_CHUNK_SIZE);
          return FALSE;
        }
      return m->data != NULL;

    case TC_STILL_MESSAGE_NACK:
    case TC_STILL_MESSAGE_ACK:
      if (!get_string (object, "reason", m->type == TC_STILL_MESSAGE_NACK, &s, error))
        return FALSE;
      if (s != NULL)
        {
          if (!reason_is_valid (s))
            {
              g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still reason is not a short code");
              return FALSE;
            }
          m->reason = g_strdup (s);
        }
      return TRUE;

    case TC_STILL_MESSAGE_REQUEST:
    case TC_STILL_MESSAGE_END:
    default:
      return TRUE;
    }
}

TcStillMessage *
tc_still_message_parse (const char  *text,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TcStillMessage) m = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type = NULL;
  gboolean known = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  if (strnlen (text, MAX_TEXT_LENGTH + 1) > MAX_TEXT_LENGTH)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE, "Message is larger than 64 KiB");
      return NULL;
    }
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, &local_error))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Message is not JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Message is empty");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_NOT_STILL, "Message is not an object");
      return NULL;
    }
  object = json_node_get_object (root);
  if (!get_string (object, "type", FALSE, &type, NULL) || type == NULL || !g_str_has_prefix (type, "still-"))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_NOT_STILL, "Not a still message");
      return NULL;
    }

  m = g_new0 (TcStillMessage, 1);
  for (guint i = 0; i < G_N_ELEMENTS (message_names); i++)
    if (g_str_equal (type, message_names[i].name))
      {
        m->type = message_names[i].type;
        known = TRUE;
      }
  if (!known)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Unknown still message type");
      return NULL;
    }
  if (!parse_fields (object, m, error))
    return NULL;
  return g_steal_pointer (&m);
}

static char *
build_message (const char *type,
               const char *id,
               const char *reason)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  if (reason != NULL)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reason);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

char *
tc_still_request_message (const char *id)
{
  g_return_val_if_fail (tc_still_id_is_valid (id), NULL);
  return build_message ("still-request", id, NULL);
}

char *
tc_still_ack_message (const char *id)
{
  g_return_val_if_fail (tc_still_id_is_valid (id), NULL);
  return build_message ("still-ack", id, NULL);
}

char *
tc_still_nack_message (const char *id,
                       const char *reason)
{
  g_return_val_if_fail (tc_still_id_is_valid (id), NULL);
  g_return_val_if_fail (reason != NULL && reason_is_valid (reason), NULL);
  return build_message ("still-nack", id, reason);
}

const char *
tc_still_error_to_reason (const GError *error)
{
  if (error == NULL || error->domain != TC_STILL_ERROR)
    return "failed";
  switch ((TcStillError) error->code)
    {
    case TC_STILL_ERROR_EMPTY:             return "empty";
    case TC_STILL_ERROR_TOO_LARGE:         return "too-large";
    case TC_STILL_ERROR_BAD_BASE64:        return "bad-base64";
    case TC_STILL_ERROR_UNEXPECTED:        return "unexpected";
    case TC_STILL_ERROR_BAD_CHUNK:         return "bad-chunk";
    case TC_STILL_ERROR_MISSING_CHUNK:     return "missing-chunk";
    case TC_STILL_ERROR_SIZE_MISMATCH:     return "size-mismatch";
    case TC_STILL_ERROR_CHECKSUM_MISMATCH: return "checksum";
    case TC_STILL_ERROR_NOT_STILL:
    case TC_STILL_ERROR_BAD_MESSAGE:
    default:                               return "bad-message";
    }
}

static guint
chunks_for_size (guint64 size)
{
  return (guint) ((size + TC_STILL_CHUNK_SIZE - 1) / TC_STILL_CHUNK_SIZE);
}

static gsize
chunk_length (guint64 size,
              guint   n)
{
  guint64 start = (guint64) n * TC_STILL_CHUNK_SIZE;

  return (gsize) MIN ((guint64) TC_STILL_CHUNK_SIZE, size - start);
}

/* ---- Sender ---- */

struct _TcStillSender {
  char   *id;
  char   *mime;
  GBytes *image;
  guint   chunks;
  guint   next;     /* 0 = begin, 1..chunks = chunk next-1, chunks+1 = end */
};

void
tc_still_sender_free (TcStillSender *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->mime);
  g_bytes_unref (self->image);
  g_free (self);
}

TcStillSender *
tc_still_sender_new (const char  *id,
                     const char  *mime,
                     GBytes      *image,
                     gsize        max_size,
                     GError     **error)
{
  TcStillSender *self;
  gsize size;

  g_return_val_if_fail (image != NULL, NULL);

  if (!tc_still_id_is_valid (id) || !mime_is_valid (mime))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_MESSAGE, "Still id or image type is not valid");
      return NULL;
    }
  size = g_bytes_get_size (image);
  if (size == 0)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_EMPTY, "The still image is empty");
      return NULL;
    }
  if (size > max_size)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE,
                   "The still image is larger than %" G_GSIZE_FORMAT " bytes", max_size);
      return NULL;
    }
  self = g_new0 (TcStillSender, 1);
  self->id = g_strdup (id);
  self->mime = g_strdup (mime);
  self->image = g_bytes_ref (image);
  self->chunks = chunks_for_size (size);
  return self;
}

guint
tc_still_sender_get_n_messages (TcStillSender *self)
{
  return self->chunks + 2;
}

static char *
sender_begin (TcStillSender *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, self->image);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "still-begin");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id);
  json_builder_set_member_name (b, "mime");
  json_builder_add_string_value (b, self->mime);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) g_bytes_get_size (self->image));
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sum);
  json_builder_set_member_name (b, "chunks");
  json_builder_add_int_value (b, self->chunks);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
sender_chunk (TcStillSender *self,
              guint          n)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (self->image, &size);
  g_autofree char *b64 = g_base64_encode (data + (gsize) n * TC_STILL_CHUNK_SIZE, chunk_length (size, n));

  /* base64 and the id need no JSON escaping. */
  return g_strdup_printf ("{\"type\":\"still-chunk\",\"id\":\"%s\",\"n\":%u,\"data\":\"%s\"}",
                          self->id, n, b64);
}

char *
tc_still_sender_next (TcStillSender *self)
{
  guint step;

  g_return_val_if_fail (self != NULL, NULL);

  step = self->next;
  if (step > self->chunks + 1)
    return NULL;
  self->next++;
  if (step == 0)
    return sender_begin (self);
  if (step <= self->chunks)
    return sender_chunk (self, step - 1);
  return build_message ("still-end", self->id, NULL);
}

/* ---- Reassembler ---- */

struct _TcStillReassembler {
  gsize   max_size;
  /* The transfer in progress (id == NULL: none). */
  char   *id;
  char   *mime;
  char   *sha256;
  guint64 size;
  guint   chunks;
  guint   received;
  guint8 *buffer;
  guint8 *have;     /* one byte per chunk: simple, and 1,280 bytes at 20 MiB */
};

static void
reassembler_reset (TcStillReassembler *self)
{
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->mime, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->buffer, g_free);
  g_clear_pointer (&self->have, g_free);
  self->size = 0;
  self->chunks = 0;
  self->received = 0;
}

TcStillReassembler *
tc_still_reassembler_new (gsize max_size)
{
  TcStillReassembler *self = g_new0 (TcStillReassembler, 1);

  g_return_val_if_fail (max_size > 0, NULL);
  self->max_size = max_size;
  return self;
}

void
tc_still_reassembler_free (TcStillReassembler *self)
{
  if (self == NULL)
    return;
  reassembler_reset (self);
  g_free (self);
}

const char *
tc_still_reassembler_get_id (TcStillReassembler *self)
{
  return self->id;
}

guint
tc_still_reassembler_get_received (TcStillReassembler *self)
{
  return self->received;
}

static gboolean
feed_begin (TcStillReassembler   *self,
            const TcStillMessage *m,
            GError              **error)
{
  reassembler_reset (self);
  if (m->size == 0)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_EMPTY, "The still image is empty");
      return FALSE;
    }
  if (m->size > self->max_size)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE,
                   "The still image is larger than %" G_GSIZE_FORMAT " bytes", self->max_size);
      return FALSE;
    }
  if (m->chunks != chunks_for_size (m->size))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_SIZE_MISMATCH,
                   "The still announces %u chunks for %" G_GUINT64_FORMAT " bytes", m->chunks, m->size);
      return FALSE;
    }
  self->id = g_strdup (m->id);
  self->mime = g_strdup (m->mime);
  self->sha256 = g_strdup (m->sha256);
  self->size = m->size;
  self->chunks = m->chunks;
  self->buffer = g_try_malloc ((gsize) m->size);
  self->have = g_new0 (guint8, m->chunks);
  if (self->buffer == NULL)
    {
      reassembler_reset (self);
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_TOO_LARGE, "Not enough memory for the still image");
      return FALSE;
    }
  return TRUE;
}

static gboolean
feed_chunk (TcStillReassembler   *self,
            const TcStillMessage *m,
            GError              **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (m->data, &len);

  if (m->n >= self->chunks)
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_BAD_CHUNK,
                   "Still chunk %u is beyond the %u announced", m->n, self->chunks);
      return FALSE;
    }
  if (len != chunk_length (self->size, m->n))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_SIZE_MISMATCH,
                   "Still chunk %u has %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT,
                   m->n, len, chunk_length (self->size, m->n));
      return FALSE;
    }
  if (self->have[m->n])
    return TRUE;   /* a duplicate: the checksum at the end covers what was kept */
  memcpy (self->buffer + (gsize) m->n * TC_STILL_CHUNK_SIZE, data, len);
  self->have[m->n] = 1;
  self->received++;
  return TRUE;
}

static GBytes *
feed_end (TcStillReassembler  *self,
          GError             **error)
{
  g_autofree char *sum = NULL;

  if (self->received != self->chunks)
    {
      guint first = 0;

      while (first < self->chunks && self->have[first])
        first++;
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_MISSING_CHUNK,
                   "Still image incomplete: %u of %u chunks, chunk %u missing",
                   self->received, self->chunks, first);
      return NULL;
    }
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, self->buffer, (gsize) self->size);
  if (!g_str_equal (sum, self->sha256))
    {
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_CHECKSUM_MISMATCH,
                   "Still image checksum does not match");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&self->buffer), (gsize) self->size);
}

gboolean
tc_still_reassembler_feed (TcStillReassembler    *self,
                           const TcStillMessage  *message,
                           GBytes               **image,
                           char                 **mime,
                           GError               **error)
{
  g_autoptr(GBytes) result = NULL;
  g_autofree char *result_mime = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (image != NULL && *image == NULL, FALSE);

  switch (message->type)
    {
    case TC_STILL_MESSAGE_BEGIN:
      return feed_begin (self, message, error);

    case TC_STILL_MESSAGE_CHUNK:
    case TC_STILL_MESSAGE_END:
      if (self->id == NULL || !g_str_equal (self->id, message->id))
        {
          g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_UNEXPECTED,
                       "Still message for a transfer that is not in progress");
          return FALSE;
        }
      if (message->type == TC_STILL_MESSAGE_CHUNK)
        ok = feed_chunk (self, message, error);
      else
        {
          result = feed_end (self, error);
          result_mime = g_strdup (self->mime);
          ok = result != NULL;
        }
      /* Any error, or the end: nothing of this transfer stays. */
      if (!ok || message->type == TC_STILL_MESSAGE_END)
        reassembler_reset (self);
      if (result != NULL)
        {
          *image = g_steal_pointer (&result);
          if (mime != NULL)
            *mime = g_steal_pointer (&result_mime);
        }
      return ok;

    case TC_STILL_MESSAGE_REQUEST:
    case TC_STILL_MESSAGE_ACK:
    case TC_STILL_MESSAGE_NACK:
    default:
      g_set_error (error, TC_STILL_ERROR, TC_STILL_ERROR_UNEXPECTED,
                   "Not a message of an image transfer");
      return FALSE;
    }
}
