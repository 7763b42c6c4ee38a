/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcApplication: the desktop app. Opens teleconsult://join?… links, and takes
 * --lan, --server URL, --name NAME, --join LINK, --test-sources, --demo. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TC_TYPE_APPLICATION (tc_application_get_type ())
G_DECLARE_FINAL_TYPE (TcApplication, tc_application, TC, APPLICATION, AdwApplication)

TcApplication *tc_application_new (void);

G_END_DECLS
