/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcE2eCall: one real consultation across two network namespaces. The built
 * teleconsult-server and the practitioner's teleconsult-cli run in ns A, the patient's
 * teleconsult-cli in ns B, optionally coturn in ns A; every client line (JSON) is kept
 * as an event. Waiting iterates the thread-default main context, so call it from the
 * test body (Check's forked child), never from fixtures that run before the fork. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tc-test-netns.h"
#include "tc-test-turn.h"

G_BEGIN_DECLS

typedef struct {
  char             *label;      /* "practitioner" or "patient" */
  GSubprocess      *process;
  GDataInputStream *out;
  GPtrArray        *events;     /* JsonObject *, in arrival order */
  gboolean          eof;
  gint64            started_us;
} TcE2eClient;

typedef struct {
  TcTestNetns *netns;           /* borrowed */
  TcTestTurn  *turn;            /* NULL unless asked for */
  char        *dir;
  char        *server_binary;
  char        *cli_binary;
  GSubprocess *server;
  char        *server_url;
  char        *password_file;
  TcE2eClient *practitioner;
  TcE2eClient *patient;
} TcE2eCall;

/* Paths of the built binaries (from $TC_BUILD_DIR); FALSE with a message when missing. */
gboolean     tc_e2e_binaries_present  (void);

/* TRUE when the built teleconsult-cli's --help lists @option (e.g. "--stats-interval"). */
gboolean     tc_e2e_cli_has_option    (const char         *option);

/* Starts coturn (if @with_turn), the server in ns A with a practitioner account. */
TcE2eCall   *tc_e2e_call_new          (TcTestNetns        *netns,
                                       gboolean            with_turn,
                                       GError            **error);
/* Starts the practitioner (--auto-admit) in ns A, waits for its invitation, starts the
 * patient in ns B. @common_args go to both, the others to one side; all may be NULL. */
gboolean     tc_e2e_call_start        (TcE2eCall          *self,
                                       const char * const *common_args,
                                       const char * const *practitioner_args,
                                       const char * const *patient_args,
                                       GError            **error);
void         tc_e2e_call_free         (TcE2eCall          *self);

/* Runs the main context for @ms milliseconds. */
void         tc_e2e_spin              (guint               ms);

/* The first event named @event (with @key == @value when @key is not NULL) at index
 * >= *@from (0 if NULL), waiting up to @timeout_ms; moves *@from past it. NULL on
 * timeout or when the client exited. */
JsonObject  *tc_e2e_client_wait       (TcE2eClient        *client,
                                       const char         *event,
                                       const char         *key,
                                       const char         *value,
                                       guint              *from,
                                       guint               timeout_ms);
/* The newest event named @event, or NULL. */
JsonObject  *tc_e2e_client_last       (TcE2eClient        *client,
                                       const char         *event);
/* How many events named @event there are (with @key == @value if @key is set). */
guint        tc_e2e_client_count      (TcE2eClient        *client,
                                       const char         *event,
                                       const char         *key,
                                       const char         *value);
/* Waits for the process to exit by itself (TRUE and its status) within @timeout_ms. */
gboolean     tc_e2e_client_wait_exit  (TcE2eClient        *client,
                                       guint               timeout_ms,
                                       int                *exit_status);

/* Reads a member path like "video_in.frames" from a stats event (-1 if absent). */
double       tc_e2e_stat              (JsonObject         *stats,
                                       const char         *path);
/* Decoded remote video frames per second over the stats events of the last @window_ms
 * (from the frame counter and the events' t_ms), or -1 with fewer than two events. */
double       tc_e2e_client_video_fps  (TcE2eClient        *client,
                                       guint               window_ms);
/* Largest value of a stats member (see tc_e2e_stat()) over the last @window_ms of stats. */
double       tc_e2e_client_max_stat   (TcE2eClient        *client,
                                       const char         *path,
                                       guint               window_ms);
/* Waits for a new stats event whose @path is above @threshold. */
gboolean     tc_e2e_client_wait_stat_above (TcE2eClient   *client,
                                       const char         *path,
                                       double              threshold,
                                       guint               timeout_ms);
/* Waits until the remote video frame counter reaches @frames (counted from the start). */
gboolean     tc_e2e_client_wait_frames_total (TcE2eClient *client,
                                       guint               frames,
                                       guint               timeout_ms);
/* Waits until the remote video frame counter grew by @frames from now. */
gboolean     tc_e2e_client_wait_frames (TcE2eClient       *client,
                                       guint               frames,
                                       guint               timeout_ms);
/* TRUE if any call-state event after index @from is not "connected" (stored in *@state). */
gboolean     tc_e2e_client_left_connected (TcE2eClient    *client,
                                       guint               from,
                                       const char        **state);
/* Waits until both sides report call-state "connected"; fails the test otherwise. */
void         tc_e2e_call_assert_connected (TcE2eCall      *self,
                                       guint               timeout_ms);
/* The call-state events of @client as one string, e.g. "connecting connected", for messages. */
char        *tc_e2e_client_history    (TcE2eClient        *client);

/* The namespaces made for the running test (in Check's parent process), or NULL. */
TcTestNetns *tc_e2e_netns             (void);
/* main() of every e2e test program: skips (77) unless root with the binaries built,
 * makes fresh namespaces around each test in the parent process, runs the tests and
 * returns the exit status. @tests is NULL-terminated. */
int          tc_e2e_main              (const char         *suite_name,
                                       const void * const *tests,
                                       guint               timeout_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcE2eCall, tc_e2e_call_free)

G_END_DECLS
