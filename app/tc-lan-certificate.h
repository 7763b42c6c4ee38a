/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The practitioner's own TLS certificate for LAN mode: self-signed, made once and
 * kept (0600) in the user's data folder. Patients trust it through the fingerprint
 * the invitation link carries, not through a certificate authority. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Makes @dir/lan-cert.pem and @dir/lan-key.pem unless both exist, and returns their
 * paths and the certificate's fingerprint (base64url SHA-256 of its DER form). */
gboolean tc_lan_certificate_ensure (const char  *dir,
                                    char       **out_cert_path,
                                    char       **out_key_path,
                                    char       **out_fingerprint,
                                    GError     **error);

G_END_DECLS
