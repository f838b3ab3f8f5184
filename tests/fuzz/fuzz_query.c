/*
 * fuzz_query.c -- libFuzzer driver for the query parser.
 *
 * Parses arbitrary bytes and checks what must hold for any input: a tree
 * whose shape keeps the contract with the evaluator (operator arity, leaf
 * strings, columns inside the query), or a three-line message whose caret
 * sits under the column it names.  Any breach aborts so the fuzzer keeps
 * the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lede/lede.h"
#include "lede/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
  if (cond) return;
  fprintf(stderr, "fuzz_query: %s\n", what);
  abort();
}

static int is_leaf(LedeQueryKind k)
{
  return k == LEDE_Q_TERM || k == LEDE_Q_PREFIX || k == LEDE_Q_PHRASE ||
         k == LEDE_Q_REGEX || k == LEDE_Q_ALIAS;
}

/* A negation with nothing to subtract from stands only at the root. */
static void check_tree(const LedeQuery *q, int maxcol, int root)
{
  check(q->column >= 1 && q->column <= maxcol, "column outside the query");
  check(root || q->kind != LEDE_Q_NOT || q->kids[0], "bare NOT inside");
  switch (q->kind) {
  case LEDE_Q_AND: case LEDE_Q_OR:
    check(q->nkids >= 2, "AND/OR with fewer than two kids");
    for (size_t i = 0; i < q->nkids; i++)
      check(q->kids[i]->kind != q->kind, "AND/OR not flattened");
    break;
  case LEDE_Q_NEAR:
    check(q->nkids >= 2 && q->distance >= 1, "bad NEAR");
    for (size_t i = 0; i < q->nkids; i++) {
      const LedeQuery *k = q->kids[i];
      check(is_leaf(k->kind) || k->kind == LEDE_Q_OR, "bad NEAR operand");
    }
    break;
  case LEDE_Q_NOT:
    check(q->nkids == 2 && q->kids[1], "bad NOT");
    break;
  case LEDE_Q_PHRASE:
    check(q->nkids >= 1 && q->text, "bad phrase");
    for (size_t i = 0; i < q->nkids; i++)
      check(q->kids[i]->kind == LEDE_Q_TERM ||
            q->kids[i]->kind == LEDE_Q_PREFIX, "bad phrase item");
    break;
  case LEDE_Q_DATE:
    check(q->date_lo || q->date_hi, "date open at both ends");
    check(!q->date_lo || !q->date_hi || strcmp(q->date_lo, q->date_hi) <= 0,
          "date range reversed");
    break;
  case LEDE_Q_FIELD:
    check(q->field && q->text && q->field[0], "bad field");
    break;
  default:
    check(q->nkids == 0 && q->text && q->text[0], "bad leaf");
  }
  for (size_t i = 0; i < q->nkids; i++)
    if (q->kids[i]) check_tree(q->kids[i], maxcol, 0);
}

/* The caret line has the caret under the column the first line names. */
static void check_message(const char *err)
{
  const char *l2 = strchr(err, '\n'), *l3 = NULL, *at;
  int col;
  check(l2 && (l3 = strchr(l2 + 1, '\n')) && !strchr(l3 + 1, '\n'),
        "message is not three lines");
  at = strstr(err, " at column ");
  check(at && at < l2 && sscanf(at, " at column %d", &col) == 1 && col >= 1,
        "message names no column");
  check(l3[strlen(l3) - 1] == '^', "no caret");
  if (strncmp(l2 + 1, "  ...", 5) != 0)
    check((int)strlen(l3 + 1) - 2 == col, "caret not under the column");
}

static int count_chars(const char *s)
{
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *q = malloc(size + 1), *err = NULL, *d;
  LedeQuery *t = NULL;
  if (!q) return 0;
  memcpy(q, data, size);
  q[size] = '\0';
  int rc = lede_query_parse(q, &t, &err);
  if (rc == LEDE_OK) {
    check(t && !err, "success without a tree");
    check_tree(t, count_chars(q) + 1, 1);
    d = lede_query_dump(t);
    check(d && d[0] == '(', "no dump");
    free(d);
  } else {
    check(rc == LEDE_EFORMAT && !t && err, "failure without a message");
    check_message(err);
  }
  lede_query_free(t);
  free(err);
  free(q);
  return 0;
}
