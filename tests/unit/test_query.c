/*
 * test_query.c -- the query parser: queries to trees (as dumps) and to
 * exact error messages, including carets under Cyrillic text, the limits
 * on length and nesting, and node columns the evaluator reports with.
 */
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "lede/lede.h"
#include "lede/query.h"

typedef struct Case {
  const char *q, *want;
} Case;

/* Query -> dump. */
static const Case ok_cases[] = {
  /* NOT takes a whole proximity expression */
  {"NOT a NEAR b", "(not (all) (near 10 (term \"a\") (term \"b\")))"},
  {"x NOT a NEAR/2 b", "(not (term \"x\") (near 2 (term \"a\") (term \"b\")))"},
  {"x -\"a b\" WITHIN SENTENCE", "(not (term \"x\") (phrase \"a\" \"b\" :sentence))"},
  {"putin",
   "(term \"putin\")"},
  {"Putin",
   "(term \"Putin\")"},
  {"Зеленский",
   "(term \"Зеленский\")"},
  {"don't",
   "(term \"don't\")"},
  {"U.S.",
   "(term \"U.S.\")"},
  {"@rt_com",
   "(term \"@rt_com\")"},
  {"#Ukraine",
   "(term \"#Ukraine\")"},
  {"anti-war",
   "(term \"anti-war\")"},
  {"sanction*",
   "(prefix \"sanction\")"},
  {"санкц*",
   "(prefix \"санкц\")"},
  {"a**",
   "(prefix \"a\")"},
  {"f*ck",
   "(term \"f*ck\")"},
  {"and",
   "(term \"and\")"},
  {"or not near",
   "(and (term \"or\") (term \"not\") (term \"near\"))"},
  {"a b",
   "(and (term \"a\") (term \"b\"))"},
  {"a AND b AND c",
   "(and (term \"a\") (term \"b\") (term \"c\"))"},
  {"a AND (b AND c)",
   "(and (term \"a\") (term \"b\") (term \"c\"))"},
  {"a OR b OR c",
   "(or (term \"a\") (term \"b\") (term \"c\"))"},
  {"(a OR b) OR c",
   "(or (term \"a\") (term \"b\") (term \"c\"))"},
  {"a OR b c",
   "(or (term \"a\") (and (term \"b\") (term \"c\")))"},
  {"a b OR c d",
   "(or (and (term \"a\") (term \"b\")) (and (term \"c\") (term \"d\")))"},
  {"a NOT b",
   "(not (term \"a\") (term \"b\"))"},
  {"a AND NOT b",
   "(not (term \"a\") (term \"b\"))"},
  {"NOT a",
   "(not (all) (term \"a\"))"},
  {"NOT a NOT b",
   "(not (all) (or (term \"a\") (term \"b\")))"},
  {"-a -b",
   "(not (all) (or (term \"a\") (term \"b\")))"},
  {"a b -c -d",
   "(not (and (term \"a\") (term \"b\")) (or (term \"c\") (term \"d\")))"},
  {"a -\"b c\"",
   "(not (term \"a\") (phrase \"b\" \"c\"))"},
  {"(a -b) c",
   "(not (and (term \"a\") (term \"c\")) (term \"b\"))"},
  {"NOT (a OR b)",
   "(not (all) (or (term \"a\") (term \"b\")))"},
  {"x (NOT a)",
   "(not (term \"x\") (term \"a\"))"},
  {"-source:rt putin",
   "(not (term \"putin\") (field \"source\" \"rt\"))"},
  {"\"red line\"",
   "(phrase \"red\" \"line\")"},
  {"\"red line*\"",
   "(phrase \"red\" (prefix \"line\"))"},
  {"\"putin\"",
   "(phrase \"putin\")"},
  {"“red line”",
   "(phrase \"red\" \"line\")"},
  {"„Wort Satz“",
   "(phrase \"Wort\" \"Satz\")"},
  {"«mot juste»",
   "(phrase \"mot\" \"juste\")"},
  {"”ja nej”",
   "(phrase \"ja\" \"nej\")"},
  {"\" spaced  out \"",
   "(phrase \"spaced\" \"out\")"},
  {"\"U.S. troops\"",
   "(phrase \"U.S.\" \"troops\")"},
  {"\"AND OR\"",
   "(phrase \"AND\" \"OR\")"},
  {"/^put(in|ina)$/",
   "(regex \"^put(in|ina)$\")"},
  {"/a\\/b\\d/",
   "(regex \"a/b\\\\d\")"},
  {"/kreml/i",
   "(regex \"kreml\" :i)"},
  {"a NEAR b",
   "(near 10 (term \"a\") (term \"b\"))"},
  {"a NEAR/5 b",
   "(near 5 (term \"a\") (term \"b\"))"},
  {"a ADJ/3 b",
   "(adj 3 (term \"a\") (term \"b\"))"},
  {"a ADJ/1 b ADJ/1 c",
   "(adj 1 (term \"a\") (term \"b\") (term \"c\"))"},
  {"a NEAR b NEAR/10 c",
   "(near 10 (term \"a\") (term \"b\") (term \"c\"))"},
  {"a NEAR/5 b NEAR/5 c",
   "(near 5 (term \"a\") (term \"b\") (term \"c\"))"},
  {"(putin OR kremlin) NEAR/5 sanctions",
   "(near 5 (or (term \"putin\") (term \"kremlin\")) (term \"sanctions\"))"},
  {"\"red line\" NEAR/5 ~Zelensky",
   "(near 5 (phrase \"red\" \"line\") (alias \"Zelensky\"))"},
  {"/kreml/ NEAR/2 put*",
   "(near 2 (regex \"kreml\") (prefix \"put\"))"},
  {"a NEAR/5 b WITHIN SENTENCE",
   "(near 5 (term \"a\") (term \"b\") :sentence)"},
  {"a ADJ/2 b within sentence",
   "(adj 2 (term \"a\") (term \"b\") :sentence)"},
  {"\"red line\" WITHIN SENTENCE",
   "(phrase \"red\" \"line\" :sentence)"},
  {"(a NEAR b) WITHIN SENTENCE",
   "(near 10 (term \"a\") (term \"b\") :sentence)"},
  {"NOT \"a b\" WITHIN SENTENCE",
   "(not (all) (phrase \"a\" \"b\" :sentence))"},
  {"Путин NEAR/3 Зеленский",
   "(near 3 (term \"Путин\") (term \"Зеленский\"))"},
  {"lang:ru",
   "(field \"lang\" \"ru\")"},
  {"source:rt",
   "(field \"source\" \"rt\")"},
  {"meta.author:Smith",
   "(field \"meta.author\" \"Smith\")"},
  {"title:\"red line\"",
   "(field \"title\" \"red line\")"},
  {"title:“red line”",
   "(field \"title\" \"red line\")"},
  {"title:\"Путин заявил*\"",
   "(field \"title\" (prefix \"Путин заявил\"))"},
  {"source:tass*",
   "(field \"source\" (prefix \"tass\"))"},
  {"Source:RT",
   "(field \"source\" \"RT\")"},
  {"TITLE:\"Red Line\"",
   "(field \"title\" \"Red Line\")"},
  {"Meta.Author:X",
   "(field \"Meta.Author\" \"X\")"},
  {"~Zelensky",
   "(alias \"Zelensky\")"},
  {"date:2021",
   "(date \"2021-01-01\" \"2021-12-31\")"},
  {"DATE:2021",
   "(date \"2021-01-01\" \"2021-12-31\")"},
  {"date:2020-02",
   "(date \"2020-02-01\" \"2020-02-29\")"},
  {"date:2021-12",
   "(date \"2021-12-01\" \"2021-12-31\")"},
  {"date:2021-12-07",
   "(date \"2021-12-07\" \"2021-12-07\")"},
  {"date:2021-12-01..2021-12-31",
   "(date \"2021-12-01\" \"2021-12-31\")"},
  {"date:2021-12..2022-01",
   "(date \"2021-12-01\" \"2022-01-31\")"},
  {"date:..2021-12-31",
   "(date nil \"2021-12-31\")"},
  {"date:2021-12-01..",
   "(date \"2021-12-01\" nil)"},
  {"date:\"2021\"",
   "(date \"2021-01-01\" \"2021-12-31\")"},
  {"uri:https://rt.com/news/1",
   "(field \"uri\" \"https://rt.com/news/1\")"},
  {"https://rt.com",
   "(term \"https://rt.com\")"},
  {"10:30",
   "(term \"10:30\")"},
  {"a (b)",
   "(and (term \"a\") (term \"b\"))"},
  {"((a))",
   "(term \"a\")"},
  {"a\tb",
   "(and (term \"a\") (term \"b\"))"},
  {"a\xc2""\xa0""b",
   "(and (term \"a\") (term \"b\"))"},
  {"a\xe3""\x80""\x80""b",
   "(and (term \"a\") (term \"b\"))"},
  {"within reach",
   "(and (term \"within\") (term \"reach\"))"},
  {"x-ray AND -y",
   "(not (term \"x-ray\") (term \"y\"))"},
  {"putin NEAR/5 (sanctions OR санкции) source:rt date:2022",
   "(and (near 5 (term \"putin\") (or (term \"sanctions\") (term \"санкции\"))) (field \"source\" \"rt\") (date \"2022-01-01\" \"2022-12-31\"))"},
  {"(a OR b) (c OR d)",
   "(and (or (term \"a\") (term \"b\")) (or (term \"c\") (term \"d\")))"},
  {"a OR (b OR (c OR d))",
   "(or (term \"a\") (term \"b\") (term \"c\") (term \"d\"))"},
  {"/a\\\\/",
   "(regex \"a\\\\\\\\\")"},
  {"/a\\\\\\/b/",
   "(regex \"a\\\\\\\\/b\")"},
  {"-(a -b)",
   "(not (all) (not (term \"a\") (term \"b\")))"},
  {"a\xe2""\x80""\x8b""b",
   "(and (term \"a\") (term \"b\"))"},
  {"\xef""\xbb""\xbf""putin",
   "(term \"putin\")"},
  {"putin*   ",
   "(prefix \"putin\")"},
  {"source:rt*",
   "(field \"source\" (prefix \"rt\"))"},
  {"\"a b\" \"c d\"",
   "(and (phrase \"a\" \"b\") (phrase \"c\" \"d\"))"},
  {"NOT source:rt NOT lang:ru",
   "(not (all) (or (field \"source\" \"rt\") (field \"lang\" \"ru\")))"},
  {"title:\" red line \"",
   "(field \"title\" \"red line\")"},
  {"»Dansk ord«",
   "(phrase \"Dansk\" \"ord\")"},
  {"‟quoted”",
   "(phrase \"quoted\")"},
};

/* Query -> the whole message: what was expected, the query, the caret. */
static const Case err_cases[] = {
  {"",
   "empty query: expected a term, phrase or '(' at column 1\n"
   "  \n"
   "  ^"},
  {"   ",
   "empty query: expected a term, phrase or '(' at column 1\n"
   "     \n"
   "  ^"},
  {"AND a",
   "expected a term, phrase or '(' before AND at column 1\n"
   "  AND a\n"
   "  ^"},
  {"a OR",
   "expected a term, phrase or '(' after OR at column 5\n"
   "  a OR\n"
   "      ^"},
  {"a OR OR b",
   "expected a term, phrase or '(' after OR at column 6\n"
   "  a OR OR b\n"
   "       ^"},
  {"a AND )",
   "expected a term, phrase or '(' after AND at column 7\n"
   "  a AND )\n"
   "        ^"},
  {"()",
   "expected a term, phrase or '(' after '(' at column 2\n"
   "  ()\n"
   "   ^"},
  {"(a b",
   "expected ')' to close '(' at column 1\n"
   "  (a b\n"
   "  ^"},
  {"((a)",
   "expected ')' to close '(' at column 1\n"
   "  ((a)\n"
   "  ^"},
  {"a))",
   "unexpected ')' at column 2\n"
   "  a))\n"
   "   ^"},
  {")",
   "unexpected ')' at column 1\n"
   "  )\n"
   "  ^"},
  {"NOT",
   "expected a term, phrase or '(' after NOT at column 4\n"
   "  NOT\n"
   "     ^"},
  {"a NOT",
   "expected a term, phrase or '(' after NOT at column 6\n"
   "  a NOT\n"
   "       ^"},
  {"NOT NOT a",
   "expected a term, phrase or '(' after NOT, not another negation at column 5\n"
   "  NOT NOT a\n"
   "      ^"},
  {"--a",
   "expected a term, phrase or '(' after '-', not another negation at column 2\n"
   "  --a\n"
   "   ^"},
  {"-",
   "expected a term, phrase or '(' directly after '-' at column 1\n"
   "  -\n"
   "  ^"},
  {"a - b",
   "expected a term, phrase or '(' directly after '-' at column 3\n"
   "  a - b\n"
   "    ^"},
  {"-)",
   "expected a term, phrase or '(' after '-' at column 2\n"
   "  -)\n"
   "   ^"},
  {"a NEAR",
   "NEAR needs a term on each side at column 7\n"
   "  a NEAR\n"
   "        ^"},
  {"NEAR a",
   "NEAR needs a term on each side at column 1\n"
   "  NEAR a\n"
   "  ^"},
  {"NEAR/3",
   "NEAR/3 needs a term on each side at column 1\n"
   "  NEAR/3\n"
   "  ^"},
  {"a NEAR/ b",
   "expected a distance from 1 to 100000 after 'NEAR/' at column 8\n"
   "  a NEAR/ b\n"
   "         ^"},
  {"a NEAR/0 b",
   "expected a distance from 1 to 100000 after 'NEAR/' at column 8\n"
   "  a NEAR/0 b\n"
   "         ^"},
  {"a NEAR/5x b",
   "expected a distance from 1 to 100000 after 'NEAR/' at column 8\n"
   "  a NEAR/5x b\n"
   "         ^"},
  {"a NEAR/100001 b",
   "expected a distance from 1 to 100000 after 'NEAR/' at column 8\n"
   "  a NEAR/100001 b\n"
   "         ^"},
  {"a NEAR/99999999999999999999 b",
   "expected a distance from 1 to 100000 after 'NEAR/' at column 8\n"
   "  a NEAR/99999999999999999999 b\n"
   "         ^"},
  {"a near/5 b",
   "expected 'NEAR/5' in capitals for a proximity search at column 3\n"
   "  a near/5 b\n"
   "    ^"},
  {"a ADJ b",
   "expected '/' and a distance after ADJ, as in ADJ/1 at column 6\n"
   "  a ADJ b\n"
   "       ^"},
  {"a NEAR/5 b NEAR/3 c",
   "expected NEAR/5 again (one distance and order per chain) at column 12\n"
   "  a NEAR/5 b NEAR/3 c\n"
   "             ^"},
  {"a NEAR/5 b ADJ/5 c",
   "expected NEAR/5 again (one distance and order per chain) at column 12\n"
   "  a NEAR/5 b ADJ/5 c\n"
   "             ^"},
  {"a NEAR AND b",
   "NEAR needs a term on each side at column 8\n"
   "  a NEAR AND b\n"
   "         ^"},
  {"a NEAR/5 source:rt",
   "expected a term, phrase, regex, alias or (a OR b) next to NEAR/5 at column 10\n"
   "  a NEAR/5 source:rt\n"
   "           ^"},
  {"a NEAR/5 -b",
   "expected a term, phrase, regex, alias or (a OR b) next to NEAR/5 at column 10\n"
   "  a NEAR/5 -b\n"
   "           ^"},
  {"(a b) NEAR c",
   "expected a term, phrase, regex, alias or (a OR b) next to NEAR at column 1\n"
   "  (a b) NEAR c\n"
   "  ^"},
  {"a NEAR/5 (b OR c d)",
   "expected a term, phrase, regex, alias or (a OR b) next to NEAR/5 at column 10\n"
   "  a NEAR/5 (b OR c d)\n"
   "           ^"},
  {"\"a b\" WITHIN SENTENCE NEAR/5 c",
   "expected WITHIN SENTENCE after the whole NEAR/5 chain at column 23\n"
   "  \"a b\" WITHIN SENTENCE NEAR/5 c\n"
   "                        ^"},
  {"a WITHIN",
   "expected SENTENCE after WITHIN at column 9\n"
   "  a WITHIN\n"
   "          ^"},
  {"a WITHIN PARAGRAPH",
   "expected SENTENCE after WITHIN at column 10\n"
   "  a WITHIN PARAGRAPH\n"
   "           ^"},
  {"(a OR b) WITHIN SENTENCE",
   "expected a phrase or a NEAR/ADJ expression before WITHIN SENTENCE at column 10\n"
   "  (a OR b) WITHIN SENTENCE\n"
   "           ^"},
  {"WITHIN SENTENCE",
   "expected a phrase or a NEAR/ADJ expression before WITHIN SENTENCE at column 1\n"
   "  WITHIN SENTENCE\n"
   "  ^"},
  {"x within sentence",
   "expected a phrase or a NEAR/ADJ expression before WITHIN SENTENCE at column 3\n"
   "  x within sentence\n"
   "    ^"},
  {"a OR NOT b",
   "NOT needs something to subtract from, but OR gives it nothing at column 6\n"
   "  a OR NOT b\n"
   "       ^"},
  {"-b OR a",
   "'-' needs something to subtract from, but OR gives it nothing at column 1\n"
   "  -b OR a\n"
   "  ^"},
  {"a OR (NOT b)",
   "NOT needs something to subtract from, but OR gives it nothing at column 6\n"
   "  a OR (NOT b)\n"
   "       ^"},
  {"\"\"",
   "expected a term between the quotes at column 1\n"
   "  \"\"\n"
   "  ^"},
  {"\"   \"",
   "expected a term between the quotes at column 1\n"
   "  \"   \"\n"
   "  ^"},
  {"\"red",
   "expected '\"' to close the phrase at column 1\n"
   "  \"red\n"
   "  ^"},
  {"«red",
   "expected '»' to close the phrase at column 1\n"
   "  «red\n"
   "  ^"},
  {"“red line",
   "expected '”' to close the phrase at column 1\n"
   "  “red line\n"
   "  ^"},
  {"„Wort",
   "expected '“' to close the phrase at column 1\n"
   "  „Wort\n"
   "  ^"},
  {"\"red *\"",
   "expected a term before '*' at column 6\n"
   "  \"red *\"\n"
   "       ^"},
  {"*",
   "expected a term before '*' at column 1\n"
   "  *\n"
   "  ^"},
  {"*ing",
   "expected a term before '*' at column 1\n"
   "  *ing\n"
   "  ^"},
  {"//",
   "expected a pattern between the slashes at column 1\n"
   "  //\n"
   "  ^"},
  {"/abc",
   "expected '/' to close the regex at column 1\n"
   "  /abc\n"
   "  ^"},
  {"/abc/x",
   "expected only the flag 'i' after the regex at column 6\n"
   "  /abc/x\n"
   "       ^"},
  {"~",
   "expected a name after '~' at column 2\n"
   "  ~\n"
   "   ^"},
  {"source:",
   "expected a value after 'source:' at column 8\n"
   "  source:\n"
   "         ^"},
  {"source: rt",
   "expected a value after 'source:' at column 8\n"
   "  source: rt\n"
   "         ^"},
  {"source:*",
   "expected a value before '*' at column 8\n"
   "  source:*\n"
   "         ^"},
  {"title:\"\"",
   "expected a value between the quotes at column 7\n"
   "  title:\"\"\n"
   "        ^"},
  {"title:\"red",
   "expected '\"' to close the value at column 7\n"
   "  title:\"red\n"
   "        ^"},
  {"date:2021-13",
   "expected a month from 01 to 12 in '2021-13' at column 6\n"
   "  date:2021-13\n"
   "       ^"},
  {"date:2021-02-29",
   "expected a day from 01 to 28 in '2021-02-29' at column 6\n"
   "  date:2021-02-29\n"
   "       ^"},
  {"date:2024-02-30",
   "expected a day from 01 to 29 in '2024-02-30' at column 6\n"
   "  date:2024-02-30\n"
   "       ^"},
  {"date:21",
   "expected a date as YYYY, YYYY-MM or YYYY-MM-DD at column 6\n"
   "  date:21\n"
   "       ^"},
  {"date:2021-1",
   "expected a date as YYYY, YYYY-MM or YYYY-MM-DD at column 6\n"
   "  date:2021-1\n"
   "       ^"},
  {"date:..",
   "expected a date before or after '..' at column 6\n"
   "  date:..\n"
   "       ^"},
  {"date:2021..2021-13",
   "expected a month from 01 to 12 in '2021-13' at column 12\n"
   "  date:2021..2021-13\n"
   "             ^"},
  {"date:2022..2021",
   "expected the start of the range before its end in '2022..2021' at column 6\n"
   "  date:2022..2021\n"
   "       ^"},
  {"date:2021-12-01..2021-12-31..2022",
   "expected a date as YYYY, YYYY-MM or YYYY-MM-DD at column 18\n"
   "  date:2021-12-01..2021-12-31..2022\n"
   "                   ^"},
  {"a && b",
   "expected AND instead of '&&' at column 3\n"
   "  a && b\n"
   "    ^"},
  {"a || b",
   "expected OR instead of '||' at column 3\n"
   "  a || b\n"
   "    ^"},
  {"NEAR(a b, 5)",
   "expected 'a NEAR/5 b' (FTS5's NEAR(a b, 5) is not supported) at column 1\n"
   "  NEAR(a b, 5)\n"
   "  ^"},
  {"Зеленский AND",
   "expected a term, phrase or '(' after AND at column 14\n"
   "  Зеленский AND\n"
   "               ^"},
  {"Зеленский NEAR/x Путин",
   "expected a distance from 1 to 100000 after 'NEAR/' at column 16\n"
   "  Зеленский NEAR/x Путин\n"
   "                 ^"},
  {"\"Зеленский",
   "expected '\"' to close the phrase at column 1\n"
   "  \"Зеленский\n"
   "  ^"},
  {"Путин OR NOT Зеленский",
   "NOT needs something to subtract from, but OR gives it nothing at column 10\n"
   "  Путин OR NOT Зеленский\n"
   "           ^"},
  {"a \x01"" b",
   "expected text, not the control character U+0001 at column 3\n"
   "  a � b\n"
   "    ^"},
  {"a \xff"" b",
   "expected UTF-8 text, not the byte 0xFF at column 3\n"
   "  a � b\n"
   "    ^"},
  {"путин \xd0",
   "expected UTF-8 text, not the byte 0xD0 at column 7\n"
   "  путин �\n"
   "        ^"},
  {"a\tAND",
   "expected a term, phrase or '(' after AND at column 6\n"
   "  a AND\n"
   "       ^"},
  {"NOT (NOT a)",
   "expected a term, phrase or '(' after NOT, not another negation at column 5\n"
   "  NOT (NOT a)\n"
   "      ^"},
  {"x -(NOT a)",
   "expected a term, phrase or '(' after '-', not another negation at column 4\n"
   "  x -(NOT a)\n"
   "     ^"},
  {"NOT (a OR -b)",
   "'-' needs something to subtract from, but OR gives it nothing at column 11\n"
   "  NOT (a OR -b)\n"
   "            ^"},
  {"putin\xc2""\xa0""AND",
   "expected a term, phrase or '(' after AND at column 10\n"
   "  putin AND\n"
   "           ^"},
  {"(a OR b) NEAR/5 (c AND d)",
   "expected a term, phrase, regex, alias or (a OR b) next to NEAR/5 at column 17\n"
   "  (a OR b) NEAR/5 (c AND d)\n"
   "                  ^"},
  {"\"a b\" OR NOT \"c d\"",
   "NOT needs something to subtract from, but OR gives it nothing at column 10\n"
   "  \"a b\" OR NOT \"c d\"\n"
   "           ^"},
  {"(",
   "expected a term, phrase or '(' after '(' at column 2\n"
   "  (\n"
   "   ^"},
  {"a (",
   "expected a term, phrase or '(' after '(' at column 4\n"
   "  a (\n"
   "     ^"},
  {"»Dansk",
   "expected '«' to close the phrase at column 1\n"
   "  »Dansk\n"
   "  ^"},
  {"”ja",
   "expected '”' to close the phrase at column 1\n"
   "  ”ja\n"
   "  ^"},
};

static char *dump_of(const char *q)
{
  LedeQuery *t;
  char *err, *d;
  if (lede_query_parse(q, &t, &err) != LEDE_OK) return err;
  d = lede_query_dump(t);
  lede_query_free(t);
  return d;
}

static void test_ok_cases(void)
{
  for (size_t i = 0; i < sizeof ok_cases / sizeof *ok_cases; i++) {
    char *got = dump_of(ok_cases[i].q);
    is_str(got, ok_cases[i].want, "parse %s", ok_cases[i].q);
    free(got);
  }
}

static void test_err_cases(void)
{
  for (size_t i = 0; i < sizeof err_cases / sizeof *err_cases; i++) {
    LedeQuery *t = (LedeQuery *)1;
    char *err = NULL;
    int rc = lede_query_parse(err_cases[i].q, &t, &err);
    ok(rc == LEDE_EFORMAT && t == NULL, "rejects %s", err_cases[i].q);
    is_str(err, err_cases[i].want, "message for %s", err_cases[i].q);
    free(err);
  }
}

/* A string of n copies of s. */
static char *repeat(const char *s, size_t n)
{
  size_t len = strlen(s);
  char *r = malloc(len * n + 1);
  for (size_t i = 0; i < n; i++) memcpy(r + i * len, s, len);
  r[len * n] = '\0';
  return r;
}

static void test_limits(void)
{
  LedeQuery *t;
  char *err, *q, *open = repeat("(", 100), *close = repeat(")", 100);

  q = malloc(300);
  if (!q || !open || !close) { ok(0, "memory for the nesting tests"); return; }
  sprintf(q, "%sa%s", open, close);
  is_int(lede_query_parse(q, &t, &err), LEDE_OK, "100 nested parentheses");
  lede_query_free(t);
  sprintf(q, "(%sa%s)", open, close);
  is_int(lede_query_parse(q, &t, &err), LEDE_EFORMAT, "101 are too many");
  ok(err && strstr(err, "expected at most 100 nested parentheses at column "
                   "101\n"), "and the message says so");
  free(err);
  free(q);
  free(open);
  free(close);

  /* Deep enough to overflow a careless stack, rejected without a crash. */
  q = repeat("(", 1000000);
  is_int(lede_query_parse(q, &t, &err), LEDE_EFORMAT, "a million '('");
  free(err);
  free(q);

  q = repeat("ab ", 65536 / 3 + 1);
  q[65536] = '\0';
  is_int(lede_query_parse(q, &t, &err), LEDE_OK, "65536 bytes are allowed");
  ok(t && t->kind == LEDE_Q_AND && t->nkids == 21846, "as one AND of %zu",
     t ? t->nkids : 0);
  lede_query_free(t);
  q[65536] = 'x';
  is_int(lede_query_parse(q, &t, &err), LEDE_EFORMAT, "65537 are not");
  ok(err && strncmp(err, "expected a query of at most 65536 bytes at column "
                    "65537\n  ...", 60) == 0, "message names the limit");
  free(err);
  free(q);
}

/* Long queries are shown as a window around the caret. */
static void test_window(void)
{
  char *q = repeat("слово ", 30), *err;
  LedeQuery *t;
  size_t len = strlen(q);
  q = realloc(q, len + 4);
  strcpy(q + len, "AND");
  is_int(lede_query_parse(q, &t, &err), LEDE_EFORMAT, "long query fails");
  is_str(err, "expected a term, phrase or '(' after AND at column 184\n"
         "  ... слово слово слово слово слово слово слово слово слово слово "
         "слово слово AND\n"
         "                                                                  "
         "               ^", "window ends at the caret");
  free(err);
  free(q);
}

static void test_columns(void)
{
  LedeQuery *t;
  char *err;
  is_int(lede_query_parse("Путин NEAR/5 «красная линия» NEAR/5 "
                          "~Зеленский", &t,
                          &err), LEDE_OK, "Cyrillic query");
  ok(t && t->kind == LEDE_Q_NEAR && t->nkids == 3, "one NEAR of three");
  if (t && t->nkids == 3) {
    is_int(t->column, 1, "NEAR starts at its first operand");
    is_int(t->kids[1]->column, 14, "phrase column in characters");
    is_int(t->kids[1]->kids[1]->column, 23, "phrase item column");
    is_str(t->kids[1]->text, "красная линия", "phrase text is raw");
    is_int(t->kids[2]->column, 37, "alias column");
    is_str(t->kids[2]->text, "Зеленский", "alias name");
  }
  lede_query_free(t);

  is_int(lede_query_parse("x (\"a b\" OR c)", &t, &err), LEDE_OK, "group");
  if (t && t->kind == LEDE_Q_AND && t->nkids == 2) {
    is_int(t->kids[1]->column, 3, "an OR in parentheses starts at '('");
    is_int(t->kids[1]->kids[0]->column, 4, "a phrase keeps its column");
  }
  lede_query_free(t);

  is_int(lede_query_parse("x (a b) -c", &t, &err), LEDE_OK, "group");
  if (t && t->kind == LEDE_Q_NOT) {
    is_int(t->kids[0]->column, 1, "AND column");
    is_int(t->kids[1]->column, 10, "subtracted term column");
  }
  lede_query_free(t);
}

static void test_fields(void)
{
  LedeQuery *t;
  char *err;
  is_int(lede_query_parse("title:\"red line*\"", &t, &err), LEDE_OK,
         "quoted prefix value");
  ok(t && t->kind == LEDE_Q_FIELD && t->prefix && !strcmp(t->field, "title")
     && !strcmp(t->text, "red line"), "field, key, value, prefix");
  lede_query_free(t);
  is_int(lede_query_parse("date:2021-12..", &t, &err), LEDE_OK, "open date");
  ok(t && t->kind == LEDE_Q_DATE && !strcmp(t->field, "date") &&
     !strcmp(t->text, "2021-12..") && !strcmp(t->date_lo, "2021-12-01") &&
     t->date_hi == NULL, "date node");
  lede_query_free(t);
  is_int(lede_query_parse("a -b", &t, &err), LEDE_OK, "negation");
  ok(t && t->kind == LEDE_Q_NOT && t->nkids == 2, "NOT has two kids");
  lede_query_free(t);
  is_int(lede_query_parse("-b", &t, &err), LEDE_OK, "only negative");
  ok(t && t->kind == LEDE_Q_NOT && t->kids[0] == NULL, "kids[0] is NULL");
  lede_query_free(t);
}

static void test_api(void)
{
  LedeQuery *t = (LedeQuery *)1;
  char *err = (char *)1;
  is_int(lede_query_parse(NULL, &t, &err), LEDE_EMISUSE, "NULL query");
  ok(t == NULL && err == NULL, "outputs cleared");
  is_int(lede_query_parse("a", NULL, NULL), LEDE_EMISUSE, "NULL out");
  is_int(lede_query_parse("a AND", &t, NULL), LEDE_EFORMAT,
         "err may be NULL");
  ok(lede_query_dump(NULL) == NULL, "dump(NULL) is NULL");
  lede_query_free(NULL);
  ok(1, "free(NULL) is fine");
  is_int(lede_query_parse("\"a\\\"b\"", &t, &err), LEDE_EFORMAT,
         "no escapes inside phrases: a backslash is text");
  free(err);
}

int main(void)
{
  test_ok_cases();
  test_err_cases();
  test_limits();
  test_window();
  test_columns();
  test_fields();
  test_api();
  return tap_done();
}
