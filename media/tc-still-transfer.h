/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Still images over the data channel: pure (no I/O).  The practitioner asks for a still with
 * still-request; the station answers with still-begin, still-chunk × N, still-end; the receiver
 * answers still-ack or still-nack.  Every message is JSON text under 64 KiB. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_STILL_ERROR (tc_still_error_quark ())
GQuark tc_still_error_quark (void);

typedef enum {
  TC_STILL_ERROR_NOT_STILL,          /* not a still-* message at all: let another handler have it */
  TC_STILL_ERROR_BAD_MESSAGE,        /* not JSON, missing or ill-typed field, bad id or mime */
  TC_STILL_ERROR_EMPTY,              /* a 0-byte image */
  TC_STILL_ERROR_TOO_LARGE,          /* image over the limit, or chunk over TC_STILL_CHUNK_SIZE */
  TC_STILL_ERROR_BAD_BASE64,
  TC_STILL_ERROR_UNEXPECTED,         /* chunk/end with no transfer, or for another id */
  TC_STILL_ERROR_BAD_CHUNK,          /* index out of range, or a chunk of the wrong length */
  TC_STILL_ERROR_MISSING_CHUNK,
  TC_STILL_ERROR_SIZE_MISMATCH,
  TC_STILL_ERROR_CHECKSUM_MISMATCH,
} TcStillError;

/* Decoded payload bytes per chunk (base64 makes it 21,848 characters; a message stays < 22 KiB). */
#define TC_STILL_CHUNK_SIZE      (16 * 1024)
#define TC_STILL_DEFAULT_MAX_SIZE (20 * 1024 * 1024)
#define TC_STILL_MAX_ID_LENGTH   64

typedef enum {
  TC_STILL_MESSAGE_REQUEST,
  TC_STILL_MESSAGE_BEGIN,
  TC_STILL_MESSAGE_CHUNK,
  TC_STILL_MESSAGE_END,
  TC_STILL_MESSAGE_ACK,
  TC_STILL_MESSAGE_NACK,
} TcStillMessageType;

typedef struct {
  TcStillMessageType type;
  char   *id;
  /* begin */
  char   *mime;       /* "image/png" or "image/jpeg" */
  guint64 size;
  char   *sha256;     /* 64 lowercase hex digits */
  guint   chunks;
  /* chunk */
  guint   n;
  GBytes *data;       /* decoded */
  /* nack (optional for ack) */
  char   *reason;
} TcStillMessage;

void tc_still_message_free (TcStillMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStillMessage, tc_still_message_free)

/* Parses one data-channel text (at most 64 KiB).  TC_STILL_ERROR_NOT_STILL when it is valid
 * JSON whose "type" does not start with "still-" (or has no type). */
TcStillMessage *tc_still_message_parse (const char  *text,
                                        GError     **error);

/* TRUE when @id is 1–64 characters of [A-Za-z0-9_-]. */
gboolean tc_still_id_is_valid (const char *id);
/* A fresh random id (hex). */
char *tc_still_new_id (void);

char *tc_still_request_message (const char *id);
char *tc_still_ack_message     (const char *id);
/* @reason: a short code ("checksum", "too-large", "declined", …), never free text from a person. */
char *tc_still_nack_message    (const char *id,
                                const char *reason);
/* Maps a reassembly error to a nack reason code. */
const char *tc_still_error_to_reason (const GError *error);

/* ---- Sending ---- */
typedef struct _TcStillSender TcStillSender;

/* Checks the image (1 byte .. @max_size, mime png/jpeg) and prepares the messages; the caller
 * pulls them one at a time so it can pace them against the channel's backpressure. */
TcStillSender *tc_still_sender_new   (const char  *id,
                                      const char  *mime,
                                      GBytes      *image,
                                      gsize        max_size,
                                      GError     **error);
/* The next message (begin, chunks in order, end), or NULL when all were given. */
char          *tc_still_sender_next  (TcStillSender *self);
guint          tc_still_sender_get_n_messages (TcStillSender *self);
void           tc_still_sender_free  (TcStillSender *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStillSender, tc_still_sender_free)

/* ---- Receiving ---- */
typedef struct _TcStillReassembler TcStillReassembler;

TcStillReassembler *tc_still_reassembler_new  (gsize max_size);
void                tc_still_reassembler_free (TcStillReassembler *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcStillReassembler, tc_still_reassembler_free)

/* Feeds one begin, chunk or end message.  Returns FALSE with an error when it is refused; an
 * error about the transfer in progress drops it entirely (nothing kept); a chunk or end for
 * another id is refused without touching the transfer in progress.  A new begin replaces an
 * unfinished transfer.  Duplicate chunks (same index) are ignored.  On a verified end, returns
 * TRUE and sets *@image (and *@mime if not NULL); otherwise *@image stays NULL. */
gboolean tc_still_reassembler_feed (TcStillReassembler    *self,
                                    const TcStillMessage  *message,
                                    GBytes               **image,
                                    char                 **mime,
                                    GError               **error);
/* The id of the transfer in progress, or NULL. */
const char *tc_still_reassembler_get_id (TcStillReassembler *self);
/* Chunks received so far in the transfer in progress (for a progress bar). */
guint tc_still_reassembler_get_received (TcStillReassembler *self);

G_END_DECLS
