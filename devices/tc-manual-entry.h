/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Readings typed in by the patient, checked against plausible ranges field by field. Pure. */
#pragma once

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_MANUAL_ENTRY_ERROR (tc_manual_entry_error_quark ())
GQuark tc_manual_entry_error_quark (void);

typedef enum {
  TC_MANUAL_ENTRY_ERROR_OUT_OF_RANGE,   /* not a plausible value for this field */
  TC_MANUAL_ENTRY_ERROR_UNIT,           /* a unit this field cannot be in */
  TC_MANUAL_ENTRY_ERROR_MISSING,        /* a field the kind needs */
  TC_MANUAL_ENTRY_ERROR_INCONSISTENT,   /* fields that contradict each other (diastolic >= systolic) */
  TC_MANUAL_ENTRY_ERROR_UNSUPPORTED,    /* a field or kind that cannot be entered by hand */
} TcManualEntryError;

typedef struct {
  TcComponentType type;
  double          value;
  const char     *unit;   /* UCUM, e.g. TC_UNIT_MMHG */
} TcManualValue;

/* One field, for forms that validate as the person types. The message names the field, the
 * accepted range in the unit used, and is fit to show. */
gboolean   tc_manual_entry_check  (TcComponentType      type,
                                   double               value,
                                   const char          *unit,
                                   GError             **error);
/* A whole reading. `when` NULL means now. On error, *bad_field (if given) names the field. */
TcReading *tc_manual_entry_create (TcReadingKind        kind,
                                   const TcManualValue *values,
                                   guint                n_values,
                                   GDateTime           *when,
                                   TcComponentType     *bad_field,
                                   GError             **error);

G_END_DECLS
