/*
 * test_json.c -- JSON Lines records: decoding, raw nested values, errors
 * with columns, depth limit, and string quoting for output.
 */
#include <stdlib.h>
#include "lede_int.h"
#include "tap.h"

static LedeJsonObj obj;

static const char *field(const char *json, const char *key)
{
  static char err[128];
  if (lede_json_parse(json, strlen(json), &obj, err, sizeof err) != LEDE_OK) return err;
  const LedeJsonField *f = lede_json_get(&obj, key);
  return f ? f->val : "(missing)";
}

static const char *error_of(const char *json)
{
  static char err[128];
  if (lede_json_parse(json, strlen(json), &obj, err, sizeof err) == LEDE_OK) return "(ok)";
  return err;
}

int main(void)
{
  is_str(field("{\"text\": \"hello\"}", "text"), "hello", "a string field");
  is_str(field(" {\"a\":1, \"text\":\"x\\ny\\t\\\"q\\\" \\\\ \\/\"} ", "text"), "x\ny\t\"q\" \\ /", "escapes");
  is_str(field("{\"t\":\"caf\\u00e9 \\u201cq\\u201d\"}", "t"), "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D", "\\u escapes");
  is_str(field("{\"t\":\"\\ud83d\\ude00\"}", "t"), "\xF0\x9F\x98\x80", "surrogate pair");
  is_str(field("{\"t\":\"\\ud83d x\"}", "t"), "\xEF\xBF\xBD x", "lone surrogate is U+FFFD");
  is_str(field("{\"t\":\"bad \xFF byte\"}", "t"), "bad \xEF\xBF\xBD byte", "invalid UTF-8 in a string is U+FFFD");
  is_str(field("{\"t\":\"\xD0\x97\xD0\xB5\"}", "t"), "\xD0\x97\xD0\xB5", "UTF-8 kept");
  /* long plain runs, read eight bytes at a time, ending at every kind of stop */
  is_str(field("{\"t\":\"abcdefghijklmnop\\\"qrstuvwxyz0123\"}", "t"), "abcdefghijklmnop\"qrstuvwxyz0123",
         "escape after a long run");
  is_str(field("{\"t\":\"abcdefghijk\xC3\xA9lmnopqrstu\xFFvwxyz012345\"}", "t"),
         "abcdefghijk\xC3\xA9lmnopqrstu\xEF\xBF\xBDvwxyz012345", "UTF-8 and a bad byte inside long runs");
  is_str(field("{\"t\":\"abcdefghijklmnop\tq\"}", "t"), "control character in string at column 23",
         "control character after a long run");
  is_str(field("{\"t\":\"abcdefgh\"}", "t"), "abcdefgh", "a run of exactly eight bytes");
  is_str(field("{\"n\": -12.5e3}", "n"), "-12.5e3", "numbers raw");
  is_str(field("{\"tags\": [\"a\", {\"b\": [1, 2]}], \"x\": 1}", "tags"), "[\"a\", {\"b\": [1, 2]}]", "arrays raw");
  is_str(field("{\"o\": {\"k\": \"}\"}}", "o"), "{\"k\": \"}\"}", "objects raw, braces in strings");
  is_str(field("{\"b\": true, \"z\": null}", "z"), "null", "null raw");
  lede_json_parse("{\"b\": true, \"z\": null, \"s\": \"\"}", 31, &obj, NULL, 0);
  ok(obj.n == 3 && obj.f[0].type == LEDE_JSON_BOOL && obj.f[1].type == LEDE_JSON_NULL
     && obj.f[2].type == LEDE_JSON_STRING && obj.f[2].len == 0, "types");
  is_str(error_of("{\"a\": 1"), "expected ',' or '}' at column 8", "unclosed object");
  is_str(error_of("{\"a\" 1}"), "expected ':' after key at column 6", "missing colon");
  is_str(error_of("{\"a\": \"open}"), "unterminated string starting at column 7", "unterminated string");
  is_str(error_of("{\"a\": 1} x"), "trailing characters after object at column 10", "trailing text");
  is_str(error_of("[1, 2]"), "expected '{' at column 1", "not an object");
  is_str(error_of(""), "expected '{' at column 1", "empty line");
  is_str(error_of("{\"a\": tru}"), "expected a value at column 7", "bad literal");
  is_str(error_of("{\"a\": 01}"), "expected ',' or '}' at column 8", "leading zero");
  is_str(error_of("{\"a\": \"\\q\"}"), "invalid escape at column 8", "bad escape");
  is_str(error_of("{\"a\": \"tab\there\"}"), "control character in string at column 11", "raw control character");
  char deep[2100];
  strcpy(deep, "{\"a\":");
  for (int i = 0; i < 1000; i++) strcat(deep, "[");
  is_str(error_of(deep), "nesting too deep at column 262", "nesting limit");

  LedeBuf b = {0};
  lede_json_quote(&b, "a\"b\\c\nd\x01 \xC3\xA9", 11);
  is_str(b.p, "\"a\\\"b\\\\c\\nd\\u0001 \xC3\xA9\"", "quoting for output");
  lede_buf_free(&b);
  lede_json_obj_free(&obj);
  return tap_done();
}
