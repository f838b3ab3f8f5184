/*
 * test_tokenize.c -- table-driven tokenizer cases in the style of xapian's
 * termgentest: each input is rendered as "term:[pos]" for every token that
 * takes a position, in emission order, and compared with the expectation.
 * Compounds show whole and parts: "pro-russian:[1] pro:[1] russian:[2]".
 * Further checks cover kinds, byte spans, sentence numbers, stemming and
 * stopwords.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lede/lede.h"
#include "lede/tokenize.h"
#include "tap.h"

typedef struct Out { char s[4096]; size_t n; int punct; } Out;

static int render(void *ud, const LedeToken *t)
{
  Out *o = ud;
  if ((t->flags & LEDE_TOKF_NOPOS) && !o->punct) return 0;
  int k = snprintf(o->s + o->n, sizeof o->s - o->n, "%s%.*s:[%u]", o->n ? " " : "",
                   (int)t->len, t->term, t->pos);
  if (k > 0 && o->n + (size_t)k < sizeof o->s) o->n += (size_t)k;
  return 0;
}

static const char *terms(LedeTokenizer *tk, const char *text)
{
  static Out o;
  memset(&o, 0, sizeof o);
  lede_tokenize(tk, text, strlen(text), render, &o);
  return o.s;
}

static const struct { const char *in, *want; } cases[] = {
  {"Russia’s pro-Russian stance", "russia:[0] pro-russian:[1] pro:[1] russian:[2] stance:[3]"},
  {"Russia's", "russia:[0]"},
  {"Putin-Biden talks", "putin-biden:[0] putin:[0] biden:[1] talks:[2]"},
  {"don’t don't", "don't:[0] don't:[1]"},
  {"the U.S. and the U.N.", "the:[0] u.s.:[1] and:[2] the:[3] u.n.:[4]"},
  {"U.S", "u.s:[0]"},
  {"100,000 troops", "100000:[0] troops:[1]"},
  {"1,500.5 and 3.14", "1500.5:[0] and:[1] 3.14:[2]"},
  {"100\xc2\xa0" "000 troops", "100000:[0] troops:[1]"},
  {"at 13:56 GMT", "at:[0] 13:56:[1] gmt:[2]"},
  {"see https://www.rferl.org/a/x.html.", "see:[0] https://www.rferl.org/a/x.html:[1]"},
  {"www.tass.com, then", "www.tass.com:[0] then:[1]"},
  {"mail news@dpa.de now", "mail:[0] news@dpa.de:[1] now:[2]"},
  {"#Ukraine by @ZelenskyyUa", "#ukraine:[0] ukraine:[0] by:[1] @zelenskyyua:[2] zelenskyyua:[2]"},
  {"Зеленский и Путин", "зеленский:[0] и:[1] путин:[2]"},
  {"п'ять п’ять", "п'ять:[0] п'ять:[1]"},
  {"café CAFÉ naïve", "cafe:[0] cafe:[1] naive:[2]"},
  {"Йошкар-Ола ёлка", "йошкар-ола:[0] йошкар:[0] ола:[1] елка:[2]"},
  {"Hello, world!", "hello:[0] world:[1]"},
  {"ＡＢＣ ﬁne", "abc:[0] fine:[1]"},
  {"Straße", "strasse:[0]"},
  {"Rostov-on-Don", "rostov-on-don:[0] rostov:[0] on:[1] don:[2]"},
  {"COVID-19 cases", "covid-19:[0] covid:[0] 19:[1] cases:[2]"},
  {"ЁЛКА Їжак ЙОД Ґанок", "елка:[0] їжак:[1] йод:[2] ґанок:[3]"},
  {"Ελλάδα Zürich", "ελλαδα:[0] zurich:[1]"},
  {"", ""},
};

typedef struct Sent { char s[256]; size_t n; } Sent;

/* Render each word's sentence number: "0 0 1 1". */
static int sent_of(void *ud, const LedeToken *t)
{
  Sent *o = ud;
  if (t->flags & (LEDE_TOKF_NOPOS | LEDE_TOKF_PART)) return 0;
  int k = snprintf(o->s + o->n, sizeof o->s - o->n, "%s%u", o->n ? " " : "", t->sentence);
  if (k > 0 && o->n + (size_t)k < sizeof o->s) o->n += (size_t)k;
  return 0;
}

static const char *sentences(LedeTokenizer *tk, const char *text)
{
  static Sent o;
  memset(&o, 0, sizeof o);
  lede_tokenize(tk, text, strlen(text), sent_of, &o);
  return o.s;
}

static const struct { const char *in, *want; } sent_cases[] = {
  {"Mr. Smith went. He left.", "0 0 0 1 1"},
  {"Putin talks\nThe Kremlin said", "0 0 1 1 1"},
  {"He said \"no.\" Then left", "0 0 0 1 1"},
  {"Is it? Yes! Fine", "0 0 1 2"},
  {"in the U.S. The end", "0 0 0 0 0"},
  {"Dr. No met Gen. Lee. Next", "0 0 0 0 0 1"},
  {"It costs 3.5 bn. dollars", "0 0 0 0 0"},
};

typedef struct Kinds { char s[256]; size_t n; } Kinds;

static int kind_of(void *ud, const LedeToken *t)
{
  static const char *name[] = {"?", "word", "number", "punct", "symbol", "url",
                               "email", "hashtag", "mention", "space"};
  Kinds *o = ud;
  int k = snprintf(o->s + o->n, sizeof o->s - o->n, "%s%s@%zu-%zu", o->n ? " " : "",
                   name[t->kind], t->start, t->end);
  if (k > 0 && o->n + (size_t)k < sizeof o->s) o->n += (size_t)k;
  return 0;
}

int main(void)
{
  LedeTokenizer *tk = lede_tokenizer_new(LEDE_TOK_DEFAULT);
  ok(tk != NULL, "tokenizer");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    is_str(terms(tk, cases[i].in), cases[i].want, "terms of \"%s\"", cases[i].in);
  for (size_t i = 0; i < sizeof sent_cases / sizeof sent_cases[0]; i++)
    is_str(sentences(tk, sent_cases[i].in), sent_cases[i].want, "sentences of \"%s\"",
           sent_cases[i].in);

  Kinds k = { "", 0 };
  const char *mix = "Hi, $5 #tag";
  lede_tokenize(tk, mix, strlen(mix), kind_of, &k);
  is_str(k.s, "word@0-2 punct@2-3 symbol@4-5 number@5-6 hashtag@7-11 word@8-11",
         "kinds and byte spans");

  /* Spans only: the same spans and kinds, no terms, no sentences. */
  unsigned old = lede_tokenizer_set_opts(tk, LEDE_TOK_DEFAULT | LEDE_TOK_SPANS);
  ok(old == LEDE_TOK_DEFAULT, "lede_tokenizer_set_opts returns the old options");
  Kinds ks = { "", 0 };
  lede_tokenize(tk, mix, strlen(mix), kind_of, &ks);
  is_str(ks.s, k.s, "LEDE_TOK_SPANS: the same kinds and byte spans");
  is_str(terms(tk, "Hi. Pro-Russian U.S. news@dpa.de"), ":[0] :[1] :[1] :[2] :[3] :[4]",
         "LEDE_TOK_SPANS: empty terms, the same positions");
  is_str(sentences(tk, "Mr. Smith went. He left."), "0 0 0 0 0", "LEDE_TOK_SPANS: no sentences");
  lede_tokenizer_set_opts(tk, old);
  is_str(sentences(tk, "Mr. Smith went. He left."), "0 0 0 1 1", "options restored");

  LedeTokenizer *keep = lede_tokenizer_new(0);
  is_str(terms(keep, "café"), "café:[0]", "diacritics kept without LEDE_TOK_FOLD_DIACRITICS");
  lede_tokenizer_free(keep);

  const char *nul = "a\0b";
  Out o; memset(&o, 0, sizeof o);
  lede_tokenize(tk, nul, 3, render, &o);
  is_str(o.s, "a:[0] b:[1]", "NUL bytes inside text");

  LedeStemmer *en = lede_stemmer_new("en");
  size_t n;
  const char *st = en ? lede_stem(en, "sanctions", 9, &n) : "";
  ok(en && n == 8 && !memcmp(st, "sanction", 8), "English stem of sanctions");
  lede_stemmer_free(en);
  LedeStemmer *ru = lede_stemmer_new("ru");
  st = ru ? lede_stem(ru, "санкциями", strlen("санкциями"), &n) : "";
  ok(ru && n == strlen("санкц") && !memcmp(st, "санкц", n), "Russian stem of санкциями");
  lede_stemmer_free(ru);
  ok(lede_stemmer_new("xx") == NULL, "no stemmer for an unknown language");
  /* libstemmer 2.2 (Debian 12) has no Ukrainian: "uk" gives NULL there. */

  ok(lede_stopword("en", "the", 3) && !lede_stopword("en", "kremlin", 7), "English stopwords");
  ok(lede_stopword("ru", "это", strlen("это")) && !lede_stopword("ru", "путин", strlen("путин")),
     "Russian stopwords");
  lede_tokenizer_free(tk);
  return tap_done();
}
