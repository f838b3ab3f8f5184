/*
 * test_langid.c -- language identification on short paragraphs written
 * for the test (tests/fixtures/lang/short.tsv, not the training text):
 * prints the accuracy and requires 95%; texts it must not guess at; the
 * 400-byte window; threads; stopword lists of the six languages.
 */
#include <pthread.h>
#include <stdlib.h>
#include "lede_int.h"
#include "lede/langid.h"
#include "tap.h"

static void accuracy(void)
{
  FILE *f = fopen("tests/fixtures/lang/short.tsv", "r");
  ok(f != NULL, "fixture tests/fixtures/lang/short.tsv opens");
  if (!f) return;
  char line[2048];
  int n = 0, right = 0, per[LEDE_LANGID_MAX] = {0}, seen[LEDE_LANGID_MAX] = {0};
  const char *langs[LEDE_LANGID_MAX] = {"en", "de", "fr", "es", "ru", "uk"};
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || strlen(line) < 4 || line[2] != '\t') continue;
    line[2] = '\0';
    size_t len = strcspn(line + 3, "\n");
    const char *got = lede_langid(line + 3, len);
    int hit = got && strcmp(got, line) == 0;
    n++;
    right += hit;
    for (int i = 0; i < LEDE_LANGID_MAX; i++)
      if (!strcmp(langs[i], line)) { seen[i]++; per[i] += hit; }
    if (!hit) diag("missed (%s, got %s): %.*s", line, got ? got : "none", (int)len, line + 3);
  }
  fclose(f);
  for (int i = 0; i < LEDE_LANGID_MAX; i++) {
    ok(seen[i] >= 20, "%s: %d paragraphs in the fixture", langs[i], seen[i]);
    diag("langid %s: %d/%d", langs[i], per[i], seen[i]);
  }
  diag("langid accuracy on short paragraphs: %d/%d = %.1f%%", right, n, n ? 100.0 * right / n : 0);
  printf("## langid accuracy on %d short paragraphs in six languages: %.1f%%\n", n, n ? 100.0 * right / n : 0);
  ok(n >= 120 && right * 100 >= n * 95, "at least 95%% right (%d of %d)", right, n);
}

static void training(void)
{
  const char *langs[] = {"en", "de", "fr", "es", "ru", "uk"};
  for (int i = 0; i < 6; i++) {
    char path[64];
    snprintf(path, sizeof path, "core/gen/langid/%s.txt", langs[i]);
    FILE *f = fopen(path, "rb");
    char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    is_str(lede_langid(buf, n), langs[i], "training text %s is %s", path, langs[i]);
  }
}

static void refusals(void)
{
  ok(lede_langid("", 0) == NULL, "empty text: no language");
  ok(lede_langid("12 345, 2024-03-04 !!", 21) == NULL, "numbers and punctuation: no language");
  const char *el = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.";
  ok(lede_langid(el, strlen(el)) == NULL, "Greek, which the model does not know: no guess");
  const char *zh = "政府宣布了新的经济措施。";
  ok(lede_langid(zh, strlen(zh)) == NULL, "Chinese: no guess");
  const char *kiev = "Київ", *moskva = "Ещё объявили";
  is_str(lede_langid(kiev, strlen(kiev)), "uk", "one word with ї is Ukrainian");
  is_str(lede_langid(moskva, strlen(moskva)), "ru", "ё and ъ are Russian");
  LedeLangScore sc[LEDE_LANGID_MAX];
  const char *de = "Die Regierung hat am Montag neue Maßnahmen beschlossen.";
  long n = lede_langid_rank(de, strlen(de), sc);
  ok(n > 50, "rank counts the n-grams (%ld)", n);
  is_str(sc[0].lang, "de", "rank: German first");
  int sorted = 1;
  for (int i = 1; i < LEDE_LANGID_MAX; i++) sorted &= sc[i - 1].score >= sc[i].score;
  ok(sorted, "rank: best first");
}

/* Only the first LEDE_LANGID_BYTES are read. */
static void window(void)
{
  LedeBuf b = {0};
  while (b.n < LEDE_LANGID_BYTES + 10)
    lede_buf_adds(&b, "The minister said the talks would go on next week. ");
  for (int i = 0; i < 100; i++) lede_buf_adds(&b, "Министр сказал, что переговоры продолжатся. ");
  is_str(lede_langid(b.p, b.n), "en", "English first paragraphs, then Russian: English");
  lede_buf_free(&b);
}

static void *in_thread(void *arg)
{
  const char **t = arg;
  for (int i = 0; i < 200; i++)
    if (!tap_same_str(lede_langid(t[0], strlen(t[0])), t[1])) return (void *)1;
  return NULL;
}

static void threads(void)
{
  const char *a[2] = {"Уряд оголосив нові заходи підтримки для фермерів.", "uk"};
  const char *b[2] = {"El Gobierno anunció nuevas medidas para los agricultores.", "es"};
  pthread_t ta, tb;
  void *ra, *rb;
  pthread_create(&ta, NULL, in_thread, a);
  pthread_create(&tb, NULL, in_thread, b);
  pthread_join(ta, &ra);
  pthread_join(tb, &rb);
  ok(!ra && !rb, "two threads at once get the same answers");
}

static void stopwords(void)
{
  static const struct { const char *lang, *term; int want; } c[] = {
    {"de", "für", 1}, {"de", "fur", 1}, {"de", "ausser", 1}, {"de", "regierung", 0},
    {"fr", "était", 1}, {"fr", "etait", 1}, {"fr", "gouvernement", 0},
    {"es", "más", 1}, {"es", "mas", 1}, {"es", "gobierno", 0},
    {"uk", "що", 1}, {"uk", "її", 1}, {"uk", "уряд", 0},
    {"ru", "что", 1}, {"ru", "ещё", 1}, {"ru", "еще", 1}, {"ru", "правительство", 0},
    {"en", "the", 1}, {"en", "aren't", 1}, {"it", "il", 0},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
    is_int(lede_stopword(c[i].lang, c[i].term, strlen(c[i].term)), c[i].want,
           "stopword %s %s", c[i].lang, c[i].term);
  ok(lede_stopword_lang("uk") && lede_stopword_lang("es") && !lede_stopword_lang("it"),
     "lists for the six languages, none for Italian");
}

int main(void)
{
  accuracy();
  training();
  refusals();
  window();
  threads();
  stopwords();
  return tap_done();
}
