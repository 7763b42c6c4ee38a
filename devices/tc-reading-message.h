/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Wire format of readings on the call's data channel (see docs/devices.md). Pure.
 *   {"type":"reading","id":"<uuid>","observation":{...FHIR Observation, same id...}}
 *   {"type":"reading-ack","id":"<uuid>"}
 * Errors are in TC_FHIR_ERROR. */
#pragma once

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_READING_MESSAGE_MAX_SIZE (64 * 1024 + 1024)

typedef enum {
  TC_READING_MESSAGE_READING,
  TC_READING_MESSAGE_ACK,
} TcReadingMessageType;

typedef struct {
  TcReadingMessageType type;
  char                *id;
  TcReading           *reading;      /* READING only */
  char                *observation;  /* READING only: the Observation as compact JSON */
} TcReadingMessage;

void              tc_reading_message_free           (TcReadingMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcReadingMessage, tc_reading_message_free)

/* `observation` must be the JSON of an Observation whose id is `id` (as queued). */
char             *tc_reading_message_encode_reading (const char *id,
                                                     const char *observation);
char             *tc_reading_message_encode_ack     (const char *id);
/* Bounded and validated: the observation is parsed into a TcReading. */
TcReadingMessage *tc_reading_message_decode         (const char *data,
                                                     gsize       len,
                                                     GError    **error);

G_END_DECLS
