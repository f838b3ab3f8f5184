/*
 * query.h -- the query language: text in, a tree of LedeQuery nodes out.
 *
 * This module only parses.  It does not normalise terms, expand aliases
 * or touch an index: the evaluator does that, walking the tree this
 * parser builds.  The tree is the contract between the two.
 *
 * The language, tightest binding first:
 *
 *   putin  Зеленский  U.S.  don't      terms (any script; case as written)
 *   sanction*                          prefix
 *   "red line"  “red line”  «red line» phrase; items may be prefixes
 *   /^putin(a|y)?$/  /kreml/i          regex over the vocabulary
 *   ~Zelensky                          alias, expanded by the evaluator
 *   source:rt  title:"red line"        metadata filter; value* is a prefix
 *   date:2021-12  date:2021..2022-01   date filter, inclusive, any precision
 *   ( ... )                            grouping
 *   a NEAR/5 b   a NEAR b   a ADJ/3 b  proximity; NEAR alone is NEAR/10
 *   ... WITHIN SENTENCE                after a phrase or a NEAR/ADJ chain
 *   NOT x   -x                         negation of a whole NEAR/ADJ chain
 *   a AND b   a b                      conjunction, explicit or implicit
 *   a OR b                             disjunction
 *
 * AND, OR, NOT, NEAR, ADJ and WITHIN are keywords only in capitals; "and",
 * "or", "not", "near" are ordinary terms (the lowercase pair "within
 * sentence" is also accepted as the WITHIN SENTENCE operator).  Quote a
 * keyword ("AND") to search for it.
 *
 * Decisions worth knowing:
 *  - "a NOT b", "a AND NOT b" and "a -b" all mean a minus b.  A query that
 *    is only negative ("NOT b", "-b -c") means all documents minus those.
 *    NOT inside an OR ("a OR NOT b") is an error: it would subtract from
 *    every document in the corpus, which is almost never what was meant.
 *  - Negation takes a whole proximity expression: "x NOT a NEAR b" is x
 *    minus (a NEAR b).  Doubled negation ("NOT NOT a", "--a") is an error.
 *  - One NEAR/ADJ chain has one distance and one order: "a NEAR/5 b NEAR/5
 *    c" is one node with three operands; "a NEAR/5 b NEAR/3 c" is an error.
 *    ADJ needs a distance ("ADJ/1"); NEAR without one means NEAR/10.
 *    Distances run from 1 to 100000.  "near/5" in lower case is an error
 *    rather than a term, since it can only be a mistyped operator.
 *  - A word ending in '*' is a prefix (all trailing stars go); a word that
 *    starts with '*' is an error (suffixes need a regex).
 *  - A key:value word is a filter when the key is [A-Za-z_][A-Za-z0-9_.]*;
 *    "https://..." is a term, not a filter on key "https".  The built-in
 *    keys date, source, title, lang and uri are matched in any case and
 *    given in lower case; other keys (metadata) are kept as written.
 *  - Any double quote (" “ ” „ ‟ « ») opens a phrase and any of them
 *    closes it, so German „…“, French «…» and Swedish ”…” all work.
 *  - Columns count characters (code points): a caret lines up under
 *    Cyrillic or Greek, not under wide CJK or combining marks.
 *  - Unicode White_Space (no-break space included), the zero width space,
 *    the word joiner and the byte order mark separate words.  The
 *    query must be valid UTF-8 without control characters other than
 *    whitespace, at most 65536 bytes and at most 100 levels deep.
 */
#ifndef LEDE_QUERY_H
#define LEDE_QUERY_H

#include <stddef.h>

/* The kinds of node in a parsed query. */
typedef enum LedeQueryKind {
  LEDE_Q_TERM,    /* text: the term as written (not normalised; a term that
                     tokenizes to several tokens is a phrase there) */
  LEDE_Q_PHRASE,  /* kids: the items (TERM or PREFIX), in order; text: the
                     raw text between the quotes */
  LEDE_Q_PREFIX,  /* text: the prefix without its '*'; prefix: 1 */
  LEDE_Q_REGEX,   /* text: the pattern between the slashes, "\/" turned
                     into "/" and every other escape kept; nocase: 1 for
                     a trailing "i" */
  LEDE_Q_NEAR,    /* kids: 2 or more operands (TERM, PREFIX, PHRASE, REGEX,
                     ALIAS, or an OR of those); distance: the n of NEAR/n;
                     ordered: 0 for NEAR, 1 for ADJ (each operand after the
                     one before) */
  LEDE_Q_AND,     /* kids: 2 or more operands, flattened: a AND b AND c is */
  LEDE_Q_OR,      /* one node with three kids, and so is a OR (b OR c) */
  LEDE_Q_NOT,     /* nkids == 2; kids[0]: what must match, or NULL for "all
                     documents" (only ever at the root); kids[1]: what must
                     not, never NULL (an OR when several things are
                     subtracted: a -b -c is (not a (or b c)); a NOT with a
                     kids[0] for a -(b -c)) */
  LEDE_Q_FIELD,   /* field: the key; text: the value, quotes removed;
                     prefix: 1 when the value ended in '*' (text without it) */
  LEDE_Q_DATE,    /* date_lo, date_hi: inclusive bounds "YYYY-MM-DD", NULL
                     for an open end; field: "date"; text: the value as
                     written.  date:2021-12 is 2021-12-01..2021-12-31 */
  LEDE_Q_ALIAS    /* text: the name after '~' */
} LedeQueryKind;

/* A node of a parsed query.  Strings are malloc'd, NUL-terminated UTF-8,
 * NULL when the kind does not use them. */
typedef struct LedeQuery {
  LedeQueryKind kind;
  char *text, *field, *date_lo, *date_hi;
  int distance, ordered;   /* NEAR */
  int within_sentence;     /* PHRASE, NEAR: followed by WITHIN SENTENCE */
  int prefix;              /* PREFIX, FIELD */
  int nocase;              /* REGEX: /.../i */
  int column;              /* 1-based column (in characters) where the node
                              starts, for the evaluator's messages */
  size_t nkids;
  struct LedeQuery **kids;
} LedeQuery;

/*
 * Parse the NUL-terminated query q into a tree and store it in *out; the
 * caller frees it with lede_query_free().  Returns LEDE_OK, LEDE_EFORMAT
 * when q is not a valid query, LEDE_ENOMEM, or LEDE_EMISUSE when q or out
 * is NULL.  On failure *out is NULL and, when err is not NULL, *err is set
 * to a malloc'd message of three lines (no trailing newline): what was
 * expected and the 1-based column, the query, and a caret under the
 * column, counted in characters so it lines up under Cyrillic text:
 *
 *   expected a term, phrase or '(' after AND at column 10
 *     putin AND
 *              ^
 *
 * An unexpected end of the query is reported one column past its last
 * character.  Queries wider than 76 characters are shown as a window
 * around the caret, cut ends marked "...".
 */
int lede_query_parse(const char *q, LedeQuery **out, char **err);

/* Free a tree from lede_query_parse().  NULL-safe. */
void lede_query_free(LedeQuery *q);

/*
 * The tree as a malloc'd S-expression, for tests and debugging, e.g.
 *   (and (term "putin") (phrase "red" (prefix "line")))
 *   (not (all) (or (term "a") (term "b")))
 *   (near 5 (term "a") (term "b")) (adj 3 ... :sentence)
 *   (regex "p" :i) (field "source" "rt") (field "source" (prefix "tass"))
 *   (date "2021-12-01" nil) (alias "Zelensky")
 * Strings escape '"' and '\\' with a backslash and control bytes as \xNN.
 * NULL when q is NULL or memory runs out.
 */
char *lede_query_dump(const LedeQuery *q);

#endif
