/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internals shared by the server's files: connections (one WebSocket), participants
 * (an identity that outlives a dropped connection for the reconnect grace) and rooms
 * (one open consultation in memory). Plain structs, kept small: an idle connection
 * should cost little beyond libsoup's own state. Everything runs on the server's
 * main context. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tc-protocol.h"
#include "tc-server.h"

G_BEGIN_DECLS

#define TC_HASH_SIZE 32
#define TC_HISTORY_MAX_MESSAGES 256
/* Enough for the SDP offer and candidates a resume needs; bounded because every relayed
 * message is kept (1,000 busy participants at 2 MiB each would be 2 GiB). */
#define TC_HISTORY_MAX_BYTES (256 * 1024)

typedef struct _TcConnection  TcConnection;
typedef struct _TcParticipant TcParticipant;
typedef struct _TcRoom        TcRoom;

typedef enum {
  TC_ROLE_PRACTITIONER,
  TC_ROLE_PATIENT,
  TC_ROLE_KIOSK,
} TcRole;

typedef enum {
  TC_CONNECTION_NEW,            /* waiting for hello */
  TC_CONNECTION_AUTHENTICATING, /* password being verified */
  TC_CONNECTION_READY,          /* welcomed */
  TC_CONNECTION_CLOSING,        /* close sent; ignore input */
} TcConnectionState;

struct _TcConnection
{
  TcServer                *server;      /* unowned */
  SoupWebsocketConnection *ws;          /* owned */
  TcParticipant           *participant; /* unowned; the server owns participants */
  gint64                   opened_at;   /* monotonic µs */
  gint64                   last_seen;   /* monotonic µs: last message or pong */
  gint64                   bucket_at;   /* monotonic µs of the last refill */
  gint64                   violations_since; /* monotonic µs */
  float                    tokens;
  guint16                  violations;
  guint8                   state;       /* TcConnectionState */
  guint8                   unauthenticated;
  int                      ref_count;
};

typedef enum {
  TC_PARTICIPANT_IDLE,      /* practitioner, or a patient before queueing */
  TC_PARTICIPANT_WAITING,
  TC_PARTICIPANT_ADMITTED,
} TcParticipantState;

struct _TcParticipant
{
  char          *id;
  char          *display_name;
  TcRole         role;
  guint8         state;            /* TcParticipantState */
  guint8         resume_hash[TC_HASH_SIZE];
  gint64         practitioner_id;  /* practitioners: the account */
  TcRoom        *room;             /* patients and kiosks: their consultation */
  GPtrArray     *rooms;            /* practitioners: rooms they are admitted in (unowned) */
  TcConnection  *conn;             /* NULL while reconnecting */
  gint64         disconnected_at;  /* monotonic µs, 0 when connected */
  gint64         waiting_since;    /* ms since the epoch */
  guint          position;         /* last `waiting` position sent */
  gint64         seq;
  GQueue         history;          /* of TcHistoryEntry, oldest first */
  gsize          history_bytes;
};

struct _TcRoom
{
  char      *consultation_id;
  char      *title;
  char      *kiosk_station;
  gint64     practitioner_id;
  gint64     scheduled_at;
  gint64     created_at;
  GPtrArray *waiting;  /* TcParticipant, in arrival order (unowned) */
  GPtrArray *members;  /* admitted TcParticipant, practitioners included (unowned) */
};

typedef struct {
  gint64          until;   /* monotonic µs */
  TcProtocolError code;    /* what a late resume gets */
} TcTombstone;

struct _TcServer
{
  GObject parent_instance;

  /* configuration (properties) */
  char      *listen_address;
  guint      port;
  char      *tls_certificate_file;
  char      *tls_key_file;
  gboolean   allow_insecure;
  char      *database_path;
  char     **stun_uris;
  char     **turn_uris;
  char      *turn_secret;
  char      *public_url;
  guint      reconnect_grace;
  guint      hello_timeout;
  guint      idle_timeout;
  guint      keepalive_interval;

  /* running state */
  SoupServer *soup;
  TcStore    *store;
  guint       bound_port;
  char       *bound_host;
  gboolean    tls;
  gboolean    started;
  gboolean    shutting_down;
  guint       sweep_id;
  guint       sweep_ms;
  gint64      last_sweep;        /* monotonic µs */
  gint64      lagging_until;     /* monotonic µs: rate bursts forgiven until then */
  gint64      last_purge;        /* monotonic µs */
  GHashTable *connections;       /* set of TcConnection */
  GHashTable *participants;      /* id → TcParticipant (owned) */
  GHashTable *by_resume;         /* resume hash → TcParticipant */
  GHashTable *reconnecting;      /* set of TcParticipant */
  GHashTable *rooms;             /* consultation id → TcRoom (owned) */
  GHashTable *practitioners;     /* account id (gint64) → GPtrArray of TcParticipant */
  GHashTable *tombstones;        /* resume hash (owned) → TcTombstone (owned) */
  gint64      code_bucket_at;    /* short-code guesses, server-wide */
  float       code_tokens;
  guint64     chat_counter;
  GPtrArray  *shutdown_tasks;
};

/* tc-server.c: what the handlers need from the transport. */
TcConnection  *tc_connection_ref (TcConnection *conn);
void           tc_connection_unref (TcConnection *conn);
void           tc_server_send_raw (TcConnection *conn,
                                   JsonObject   *message);
void           tc_server_send_error (TcConnection    *conn,
                                     TcProtocolError  code,
                                     const char      *reason,
                                     const char      *rid);
void           tc_server_close (TcConnection *conn,
                                gushort       code,
                                const char   *reason);
/* Sends to the participant (with the next seq; kept for resume). */
void           tc_server_send (TcServer      *self,
                               TcParticipant *participant,
                               JsonObject    *message);
/* Relays @data (a validated JSON object as received) to @to with `from` and the next
 * `seq` spliced in front, without re-serialising it. */
void           tc_server_send_spliced (TcServer      *self,
                                       TcParticipant *to,
                                       const char    *from_id,
                                       const char    *data,
                                       gsize          length);
/* Attaches @participant to @conn (welcomed). */
void           tc_server_attach (TcServer      *self,
                                 TcConnection  *conn,
                                 TcParticipant *participant);

/* tc-participant.c */
TcParticipant *tc_participant_new (TcRole      role,
                                   const char *display_name);
void           tc_participant_free (TcParticipant *participant);
const char    *tc_role_to_string (TcRole role);
/* A fresh resume token; its hash replaces the participant's. */
char          *tc_participant_new_resume_token (TcParticipant *participant);
/* Assigns the next seq, serialises and remembers the message; returns the text. */
char          *tc_participant_sequence (TcParticipant *participant,
                                        JsonObject    *message,
                                        gboolean       keep,
                                        gsize         *out_length);
/* Remembers an already numbered message for replay. */
void           tc_participant_keep (TcParticipant *participant,
                                    gint64         seq,
                                    const char    *text,
                                    gsize          length);
/* Calls @func for every kept message with seq > @last_seq. */
void           tc_participant_replay (TcParticipant *participant,
                                      gint64         last_seq,
                                      void         (*func) (const char *text,
                                                            gsize       length,
                                                            gpointer    user_data),
                                      gpointer       user_data);
JsonObject    *tc_participant_describe (TcParticipant *participant);
char          *tc_random_id (const char *prefix);
guint          tc_hash32_hash (gconstpointer key);
gboolean       tc_hash32_equal (gconstpointer a,
                                gconstpointer b);

/* tc-room.c */
TcRoom        *tc_room_new (const TcStoreConsultation *consultation);
void           tc_room_free (TcRoom *room);
gboolean       tc_room_is_empty (TcRoom *room);
gboolean       tc_room_has_member (TcRoom        *room,
                                   TcParticipant *participant);
TcParticipant *tc_room_find_member (TcRoom     *room,
                                    const char *participant_id);
TcParticipant *tc_room_find_waiting (TcRoom     *room,
                                     const char *participant_id);
JsonObject    *tc_room_waiting_room_message (TcRoom *room);
void           tc_room_remove (TcRoom        *room,
                               TcParticipant *participant);

/* tc-server-handlers.c: the protocol, one handler per message type. */
/* @data/@length: the message as received (validated), for relaying it unparsed. */
void           tc_server_handle_message (TcServer      *self,
                                         TcConnection  *conn,
                                         TcMessageType  type,
                                         JsonObject    *message,
                                         const char    *rid,
                                         const char    *data,
                                         gsize          length);
void           tc_server_participant_dropped (TcServer      *self,
                                              TcParticipant *participant);
void           tc_server_register_participant (TcServer      *self,
                                               TcParticipant *participant);
/* Waiting room to the practitioners, `waiting` positions to those who moved. */
void           tc_server_waiting_changed (TcServer *self,
                                          TcRoom   *room);
/* `presence` to the other members and the account's practitioners. */
void           tc_server_presence (TcServer      *self,
                                   TcRoom        *room,
                                   TcParticipant *subject,
                                   const char    *state);
/* The rooms @participant takes part in (new array, rooms unowned). */
GPtrArray     *tc_server_rooms_of (TcParticipant *participant);

/* tc-server-hello.c */
void           tc_server_handle_hello (TcServer     *self,
                                       TcConnection *conn,
                                       JsonObject   *message,
                                       const char   *rid);

G_END_DECLS
