/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TcReading <-> FHIR R4 Observation (vital-signs category, LOINC codes, UCUM units). Pure. */
#pragma once

#include <json-glib/json-glib.h>

#include "tc-reading.h"

G_BEGIN_DECLS

#define TC_FHIR_ERROR (tc_fhir_error_quark ())
GQuark tc_fhir_error_quark (void);

typedef enum {
  TC_FHIR_ERROR_INVALID,      /* not an Observation we understand, or fails validation */
  TC_FHIR_ERROR_TOO_LARGE,
  TC_FHIR_ERROR_UNSUPPORTED,  /* a reading this mapping cannot express */
} TcFhirError;

#define TC_FHIR_MAX_OBSERVATION_SIZE (64 * 1024)
#define TC_FHIR_MAX_DEPTH            16
#define TC_FHIR_MAX_VALUE            1e9   /* larger magnitudes are refused both ways */
#define TC_FHIR_EXTENSION_BASE       "https://teleconsult.github.io/fhir/StructureDefinition/"
#define TC_FHIR_CODE_SYSTEM          "https://teleconsult.github.io/fhir/CodeSystem/reading"

/* `received` is used for effectiveDateTime when the device gave no time (NULL: now). */
JsonNode  *tc_fhir_observation_from_reading (const TcReading *reading,
                                             GDateTime       *received,
                                             GError         **error);
char      *tc_fhir_observation_to_string    (const TcReading *reading,
                                             GDateTime       *received,
                                             GError         **error);

/* The practitioner's side: a JSON Observation (bounded, validated) back to a TcReading. */
TcReading *tc_fhir_observation_parse        (const char *json,
                                             gsize       len,
                                             GError    **error);
TcReading *tc_fhir_observation_parse_node   (JsonNode   *node,
                                             GError    **error);

G_END_DECLS
