/*
 * test_tokdiff.c -- the tokenizer's ASCII fast path against its general
 * path (LEDE_TOK_SLOWPATH): every field of every token must be the same.
 * Inputs: every file under tests/corpus and tests/fixtures, thousands of
 * generated strings (fixed seed) mixing ASCII words, punctuation,
 * apostrophes, hyphens, periods, digits, URLs, e-mails, curly quotes,
 * accented and Cyrillic letters, marks, controls and invalid bytes, and
 * every case of WordBreakTest.txt and SentenceBreakTest.txt.  Each input
 * runs with diacritic folding on and off, and LEDE_TOK_SPANS is checked
 * against the general path's spans.
 *
 *   build/tests/test_tokdiff [file...]   also compares the files given
 *                                        (whole and in ~3.5 KB documents)
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lede/lede.h"
#include "lede/tokenize.h"
#include "tap.h"

typedef struct Tok {
  size_t term, len, start, end;       /* term: offset into the list's arena */
  uint32_t pos, sentence;
  unsigned kind, flags;
} Tok;

typedef struct List {
  Tok *v; size_t n, cap;
  char *arena; size_t an, acap;
} List;

static int collect(void *ud, const LedeToken *t)
{
  List *l = ud;
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 1024;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
  }
  if (l->an + t->len + 1 > l->acap) {
    while (l->an + t->len + 1 > l->acap) l->acap = l->acap ? 2 * l->acap : 8192;
    l->arena = realloc(l->arena, l->acap);
  }
  if (!l->v || !l->arena) abort();
  if (t->term[t->len] != 0) abort();           /* terms are NUL-terminated */
  memcpy(l->arena + l->an, t->term, t->len + 1);
  l->v[l->n++] = (Tok){ l->an, t->len, t->start, t->end, t->pos, t->sentence,
                        (unsigned)t->kind, t->flags };
  l->an += t->len + 1;
  return 0;
}

/* The four tokenizers: fast and general, diacritics folded and kept; and
 * the spans-only fast path. */
static LedeTokenizer *fast[2], *slow[2], *spans;
static long texts, tokens, mismatches;

static void show(const char *text, size_t n, const List *l, size_t k, const char *who)
{
  if (k >= l->n) { printf("#   %s: (no token)\n", who); return; }
  const Tok *t = &l->v[k];
  printf("#   %s: term '%s' len %zu span %zu-%zu '%.*s' pos %u sentence %u kind %u flags %u\n",
         who, l->arena + t->term, t->len, t->start, t->end,
         (int)(t->end <= n ? t->end - t->start : 0), text + t->start,
         t->pos, t->sentence, t->kind, t->flags);
}

static void show_text(const char *text, size_t n)
{
  printf("#   in \"");
  for (size_t i = 0; i < n && i < 300; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') putchar(c);
    else printf("\\x%02x", c);
  }
  printf("\"%s\n", n > 300 ? "..." : "");
}

static int same(const List *a, size_t i, const List *b, size_t j, int spans_only)
{
  const Tok *x = &a->v[i], *y = &b->v[j];
  if (x->start != y->start || x->end != y->end || x->pos != y->pos || x->kind != y->kind)
    return 0;
  if (spans_only)
    return x->len == 0 && x->sentence == 0 && !(x->flags & LEDE_TOKF_SENTENCE)
        && x->flags == (y->flags & ~(unsigned)LEDE_TOKF_SENTENCE);
  return x->flags == y->flags && x->sentence == y->sentence && x->len == y->len
      && !memcmp(a->arena + x->term, b->arena + y->term, x->len);
}

/* Compare got (fast) with want (general); prints the first difference of
 * the first few failing texts.  Returns the number of differing tokens. */
static long compare(const char *text, size_t n, const List *got, const List *want,
                    int spans_only, const char *what)
{
  long bad = 0;
  size_t first = SIZE_MAX;
  size_t m = got->n > want->n ? got->n : want->n;
  for (size_t k = 0; k < m; k++) {
    if (k < got->n && k < want->n && same(got, k, want, k, spans_only)) continue;
    bad++;
    if (first == SIZE_MAX) first = k;
  }
  if (bad && mismatches < 10) {
    printf("# MISMATCH (%s) at token %zu of %zu/%zu\n", what, first, got->n, want->n);
    size_t lo = first < 40 ? 0 : first - 40;
    const char *from = text + (first < want->n ? want->v[first].start
                               : first < got->n ? got->v[first].start : 0);
    size_t off = (size_t)(from - text), back = off < 60 ? off : 60;
    (void)lo;
    show_text(from - back, n - off + back < 160 ? n - off + back : 160);
    show(text, n, got, first, "fast");
    show(text, n, want, first, "general");
  }
  return bad;
}

static void reset(List *l) { l->n = 0; l->an = 0; }

static List lg, lw;

/* One text through every pair; adds to the counts. */
static void check(const char *text, size_t n)
{
  texts++;
  for (int f = 0; f < 2; f++) {
    reset(&lg); reset(&lw);
    lede_tokenize(fast[f], text, n, collect, &lg);
    lede_tokenize(slow[f], text, n, collect, &lw);
    tokens += (long)lw.n;
    mismatches += compare(text, n, &lg, &lw, 0, f ? "folding diacritics" : "keeping diacritics");
    if (f) {
      reset(&lg);
      lede_tokenize(spans, text, n, collect, &lg);
      mismatches += compare(text, n, &lg, &lw, 1, "LEDE_TOK_SPANS");
    }
  }
}

static char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
  fclose(f);
  *n = p ? (size_t)len : 0;
  return p;
}

/* A file whole and, when large, in documents cut after line ends. */
static void check_file(const char *path)
{
  size_t n;
  char *p = slurp(path, &n);
  if (!p) { printf("# cannot read %s\n", path); mismatches++; return; }
  check(p, n);
  if (n > 8192)
    for (size_t i = 0; i < n;) {
      size_t e = i + 3500 < n ? i + 3500 : n;
      const char *nl = e < n ? memchr(p + e, '\n', n - e) : NULL;
      e = nl ? (size_t)(nl - p) + 1 : n;
      check(p + i, e - i);
      i = e;
    }
  free(p);
}

static void walk(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    struct stat st;
    if (stat(path, &st)) continue;
    if (S_ISDIR(st.st_mode)) walk(path);
    else if (S_ISREG(st.st_mode) && st.st_size < (4 << 20)) check_file(path);
  }
  closedir(d);
}

/* ---- generated texts ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t rnd(uint32_t k)
{
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (uint32_t)(rng % k);
}

static const char *const pieces[] = {
  "the", "The", "said", "Putin", "BIDEN", "a", "I", "x", "Mr", "Mrs", "Dr", "Gen", "St",
  "messrs", "Sept", "etc", "no", "U", "S", "J", "e", "g",
  "U.S.", "U.N.", "e.g.", "i.e.", "U.S", "A.B.C.", "x.y", "don't", "don’t", "Won’t",
  "Kazakhstan’s", "Russia's", "Mr's", "no’s", "Abcdefghijklmno's", "Abcdefghijklmnop’s",
  "Abcdefghijklmnopqrstuvwxyz0123456789abcdefghij", "ABCDEFGHIJKLMNOP", "students'", "rock'n'roll", "O’Brien", "ʼs", "'s", "’s",
  "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s", "1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16-17",
  "pro-Kazakhstan’s", "9-to-5", "10-15", "Rock'n'roll-star's", "x-", "-y", "Mr-",
  "pro-Russian", "Putin-Biden", "COVID-19", "Rostov-on-Don", "self-as", "a-b-c-d",
  "12:30am", "1.5:30", "1,000:30", "13:56:07", "9:5", "1:234", "1.5km", "a1.5", "x1,5",
  "12,345,678.9", "1.5-2.5", "1.5@x.com", "3.14.15", "1,5,", "10.", "0,5%", "7.5’s",
  "100,000", "1,500.5", "3.14", "13:56", "1:2", "2010", "17.5%", "5%", "+7", "1,5",
  "100\xc2\xa0" "000", "12\xe2\x80\xaf" "345", "12\xe2\x80\x89" "345", "9'000", "1’000",
  "https://www.rferl.org/a/x.html", "http://x.org", "www.tass.com", "WWW.X.RU", "http",
  "www", "htt", "news@dpa.de", "a.b@c.d", "x+y@z.org", "-x@y.com", "%a@b.cc", "a..b@c.de",
  "@user", "#Kyiv", "#", "@", "#1", "a_b", "_", "__init__",
  "café", "CAFÉ", "naïve", "Zürich", "Straße", "Ελλάδα", "Зеленский", "Путин", "ёлка",
  "Йошкар-Ола", "п'ять", "п’ять", "ＡＢＣ", "ﬁne", "Ǆemal", "İstanbul",
  ".", ",", ";", ":", "!", "?", "'", "\"", "(", ")", "[", "]", "{", "}", "-", "–", "—",
  "“", "”", "‘", "’", "«", "»", "…", "...", "..", "/", "\\", "&", "*", "$", "€", "=",
  "<", ">", "|", "~", "^", "`", "%", "+", "\xc2\xad", "\xe2\x80\x90", "\xe2\x80\x91",
  " ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\v", "\f", "\xc2\xa0",
  "\xc2\x85", "\xe2\x80\xa8", "\x01", "\x1f", "\x7f", "\0",
  "\xcc\x81", "\xe2\x80\x8d", "\xe2\x80\x8b", "\xf0\x9f\x98\x80", "\xf0\x9f\x87\xba",
  "\xef\xbb\xbf", "\xff", "\x80", "\xe2\x80", "\xd0", "\xd7\x90", "\xd7\x90\"\xd7\x91",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

/* A text of pieces, mostly with spaces between them, sometimes glued. */
static size_t gen_pieces(char *buf, size_t cap)
{
  size_t n = 0, k = 1 + rnd(40);
  for (size_t i = 0; i < k; i++) {
    const char *p = pieces[rnd(NPIECES)];
    size_t m = p[0] ? strlen(p) : 1;        /* "\0" is one NUL byte */
    if (n + m + 2 >= cap) break;
    memcpy(buf + n, p, m);
    n += m;
    if (rnd(3)) buf[n++] = rnd(8) ? ' ' : rnd(2) ? '\n' : '.';
  }
  return n;
}

/* A text of single characters drawn from a small alphabet, so rare joins
 * (letter, period, letter; digit, comma, digit) come up often. */
static size_t gen_chars(char *buf, size_t cap)
{
  static const char *const alpha[] = {
    "a", "b", "s", "t", "h", "w", "A", "S", "U", "0", "1", "9", ".", ",", ":", ";", "'",
    "’", "-", " ", " ", " ", "\n", "@", "#", "_", "%", "+", "\"", "”", "“", "—", "!", "?",
    "é", "ж", "\xcc\x81", "\xc2\xa0", "/", ")",
  };
  size_t n = 0, k = 1 + rnd(60);
  for (size_t i = 0; i < k; i++) {
    const char *p = alpha[rnd(sizeof alpha / sizeof alpha[0])];
    size_t m = strlen(p);
    if (n + m >= cap) break;
    memcpy(buf + n, p, m);
    n += m;
  }
  return n;
}

/* ---- the Unicode conformance files ---- */

static long check_conformance(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[4096], text[1024];
  long cases = 0;
  while (fgets(line, sizeof line, f)) {
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    size_t n = 0;
    for (char *t = strtok(line, " \t\n"); t; t = strtok(NULL, " \t\n")) {
      if (!strcmp(t, "\xc3\xb7") || !strcmp(t, "\xc3\x97")) continue;   /* ÷ × */
      long cp = strtol(t, NULL, 16);
      char u[4];
      size_t m = cp < 0x80 ? (u[0] = (char)cp, 1)
               : cp < 0x800 ? (u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), 2)
               : cp < 0x10000 ? (u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)),
                                 u[2] = (char)(0x80 | (cp & 63)), 3)
               : (u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)),
                  u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), 4);
      if (n + m < sizeof text) { memcpy(text + n, u, m); n += m; }
    }
    if (!n) continue;
    check(text, n);
    cases++;
  }
  fclose(f);
  return cases;
}

int main(int argc, char **argv)
{
  fast[0] = lede_tokenizer_new(0);
  fast[1] = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS);
  slow[0] = lede_tokenizer_new(LEDE_TOK_SLOWPATH);
  slow[1] = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS | LEDE_TOK_SLOWPATH);
  spans = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS | LEDE_TOK_SPANS);
  if (!ok(fast[0] && fast[1] && slow[0] && slow[1] && spans, "tokenizers")) return tap_done();

  if (argc > 1) {
    for (int i = 1; i < argc; i++) check_file(argv[i]);
    printf("# files: %ld texts, %ld tokens, %ld mismatches\n", texts, tokens, mismatches);
    ok(mismatches == 0, "the files given: fast path = general path");
    return tap_done();
  }

  walk("tests/corpus");
  walk("tests/fixtures");
  printf("# fixtures: %ld texts, %ld tokens, %ld mismatches\n", texts, tokens, mismatches);
  ok(texts > 50 && mismatches == 0, "fixtures: fast path = general path (%ld texts)", texts);

  long before = mismatches;
  texts = tokens = 0;
  static char buf[8192];
  for (int i = 0; i < 20000; i++) check(buf, gen_pieces(buf, sizeof buf));
  for (int i = 0; i < 20000; i++) check(buf, gen_chars(buf, sizeof buf));
  printf("# generated: %ld texts, %ld tokens, %ld mismatches\n", texts, tokens, mismatches - before);
  ok(mismatches == before, "generated texts: fast path = general path");

  before = mismatches;
  texts = tokens = 0;
  long wb = check_conformance("/usr/share/unicode/auxiliary/WordBreakTest.txt");
  long sb = check_conformance("/usr/share/unicode/auxiliary/SentenceBreakTest.txt");
  printf("# conformance cases: %ld words, %ld sentences, %ld mismatches\n", wb, sb,
         mismatches - before);
  ok(wb > 1000 && sb > 400 && mismatches == before,
     "WordBreakTest and SentenceBreakTest cases: fast path = general path");

  for (int f = 0; f < 2; f++) { lede_tokenizer_free(fast[f]); lede_tokenizer_free(slow[f]); }
  lede_tokenizer_free(spans);
  free(lg.v); free(lg.arena); free(lw.v); free(lw.arena);
  return tap_done();
}
