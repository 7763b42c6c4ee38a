/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure: a short code both people read aloud to check that no one sits between them.
 * Both sides hash the two DTLS certificate fingerprints of the call (a=fingerprint in each
 * description), sorted so the order does not matter.  A relay that rewrites a fingerprint
 * in the SDP to put itself in the middle makes the two codes differ.  No I/O. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_VERIFICATION_N_WORDS   256
#define TC_VERIFICATION_CODE_LEN  6
#define TC_VERIFICATION_WORD_COUNT 4

extern const char *const tc_verification_words_en[TC_VERIFICATION_N_WORDS];
extern const char *const tc_verification_words_fr[TC_VERIFICATION_N_WORDS];

/* Every distinct a=fingerprint of @sdp, normalised ("sha-256 AB:CD:…"), sorted, joined by
 * ','.  Error when there is none or one is malformed. */
char *tc_verification_get_fingerprint (const char  *sdp,
                                       GError     **error);

/* Six digits, zero-padded. */
char *tc_verification_code_from_fingerprints  (const char *fingerprint_a,
                                               const char *fingerprint_b);
/* Four words separated by spaces; @lang "fr" or anything else for English. */
char *tc_verification_words_from_fingerprints (const char *fingerprint_a,
                                               const char *fingerprint_b,
                                               const char *lang);

/* From the two descriptions; @words (English) may be NULL. */
gboolean tc_verification_compute (const char  *local_sdp,
                                  const char  *remote_sdp,
                                  char       **code,
                                  char       **words,
                                  GError     **error);

G_END_DECLS
