/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-lan-certificate"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "tc-lan-certificate.h"
#include "tc-signaling-client.h"

#define VALIDITY_DAYS (10 * 365)

static gboolean
gnutls_failed (int       ret,
               const char *what,
               GError  **error)
{
  if (ret >= 0)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "Could not make this computer's certificate (%s: %s)", what, gnutls_strerror (ret));
  return TRUE;
}

static gboolean
write_private (const char  *path,
               const void  *data,
               gsize        len,
               GError     **error)
{
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  return TRUE;
}

static gboolean
generate (const char  *cert_path,
          const char  *key_path,
          GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 };
  gnutls_datum_t crt_pem = { NULL, 0 };
  guint8 serial[16];
  time_t now = time (NULL);
  gboolean ok = FALSE;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f; /* a positive serial number */

  if (gnutls_failed (gnutls_x509_privkey_init (&key), "key", error)
      || gnutls_failed (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                      GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                        "key", error)
      || gnutls_failed (gnutls_x509_crt_init (&crt), "certificate", error)
      || gnutls_failed (gnutls_x509_crt_set_version (crt, 3), "version", error)
      || gnutls_failed (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error)
      || gnutls_failed (gnutls_x509_crt_set_activation_time (crt, now - 3600), "validity", error)
      || gnutls_failed (gnutls_x509_crt_set_expiration_time (crt, now + (time_t) VALIDITY_DAYS * 86400),
                        "validity", error)
      || gnutls_failed (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                       "Teleconsult LAN", 15), "name", error)
      || gnutls_failed (gnutls_x509_crt_set_key (crt, key), "public key", error)
      || gnutls_failed (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "usage", error)
      || gnutls_failed (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose", error)
      || gnutls_failed (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "signature", error)
      || gnutls_failed (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_pem), "export", error)
      || gnutls_failed (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem), "export", error))
    goto out;

  /* The key first: a certificate without its key would be useless. */
  ok = write_private (key_path, key_pem.data, key_pem.size, error)
       && write_private (cert_path, crt_pem.data, crt_pem.size, error);

out:
  gnutls_free (key_pem.data);
  gnutls_free (crt_pem.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

gboolean
tc_lan_certificate_ensure (const char  *dir,
                           char       **out_cert_path,
                           char       **out_key_path,
                           char       **out_fingerprint,
                           GError     **error)
{
  g_autofree char *cert_path = g_build_filename (dir, "lan-cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "lan-key.pem", NULL);
  g_autoptr(GTlsCertificate) cert = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not create the folder %s", dir);
      return FALSE;
    }
  if ((!g_file_test (cert_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
      && !generate (cert_path, key_path, error))
    return FALSE;

  cert = g_tls_certificate_new_from_files (cert_path, key_path, error);
  if (cert == NULL)
    return FALSE;

  *out_fingerprint = tc_signaling_client_certificate_fingerprint (cert);
  *out_cert_path = g_steal_pointer (&cert_path);
  *out_key_path = g_steal_pointer (&key_path);
  return TRUE;
}
