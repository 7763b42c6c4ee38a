/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <check.h>
#include <string.h>

#include "tc-protocol.h"

/* Messages are written with ' for " to stay readable, and ` for a literal '. */
#define S TC_DIRECTION_TO_SERVER
#define C TC_DIRECTION_TO_CLIENT
#define OK (-1)
#define BAD_JSON TC_PROTOCOL_ERROR_BAD_JSON
#define BAD_MSG TC_PROTOCOL_ERROR_BAD_MESSAGE
#define UNKNOWN TC_PROTOCOL_ERROR_UNKNOWN_TYPE
#define VERSION TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION
/* Values in refused messages contain this marker: error messages must never echo it. */
#define MARK "Zq9"

typedef struct {
  TcDirection direction;
  int         expect;   /* OK or a TcProtocolError */
  const char *json;
} Case;

static const Case cases[] = {
  /* hello */
  { S, OK, "{'type':'hello','v':1,'auth':{'method':'password','username':'dr.house','password':'pw'}}" },
  { S, OK, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'AAAA','display_name':'Zoë Ünal'}}" },
  { S, OK, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'abcd-efgh','display_name':'P'}}" },
  { S, OK, "{'type':'hello','v':1,'auth':{'method':'kiosk','token':'AAAA','display_name':'Station 3'}}" },
  { S, OK, "{'type':'hello','v':1,'auth':{'method':'resume','token':'AAAA','last_seq':0}}" },
  { S, OK, "{'type':'hello','v':1,'rid':'r1','extra':{'ignored':[1,2,3]},'auth':{'method':'resume','token':'AAAA','last_seq':7}}" },
  { S, VERSION, "{'type':'hello','v':2,'auth':{'method':'password','username':'u','password':'p'}}" },
  { S, VERSION, "{'type':'hello','v':0,'auth':{}}" },
  { S, BAD_MSG, "{'type':'hello','auth':{'method':'password','username':'u','password':'p'}}" },
  { S, BAD_MSG, "{'type':'hello','v':'1','auth':{'method':'password','username':'u','password':'p'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1.0,'auth':{'method':'password','username':'u','password':'p'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':'" MARK "'}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'password','username':'','password':'p" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'password','username':'u" MARK "','password':''}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'password','username':'u" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'password','username':'a\\nb" MARK "','password':'p'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'AAAA" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'AAAA','display_name':''}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'AAAA','display_name':'a\\u0007b" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'AAAA','display_name':'a\\u0085b" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'invitation','token':'','display_name':'P" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'invitation','token':42,'display_name':'P" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'kiosk','display_name':'P" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'resume','token':'AAAA" MARK "'}}" },
  { S, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'resume','token':'AAAA" MARK "','last_seq':-1}}" },
  { C, BAD_MSG, "{'type':'hello','v':1,'auth':{'method':'resume','token':'AAAA','last_seq':1}}" },
  /* create-consultation */
  { S, OK, "{'type':'create-consultation'}" },
  { S, OK, "{'type':'create-consultation','title':'','invitation_ttl':60}" },
  { S, OK, "{'type':'create-consultation','title':'Follow-up','kiosk':'station-3','scheduled_at':1700000000000,'invitation_ttl':604800}" },
  { S, OK, "{'type':'create-consultation','title':null}" },
  { S, BAD_MSG, "{'type':'create-consultation','invitation_ttl':59}" },
  { S, BAD_MSG, "{'type':'create-consultation','invitation_ttl':604801}" },
  { S, BAD_MSG, "{'type':'create-consultation','invitation_ttl':'" MARK "'}" },
  { S, BAD_MSG, "{'type':'create-consultation','kiosk':'station 3" MARK "'}" },
  { S, BAD_MSG, "{'type':'create-consultation','scheduled_at':-5}" },
  { S, BAD_MSG, "{'type':'create-consultation','title':['" MARK "']}" },
  { C, BAD_MSG, "{'type':'create-consultation'}" },
  /* list-consultations, leave, ping */
  { S, OK, "{'type':'list-consultations'}" },
  { S, OK, "{'type':'leave'}" },
  { S, OK, "{'type':'ping','rid':'p-1'}" },
  { C, BAD_MSG, "{'type':'ping'}" },
  { C, BAD_MSG, "{'type':'leave'}" },
  /* invite */
  { S, OK, "{'type':'invite','consultation_id':'c-1'}" },
  { S, OK, "{'type':'invite','consultation_id':'c-1','ttl':3600}" },
  { S, BAD_MSG, "{'type':'invite'}" },
  { S, BAD_MSG, "{'type':'invite','consultation_id':'c-1','ttl':10}" },
  { S, BAD_MSG, "{'type':'invite','consultation_id':'c/1" MARK "'}" },
  { S, BAD_MSG, "{'type':'invite','consultation_id':''}" },
  /* admit / decline / end */
  { S, OK, "{'type':'admit','consultation_id':'c-1','participant_id':'p-2'}" },
  { S, BAD_MSG, "{'type':'admit','consultation_id':'c-1'}" },
  { S, BAD_MSG, "{'type':'admit','participant_id':'p-2'}" },
  { S, BAD_MSG, "{'type':'admit','consultation_id':'c-1','participant_id':7}" },
  { S, OK, "{'type':'decline','consultation_id':'c-1','participant_id':'p-2'}" },
  { S, OK, "{'type':'decline','consultation_id':'c-1','participant_id':'p-2','reason':'Please call back later'}" },
  { S, BAD_MSG, "{'type':'decline','consultation_id':'c-1','participant_id':'p-2','reason':false}" },
  { S, OK, "{'type':'end','consultation_id':'c-1'}" },
  { S, BAD_MSG, "{'type':'end'}" },
  { S, BAD_MSG, "{'type':'end','consultation_id':{'id':'" MARK "'}}" },
  /* sdp */
  { S, OK, "{'type':'sdp','to':'p-2','description':{'type':'offer','sdp':'v=0\\r\\n'}}" },
  { S, OK, "{'type':'sdp','to':'p-2','description':{'type':'answer','sdp':''}}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2','description':{'type':'pranswer','sdp':'v=0" MARK "'}}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2','description':{'type':'rollback'}}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2','description':{'sdp':'v=0" MARK "'}}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2'}" },
  { S, BAD_MSG, "{'type':'sdp','description':{'type':'offer','sdp':'v=0" MARK "'}}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2','description':'v=0" MARK "'}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2','from':'p-1','description':{'type':'offer','sdp':'v=0'}}" },
  { S, BAD_MSG, "{'type':'sdp','to':'p-2','from':null,'description':{'type':'offer','sdp':'v=0'}}" },
  { C, OK, "{'type':'sdp','from':'p-1','description':{'type':'offer','sdp':'v=0'},'seq':3,'ts':1700000000000}" },
  { C, OK, "{'type':'sdp','from':'p-1','to':'p-2','description':{'type':'answer','sdp':'v=0'}}" },
  { C, BAD_MSG, "{'type':'sdp','to':'p-2','description':{'type':'offer','sdp':'v=0'}}" },
  { C, BAD_MSG, "{'type':'sdp','from':'p-1','description':{'type':'offer','sdp':'v=0'},'seq':0}" },
  /* ice */
  { S, OK, "{'type':'ice','to':'p-2','candidate':{'candidate':'candidate:1 1 UDP 2122 10.0.0.1 5000 typ host','sdpMid':'0'}}" },
  { S, OK, "{'type':'ice','to':'p-2','candidate':{'candidate':'c','sdpMLineIndex':0}}" },
  { S, OK, "{'type':'ice','to':'p-2','candidate':{'candidate':'c','sdpMid':null,'sdpMLineIndex':63}}" },
  { S, OK, "{'type':'ice','to':'p-2','candidate':{'candidate':'','sdpMid':'0','sdpMLineIndex':0,'usernameFragment':'abcd'}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'candidate':'c" MARK "'}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'candidate':'c" MARK "','sdpMid':null,'sdpMLineIndex':null}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'candidate':'c','sdpMLineIndex':64}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'candidate':'c','sdpMLineIndex':-1}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'candidate':'c','sdpMLineIndex':'0'}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'sdpMid':'0" MARK "'}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','candidate':{'candidate':7,'sdpMid':'0'}}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2'}" },
  { S, BAD_MSG, "{'type':'ice','to':'p-2','from':'x','candidate':{'candidate':'c','sdpMid':'0'}}" },
  { C, OK, "{'type':'ice','from':'p-1','candidate':{'candidate':'c','sdpMid':'0'}}" },
  { C, BAD_MSG, "{'type':'ice','candidate':{'candidate':'c','sdpMid':'0'}}" },
  /* chat */
  { S, OK, "{'type':'chat','text':'Hello\\nline two'}" },
  { S, BAD_MSG, "{'type':'chat','text':''}" },
  { S, BAD_MSG, "{'type':'chat'}" },
  { S, BAD_MSG, "{'type':'chat','text':'hi" MARK "','from':'p-1'}" },
  { C, OK, "{'type':'chat','id':'m-1','from':'p-1','display_name':'Dr. A','text':'hi','ts':1700000000000}" },
  { C, BAD_MSG, "{'type':'chat','from':'p-1','display_name':'Dr. A','text':'hi" MARK "','ts':1}" },
  { C, BAD_MSG, "{'type':'chat','id':'m-1','from':'p-1','display_name':'Dr. A','text':'hi" MARK "'}" },
  /* welcome */
  { C, OK, "{'type':'welcome','participant_id':'p-1','role':'practitioner','display_name':'Dr. A','resume_token':'AAAA','server_time':1700000000000}" },
  { C, OK, "{'type':'welcome','participant_id':'p-2','role':'patient','display_name':'P','resume_token':'AAAA','server_time':1,'consultation_id':'c-1','seq':1}" },
  { C, BAD_MSG, "{'type':'welcome','participant_id':'p-2','role':'" MARK "','display_name':'P','resume_token':'AAAA','server_time':1}" },
  { C, BAD_MSG, "{'type':'welcome','participant_id':'p-2','role':'patient','display_name':'P" MARK "','server_time':1}" },
  { S, BAD_MSG, "{'type':'welcome','participant_id':'p-1','role':'practitioner','display_name':'Dr. A','resume_token':'AAAA','server_time':1}" },
  /* consultation(s) */
  { C, OK, "{'type':'consultation','consultation_id':'c-1','title':'T','state':'open','invitation':{'token':'AAAA','url':'teleconsult://join?token=AAAA','code':'ABCD-EFGH','expires_at':1700000000000}}" },
  { C, OK, "{'type':'consultation','consultation_id':'c-1','state':'open','kiosk':'station-3','scheduled_at':1}" },
  { C, BAD_MSG, "{'type':'consultation','consultation_id':'c-1','state':'closed" MARK "'}" },
  { C, BAD_MSG, "{'type':'consultation','consultation_id':'c-1','state':'open','invitation':{'token':'AAAA" MARK "','code':'X','expires_at':1}}" },
  { C, OK, "{'type':'consultations','items':[]}" },
  { C, OK, "{'type':'consultations','items':[{'id':'c-1','state':'open','created_at':1},{'id':'c-2','title':'T','state':'ended','created_at':2,'kiosk':'k','scheduled_at':3}]}" },
  { C, BAD_MSG, "{'type':'consultations','items':[{'id':'c-1','state':'open'}]}" },
  { C, BAD_MSG, "{'type':'consultations','items':['" MARK "']}" },
  { C, BAD_MSG, "{'type':'consultations','items':{}}" },
  /* waiting-room, waiting */
  { C, OK, "{'type':'waiting-room','consultation_id':'c-1','entries':[{'participant_id':'p-2','display_name':'P','role':'patient','waiting_since':1}]}" },
  { C, BAD_MSG, "{'type':'waiting-room','consultation_id':'c-1','entries':[{'participant_id':'p-2','display_name':'P" MARK "','role':'doctor','waiting_since':1}]}" },
  { C, OK, "{'type':'waiting','consultation_id':'c-1','position':1}" },
  { C, BAD_MSG, "{'type':'waiting','consultation_id':'c-1','position':0}" },
  /* admitted */
  { C, OK, "{'type':'admitted','consultation_id':'c-1','peer':{'participant_id':'p-2','display_name':'P','role':'patient'},'ice_servers':[{'urls':['stun:127.0.0.1:3478']},{'urls':'turn:127.0.0.1:3478?transport=udp','username':'1700000000:p-2','credential':'5+ni/Badet9PqvKCa/sYFqX73+g='}],'polite':true}" },
  { C, OK, "{'type':'admitted','consultation_id':'c-1','peer':{'participant_id':'p-1','display_name':'Dr','role':'practitioner'},'ice_servers':[],'polite':false}" },
  { C, BAD_MSG, "{'type':'admitted','consultation_id':'c-1','peer':{'participant_id':'p-2','display_name':'P','role':'patient'},'ice_servers':[],'polite':'yes" MARK "'}" },
  { C, BAD_MSG, "{'type':'admitted','consultation_id':'c-1','peer':{'participant_id':'p-2','display_name':'P','role':'patient'},'ice_servers':[{'urls':[]}],'polite':true}" },
  { C, BAD_MSG, "{'type':'admitted','consultation_id':'c-1','peer':{'participant_id':'p-2','display_name':'P','role':'patient'},'ice_servers':[{'urls':[7]}],'polite':true}" },
  { C, BAD_MSG, "{'type':'admitted','consultation_id':'c-1','ice_servers':[],'polite':true}" },
  /* declined, presence, consultation-ended, pong, error */
  { C, OK, "{'type':'declined','consultation_id':'c-1'}" },
  { C, OK, "{'type':'declined','consultation_id':'c-1','reason':'Not today'}" },
  { C, OK, "{'type':'presence','consultation_id':'c-1','participant_id':'p-2','display_name':'P','role':'patient','state':'reconnecting'}" },
  { C, BAD_MSG, "{'type':'presence','consultation_id':'c-1','participant_id':'p-2','display_name':'P','role':'patient','state':'gone" MARK "'}" },
  { C, OK, "{'type':'consultation-ended','consultation_id':'c-1','reason':'ended-by-practitioner'}" },
  { C, BAD_MSG, "{'type':'consultation-ended','reason':'ended-by-practitioner'}" },
  { C, OK, "{'type':'pong'}" },
  { C, OK, "{'type':'pong','rid':'p-1','seq':9,'ts':5}" },
  { S, BAD_MSG, "{'type':'pong'}" },
  { C, OK, "{'type':'error','code':'bad-message','reason':'auth.token: missing','rid':'r1'}" },
  { C, OK, "{'type':'error','code':'no-consultation','next_at':1700000000000}" },
  { C, BAD_MSG, "{'type':'error','code':'oops" MARK "'}" },
  { C, BAD_MSG, "{'type':'error','reason':'x" MARK "'}" },
  { S, BAD_MSG, "{'type':'error','code':'internal'}" },
  /* envelope */
  { S, UNKNOWN, "{'type':'" MARK "'}" },
  { C, UNKNOWN, "{'type':'Hello'}" },
  { S, BAD_MSG, "{'rid':'r1'}" },
  { S, BAD_MSG, "{'type':7}" },
  { S, BAD_MSG, "{'type':null}" },
  { S, BAD_MSG, "{'type':'ping','rid':''}" },
  { S, BAD_MSG, "{'type':'ping','rid':7}" },
  { S, OK, "{'type':'ping','rid':null}" },
  { S, BAD_JSON, "[]" },
  { S, BAD_JSON, "'" MARK "'" },
  { S, BAD_JSON, "42" },
  { S, BAD_JSON, "null" },
  { S, BAD_JSON, "" },
  { S, BAD_JSON, "   " },
  { S, BAD_JSON, "{" },
  { S, BAD_JSON, "{'type':'ping'" },
  { S, BAD_JSON, "{'type':'ping'}}" },
  { S, BAD_JSON, "{'type':'ping',}x" },
  { S, BAD_JSON, "{'type':'ping','x':'" MARK "}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\u0000'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\ud800'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\udc00\\ud800'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\ud800\\u0041'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\u12G4'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\u12" },
  { S, OK, "{'type':'chat','text':'\\ud83d\\ude00 \\u00e9 \\\"q\\\" \\\\'}" },
  /* json-glib 1.6 accepts these; the protocol does not (strict RFC 8259). */
  { S, BAD_JSON, "{'type':'ping','x':`[[[[`}" },
  { S, BAD_JSON, "{'type':'ping',`x`:1}" },
  { S, BAD_JSON, "{'type':'ping','x':/* ' */ 1}" },
  { S, BAD_JSON, "{'type':'ping','x':`'`,'y':" "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}" },
  { S, BAD_JSON, "{'type':'ping','x':/* ' */ 'y', 'z':[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}" },
  { S, BAD_JSON, "{'type':'ping','x':1} // c" },
  { S, BAD_JSON, "{'type':'ping','x':0x10}" },
  { S, BAD_JSON, "{'type':'ping','x':01}" },
  { S, BAD_JSON, "{'type':'ping','x':.5}" },
  { S, BAD_JSON, "{'type':'ping','x':1.}" },
  { S, BAD_JSON, "{'type':'ping','x':1e}" },
  { S, BAD_JSON, "{'type':'ping','x':+1}" },
  { S, BAD_JSON, "{'type':'ping','x':1e999}" },
  { S, BAD_JSON, "{'type':'ping','x':-1E400}" },
  { S, BAD_JSON, "{'type':'ping','x':6E-9}" },
  { S, BAD_JSON, "{'type':'ping','x':[1e21]}" },
  { S, OK, "{'type':'ping','x':1e-7,'y':0.1,'z':1.5e300,'w':2.0}" },
  { S, BAD_JSON, "{'type':'ping','x':123456789012345678901234567890}" },
  { S, BAD_JSON, "{'type':'ping','x':-9223372036854775809}" },
  { C, BAD_JSON, "{'type':'waiting','consultation_id':'c','position':18446744073709551617}" },
  { S, OK, "{'type':'ping','x':-9223372036854775808,'y':9223372036854775807,'z':-0.5e-3,'w':1E+2}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\220'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\x41'}" },
  { S, BAD_JSON, "{'type':'ping','x':'\\v'}" },
  { S, BAD_JSON, "{'type':'ping','x':'a\tb'}" },
  { S, BAD_JSON, "{'type':'ping','x':tru}" },
  { S, BAD_JSON, "{'type':'ping','x':nulls}" },
  { S, BAD_JSON, "{'type':'ping','x':True}" },
  { S, BAD_JSON, "{'type':'ping','x':NaN}" },
  { S, OK, "{'type':'ping','x':[true,false,null,{}]}" },
  { S, BAD_JSON, "{'type':'ping'}{'type':'pong'}" },
  { S, BAD_JSON, "{'type':'ping'} {'type':'pong'}" },
  { S, BAD_JSON, "{'type':'ping'} 1" },
  { S, BAD_JSON, "{'type':'ping'}," },
  { S, BAD_JSON, "1 {'type':'ping'}" },
  { S, BAD_JSON, "{'type':'ping'}]" },

  { S, OK, "{'type':'ping','x':'}}}]]]{{{[[[ not structure'}" },
  { S, OK, "  {'type':'ping'}  \n" },
};

static char *
to_json (const char *text)
{
  char *json = g_strdup (text);
  for (char *p = json; *p; p++)
    {
      if (*p == '\'')
        *p = '"';
      else if (*p == '`')
        *p = '\'';
    }
  return json;
}

static void
check_case (const Case *c,
            gsize       index)
{
  g_autofree char *json = to_json (c->json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *rid = NULL;
  TcMessageType type;

  object = tc_protocol_parse (json, strlen (json), c->direction, &type, &rid, &error);
  if (c->expect == OK)
    {
      ck_assert_msg (object != NULL, "case %zu (%s) refused: %s", index, c->json, error ? error->message : "");
      ck_assert_str_eq (json_object_get_string_member (object, "type"), tc_message_type_to_string (type));
    }
  else
    {
      ck_assert_msg (object == NULL, "case %zu (%s) accepted", index, c->json);
      ck_assert_msg (g_error_matches (error, TC_PROTOCOL_ERROR, c->expect),
                     "case %zu (%s): expected %s, got %s (%s)", index, c->json,
                     tc_protocol_error_to_string (c->expect),
                     error ? tc_protocol_error_to_string (error->code) : "none",
                     error ? error->message : "");
      ck_assert_msg (strstr (error->message, MARK) == NULL, "case %zu echoes a value: %s", index, error->message);
    }
}

START_TEST (test_cases)
{
  check_case (&cases[_i], _i);
}
END_TEST

/* A message of exactly @size bytes: a chat whose text fills it up. */
static char *
chat_of_size (gsize size)
{
  const char *head = "{\"type\":\"chat\",\"text\":\"a\",\"pad\":\"";
  const char *tail = "\"}";
  GString *s = g_string_new (head);
  while (s->len < size - strlen (tail))
    g_string_append_c (s, 'x');
  g_string_append (s, tail);
  ck_assert_uint_eq (s->len, size);
  return g_string_free (s, FALSE);
}

START_TEST (test_size_limit)
{
  g_autofree char *at_limit = chat_of_size (TC_PROTOCOL_MAX_MESSAGE_SIZE);
  g_autofree char *over = chat_of_size (TC_PROTOCOL_MAX_MESSAGE_SIZE + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ok = NULL;
  JsonObject *refused;

  ok = tc_protocol_parse (at_limit, strlen (at_limit), S, NULL, NULL, &error);
  ck_assert_ptr_nonnull (ok);
  refused = tc_protocol_parse (over, strlen (over), S, NULL, NULL, &error);
  ck_assert_ptr_null (refused);
  ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_TOO_LARGE));
}
END_TEST

static char *
nested (guint depth)
{
  /* The message object is level 1; `x` holds depth - 1 nested arrays. */
  GString *s = g_string_new ("{\"type\":\"ping\",\"x\":");
  for (guint i = 1; i < depth; i++)
    g_string_append_c (s, '[');
  g_string_append (s, "1");
  for (guint i = 1; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

START_TEST (test_depth_limit)
{
  g_autofree char *at_limit = nested (TC_PROTOCOL_MAX_DEPTH);
  g_autofree char *over = nested (TC_PROTOCOL_MAX_DEPTH + 1);
  g_autofree char *huge = nested (30000);   /* would blow a recursive parser's stack */
  g_autoptr(JsonObject) ok = NULL;
  JsonObject *refused;
  GError *error = NULL;

  ok = tc_protocol_parse (at_limit, strlen (at_limit), S, NULL, NULL, &error);
  ck_assert_ptr_nonnull (ok);
  refused = tc_protocol_parse (over, strlen (over), S, NULL, NULL, &error);
  ck_assert_ptr_null (refused);
  ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON));
  g_clear_error (&error);
  refused = tc_protocol_parse (huge, strlen (huge), S, NULL, NULL, &error);
  ck_assert_ptr_null (refused);
  ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON));
  g_clear_error (&error);
  /* Brackets inside strings do not count. */
  {
    g_autofree char *in_string = g_strdup_printf ("{\"type\":\"ping\",\"x\":\"%s\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    g_autoptr(JsonObject) fine = tc_protocol_parse (in_string, strlen (in_string), S, NULL, NULL, NULL);
    ck_assert_ptr_nonnull (fine);
  }
}
END_TEST

START_TEST (test_invalid_utf8)
{
  static const char *bad[] = {
    "{\"type\":\"chat\",\"text\":\"\xff\"}",
    "{\"type\":\"chat\",\"text\":\"\xc3\"}",
    "{\"type\":\"chat\",\"text\":\"\xed\xa0\x80\"}",       /* encoded surrogate */
    "{\"type\":\"chat\",\"text\":\"\xc0\xaf\"}",           /* overlong */
  };
  const char with_nul[] = "{\"type\":\"ping\"}\0garbage";

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      ck_assert_ptr_null (tc_protocol_parse (bad[i], strlen (bad[i]), S, NULL, NULL, &error));
      ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON));
    }
  {
    g_autoptr(GError) error = NULL;
    ck_assert_ptr_null (tc_protocol_parse (with_nul, sizeof with_nul - 1, S, NULL, NULL, &error));
    ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON));
  }
  {
    /* Bounded: a length shorter than the buffer is honoured. */
    g_autoptr(JsonObject) ok = tc_protocol_parse (with_nul, strlen (with_nul), S, NULL, NULL, NULL);
    ck_assert_ptr_nonnull (ok);
  }
}
END_TEST

static char *
repeat (const char *unit,
        guint       n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static gboolean
parses (TcDirection direction,
        const char *fmt,
        const char *value)
{
  g_auto(GStrv) parts = g_strsplit (fmt, "%s", 2);
  g_autofree char *json = g_strconcat (parts[0], value, parts[1], NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  object = tc_protocol_parse (json, strlen (json), direction, NULL, NULL, &error);
  if (object == NULL)
    ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE));
  return object != NULL;
}

/* Each limit, at the boundary and one past it. */
START_TEST (test_length_limits)
{
  struct { TcDirection d; const char *fmt; const char *unit; guint max; guint min; } limits[] = {
    { S, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"invitation\",\"token\":\"T\",\"display_name\":\"%s\"}}", "é", 64, 1 },
    { S, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"%s\",\"password\":\"p\"}}", "u", 64, 1 },
    { S, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"password\",\"username\":\"u\",\"password\":\"%s\"}}", "p", 1024, 1 },
    { S, "{\"type\":\"hello\",\"v\":1,\"auth\":{\"method\":\"kiosk\",\"token\":\"%s\",\"display_name\":\"K\"}}", "t", 64, 1 },
    { S, "{\"type\":\"chat\",\"text\":\"%s\"}", "a", 4000, 1 },
    { S, "{\"type\":\"sdp\",\"to\":\"p\",\"description\":{\"type\":\"offer\",\"sdp\":\"%s\"}}", "s", 60000, 0 },
    { S, "{\"type\":\"ice\",\"to\":\"p\",\"candidate\":{\"candidate\":\"%s\",\"sdpMid\":\"0\"}}", "c", 1024, 0 },
    { S, "{\"type\":\"ice\",\"to\":\"p\",\"candidate\":{\"candidate\":\"c\",\"sdpMid\":\"%s\"}}", "m", 32, 0 },
    { S, "{\"type\":\"ping\",\"rid\":\"%s\"}", "r", 64, 1 },
    { S, "{\"type\":\"create-consultation\",\"title\":\"%s\"}", "ü", 128, 0 },
    { S, "{\"type\":\"decline\",\"consultation_id\":\"c\",\"participant_id\":\"p\",\"reason\":\"%s\"}", "r", 200, 0 },
    { S, "{\"type\":\"admit\",\"consultation_id\":\"%s\",\"participant_id\":\"p\"}", "c", 64, 1 },
    { C, "{\"type\":\"declined\",\"consultation_id\":\"c\",\"reason\":\"%s\"}", "r", 200, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autofree char *at_max = repeat (limits[i].unit, limits[i].max);
      g_autofree char *over = repeat (limits[i].unit, limits[i].max + 1);
      ck_assert_msg (parses (limits[i].d, limits[i].fmt, at_max), "limit %zu: max refused", i);
      ck_assert_msg (!parses (limits[i].d, limits[i].fmt, over), "limit %zu: max + 1 accepted", i);
      if (limits[i].min > 0)
        ck_assert_msg (!parses (limits[i].d, limits[i].fmt, ""), "limit %zu: empty accepted", i);
      else
        ck_assert_msg (parses (limits[i].d, limits[i].fmt, ""), "limit %zu: empty refused", i);
    }
}
END_TEST

START_TEST (test_rid_on_failure)
{
  const char *json = "{\"type\":\"admit\",\"rid\":\"req-7\",\"consultation_id\":\"c\"}";
  const char *bad_rid = "{\"type\":\"ping\",\"rid\":\"\"}";
  g_autoptr(GError) error = NULL;
  g_autofree char *rid = NULL;
  TcMessageType type = TC_MESSAGE_PING;

  ck_assert_ptr_null (tc_protocol_parse (json, strlen (json), S, &type, &rid, &error));
  ck_assert (g_error_matches (error, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_MESSAGE));
  ck_assert_str_eq (rid, "req-7");
  ck_assert_int_eq (type, TC_MESSAGE_ADMIT);
  ck_assert_ptr_nonnull (strstr (error->message, "participant_id"));
  g_clear_error (&error);
  g_clear_pointer (&rid, g_free);
  ck_assert_ptr_null (tc_protocol_parse (bad_rid, strlen (bad_rid), S, &type, &rid, &error));
  ck_assert_ptr_null (rid);
  ck_assert_ptr_nonnull (strstr (error->message, "rid"));
}
END_TEST

START_TEST (test_error_names)
{
  for (int code = TC_PROTOCOL_ERROR_BAD_JSON; code <= TC_PROTOCOL_ERROR_INTERNAL; code++)
    {
      const char *name = tc_protocol_error_to_string (code);
      TcProtocolError back = -1;
      ck_assert_ptr_nonnull (name);
      ck_assert (tc_protocol_error_from_string (name, &back));
      ck_assert_int_eq (back, code);
    }
  ck_assert_str_eq (tc_protocol_error_to_string (TC_PROTOCOL_ERROR_TOO_LARGE), "too-large");
  ck_assert_str_eq (tc_protocol_error_to_string (TC_PROTOCOL_ERROR_NO_CONSULTATION), "no-consultation");
  ck_assert (!tc_protocol_error_from_string ("Bad-Json", NULL));
  ck_assert (!tc_protocol_error_from_string ("", NULL));
  ck_assert (!tc_protocol_error_from_string (NULL, NULL));
}
END_TEST

START_TEST (test_type_names)
{
  for (int t = TC_MESSAGE_HELLO; t <= TC_MESSAGE_ERROR; t++)
    {
      TcMessageType back;
      const char *name = tc_message_type_to_string (t);
      ck_assert_ptr_nonnull (name);
      ck_assert (tc_message_type_from_string (name, &back));
      ck_assert_int_eq (back, t);
    }
  ck_assert_str_eq (tc_message_type_to_string (TC_MESSAGE_WAITING_ROOM), "waiting-room");
  ck_assert (!tc_message_type_from_string ("nope", NULL));
}
END_TEST

static void
assert_round_trip (JsonObject *message,
                   TcDirection direction)
{
  gsize len1 = 0, len2 = 0;
  g_autofree char *text1 = tc_protocol_serialize (message, &len1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) parsed = tc_protocol_parse (text1, len1, direction, NULL, NULL, &error);
  g_autofree char *text2 = NULL;

  ck_assert_msg (parsed != NULL, "%s: %s", text1, error ? error->message : "");
  ck_assert_uint_eq (strlen (text1), len1);
  text2 = tc_protocol_serialize (parsed, &len2);
  ck_assert_str_eq (text1, text2);
  ck_assert_uint_eq (len1, len2);
}

START_TEST (test_round_trip)
{
  g_autoptr(JsonObject) sdp = tc_protocol_message_new (TC_MESSAGE_SDP);
  g_autoptr(JsonObject) desc = json_object_new ();
  g_autoptr(JsonObject) hello = tc_protocol_message_new (TC_MESSAGE_HELLO);
  g_autoptr(JsonObject) auth = json_object_new ();
  g_autoptr(JsonObject) ping = tc_protocol_message_new (TC_MESSAGE_PING);
  g_autoptr(JsonObject) err = tc_protocol_error_message_new (TC_PROTOCOL_ERROR_NOT_FOUND, "participant_id: unknown", "r-9");
  g_autoptr(JsonObject) err_plain = tc_protocol_error_message_new (TC_PROTOCOL_ERROR_INTERNAL, NULL, NULL);
  g_autofree char *long_reason = repeat ("é\n", 300);
  g_autoptr(JsonObject) err_long = tc_protocol_error_message_new (TC_PROTOCOL_ERROR_BAD_MESSAGE, long_reason, NULL);

  json_object_set_string_member (desc, "type", "offer");
  json_object_set_string_member (desc, "sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n\"quoted\" \\ ünï\r\n");
  json_object_set_string_member (sdp, "to", "p-2");
  json_object_set_object_member (sdp, "description", json_object_ref (desc));
  assert_round_trip (sdp, S);
  json_object_remove_member (sdp, "to");
  json_object_set_string_member (sdp, "from", "p-1");
  json_object_set_int_member (sdp, "seq", 12);
  assert_round_trip (sdp, C);

  json_object_set_int_member (hello, "v", TC_PROTOCOL_VERSION);
  json_object_set_string_member (auth, "method", "invitation");
  json_object_set_string_member (auth, "token", "AAAA");
  json_object_set_string_member (auth, "display_name", "Zoë 😀");
  json_object_set_object_member (hello, "auth", json_object_ref (auth));
  assert_round_trip (hello, S);

  assert_round_trip (ping, S);
  ck_assert_str_eq (json_object_get_string_member (err, "code"), "not-found");
  ck_assert_str_eq (json_object_get_string_member (err, "rid"), "r-9");
  assert_round_trip (err, C);
  ck_assert (!json_object_has_member (err_plain, "reason"));
  ck_assert (!json_object_has_member (err_plain, "rid"));
  assert_round_trip (err_plain, C);
  ck_assert_int_eq (g_utf8_strlen (json_object_get_string_member (err_long, "reason"), -1), 200);
  assert_round_trip (err_long, C);
}
END_TEST

START_TEST (test_append_members)
{
  const char *sdp = " {\"type\":\"sdp\",\"seq\":99,\"to\":\"p-2\",\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}} \n";
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(JsonObject) none = json_object_new ();
  g_autoptr(JsonObject) in = NULL;
  g_autoptr(JsonObject) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *from_empty = NULL;
  gsize len = 0;

  in = tc_protocol_parse (sdp, strlen (sdp), S, NULL, NULL, &error);
  ck_assert_ptr_nonnull (in);
  json_object_set_string_member (extra, "from", "p-1");
  json_object_set_int_member (extra, "seq", 7);
  text = tc_protocol_append_members (sdp, strlen (sdp), extra, &len, &error);
  ck_assert_ptr_nonnull (text);
  ck_assert_uint_eq (strlen (text), len);
  out = tc_protocol_parse (text, len, C, NULL, NULL, &error);
  ck_assert_msg (out != NULL, "%s: %s", text, error ? error->message : "");
  ck_assert_str_eq (json_object_get_string_member (out, "from"), "p-1");
  /* The appended member wins over the one the client slipped in. */
  ck_assert_int_eq (json_object_get_int_member (out, "seq"), 7);
  ck_assert_str_eq (json_object_get_string_member (json_object_get_object_member (out, "description"), "sdp"),
                    "v=0\r\n");

  copy = tc_protocol_append_members (sdp, strlen (sdp), none, &len, NULL);
  ck_assert_str_eq (copy, " {\"type\":\"sdp\",\"seq\":99,\"to\":\"p-2\",\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}");
  from_empty = tc_protocol_append_members ("{ }", 3, extra, &len, NULL);
  ck_assert_str_eq (from_empty, "{ \"from\":\"p-1\",\"seq\":7}");
  {
    g_autoptr(GError) not_object = NULL;
    ck_assert_ptr_null (tc_protocol_append_members ("[1]", 3, extra, NULL, &not_object));
    ck_assert (g_error_matches (not_object, TC_PROTOCOL_ERROR, TC_PROTOCOL_ERROR_BAD_JSON));
  }
}
END_TEST

static Suite *
protocol_suite (void)
{
  Suite *s = suite_create ("protocol");
  TCase *tc = tcase_create ("messages");

  tcase_add_loop_test (tc, test_cases, 0, G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_size_limit);
  tcase_add_test (tc, test_depth_limit);
  tcase_add_test (tc, test_invalid_utf8);
  tcase_add_test (tc, test_length_limits);
  tcase_add_test (tc, test_rid_on_failure);
  tcase_add_test (tc, test_error_names);
  tcase_add_test (tc, test_type_names);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_append_members);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (protocol_suite ());
  int failed;

  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}
