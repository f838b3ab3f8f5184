/*
 * gen.c -- a deterministic generator of a news-like English corpus, for the
 * benches in tests/bench (lede against SQLite FTS5 and ripgrep).
 *
 *   gen -o DIR [--size 100M] [--format txt|jsonl|both] [--seed N] [-q]
 *
 * Writes, for the same documents whatever the format:
 *   DIR/txt/NNN/NNNNNN.txt  one article per file, at most 1000 per folder
 *                           (headline line, date line, blank line, body)
 *   DIR/corpus.jsonl        {"id","title","source","date","text"} per line
 *   DIR/all.txt             every .txt file concatenated (ripgrep, one file)
 *   DIR/rare.tsv            term, number of documents, their ids
 *   DIR/offsets.tsv         id, then the bytes of all.txt and of corpus.jsonl
 *                           up to the end of that document (to cut prefixes)
 *   DIR/manifest.txt        docs=, txt_bytes=, jsonl_bytes=, seed=
 * --size counts the bytes of the .txt files (K, M, G = 2^10, 2^20, 2^30).
 *
 * Files are rewritten in place: an existing DIR is overwritten (files that
 * a smaller run no longer writes are removed), never deleted first, and a
 * file is truncated only when the new one is shorter.  On the bench
 * machine's ext4 (no journal, mounted with discard) freeing blocks waits for
 * the discard, and a new inode near thousands of recently deleted ones
 * costs about 1 ms to allocate (perf: find_inode_bit -> recently_deleted);
 * `rm -rf DIR` followed by a fresh 100 MB run took 87 s, nearly all of it
 * in openat, against under 2 s when the files are overwritten.  CPU time is
 * about 0.6 s per 100 MB.
 *
 * Why generate instead of shipping a corpus: the benches need sizes from
 * kilobytes to gigabytes with the statistics of news text -- a Zipf-like
 * vocabulary over a few thousand words with realistic common words ("of
 * the", "said", "security"), names, numbers, curly quotes, dashes, a growing
 * tail of new words -- and every machine must get the same bytes so that
 * figures compare.  Hence only integer arithmetic and one fixed-seed
 * splitmix64 stream: no libm, no locale, no clock in the output.  The
 * vocabulary is built from syllables at start-up, so no word list is needed.
 *
 * Rare terms (rare.tsv) contain 'q' and 'x', letters the syllables never
 * use, so they occur in exactly the documents listed: rare-term queries have
 * known answers.  They are drawn from their own stream, so the corpus of a
 * smaller --size is a prefix of a larger one apart from them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- random numbers ------------------------------------------------------ */

/* splitmix64: tiny, fast, and its output is fully specified by the seed. */
static uint64_t rnd(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rng;            /* the one stream the corpus is drawn from */

/* Uniform in [0, n) by multiply-shift: no modulo bias worth a thought, and
 * no division. */
static uint32_t below(uint32_t n)
{
  return (uint32_t)(((rnd(&rng) >> 32) * n) >> 32);
}

static int chance(uint32_t per_mille)
{
  return below(1000) < per_mille;
}

/* Skewed towards 0 (density about 1/x): a few people, places and outlets
 * dominate the news, as they do in real corpora. */
static uint32_t skewed(uint32_t n)
{
  return below(below(n) + 1);
}

/* ---- growable byte buffers ----------------------------------------------- */

typedef struct Buf { char *p; size_t n, cap; } Buf;

static void die(const char *what)
{
  fprintf(stderr, "gen: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* The slow half of reserve(), kept out of line so the check inlines. */
__attribute__((noinline)) static void grow(Buf *b, size_t more)
{
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->n + more) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) die("out of memory");
  b->p = p;
  b->cap = cap;
}

static inline void reserve(Buf *b, size_t more)
{
  if (b->n + more > b->cap) grow(b, more);
}

static void put(Buf *b, const char *s, size_t n)
{
  reserve(b, n);
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

static void puts_(Buf *b, const char *s) { put(b, s, strlen(s)); }

static void putc_(Buf *b, char c)
{
  reserve(b, 1);
  b->p[b->n++] = c;
}

static void put_uint(Buf *b, uint64_t v)
{
  char d[24];
  int i = 24;
  do { d[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  put(b, d + i, (size_t)(24 - i));
}

/* Two digits, zero-padded: times and ISO dates. */
static void put_2(Buf *b, unsigned v)
{
  putc_(b, (char)('0' + v / 10 % 10));
  putc_(b, (char)('0' + v % 10));
}

static void upper_at(Buf *b, size_t at)
{
  if (at < b->n && b->p[at] >= 'a' && b->p[at] <= 'z') b->p[at] -= 32;
}

/* ---- hand-written words -------------------------------------------------- */

/* Common English and news words, roughly in frequency order: they take the
 * top ranks of the Zipf distribution, so "the", "of", "said" and "security"
 * are as common as in real news.  Written for this generator. */
static const char *const common_words[] = {
  "the", "of", "to", "and", "a", "in", "that", "said", "on", "for", "is",
  "was", "with", "he", "it", "as", "by", "at", "from", "his", "be", "has",
  "have", "not", "are", "an", "this", "they", "which", "but", "will",
  "would", "its", "were", "had", "been", "their", "who", "also", "we",
  "after", "more", "or", "about", "one", "there", "she", "her", "all",
  "new", "over", "than", "two", "can", "could", "other", "into", "up",
  "last", "if", "no", "year", "people", "president", "government", "so",
  "security", "minister", "out", "some", "what", "when", "them", "told",
  "our", "against", "first", "country", "only", "any", "because", "may",
  "week", "officials", "military", "since", "foreign", "should", "did",
  "do", "now", "while", "under", "between", "state", "years", "three",
  "during", "talks", "how", "those", "before", "where", "most", "then",
  "made", "percent", "meeting", "such", "well", "support", "according",
  "whether", "even", "still", "him", "being", "including", "us", "time",
  "border", "statement", "forces", "troops", "sanctions", "region", "day",
  "defence", "ministry", "news", "agency", "spokesman", "leaders",
  "political", "national", "public", "further", "several", "countries",
  "around", "without", "these", "both", "many", "second", "already",
  "expected", "called", "added", "very", "much", "way", "part",
  "president’s", "war", "peace", "force", "held", "world", "official",
  "international", "economic", "local", "say", "says", "report", "reported",
  "through", "plan", "agreement", "conflict", "attack", "talk", "policy",
  "energy", "gas", "oil", "prices", "market", "bank", "economy", "growth",
  "million", "billion", "power", "parliament", "election", "vote", "party",
  "opposition", "police", "court", "law", "rights", "human", "city",
  "capital", "residents", "community", "health", "children", "women",
  "workers", "deal", "trade", "exports", "imports", "supply", "crisis",
  "situation", "issue", "question", "decision", "process", "response",
  "proposal", "proposals", "concerns", "tensions", "threat", "threats",
  "alliance", "allies", "partners", "relations", "cooperation", "dialogue",
  "negotiations", "diplomats", "diplomatic", "embassy", "summit", "visit",
  "conference", "video", "call", "phone", "hours", "days", "months",
  "today", "yesterday", "tomorrow", "recent", "recently", "earlier",
  "later", "next", "early", "late", "long", "high", "low", "large",
  "small", "major", "key", "main", "senior", "top", "former", "current",
  "possible", "likely", "clear", "important", "serious", "strong", "full",
  "own", "same", "different", "each", "every", "another", "few", "less",
  "least", "though", "however", "although", "despite", "until", "within",
  "across", "along", "toward", "towards", "amid", "near", "per", "via",
  "it’s", "don’t", "won’t", "can’t", "there’s", "let", "make", "take",
  "give", "see", "know", "think", "want", "need", "continue", "remain",
  "help", "keep", "hold", "meet", "discuss", "warned", "denied",
  "accused", "claimed", "insisted", "stressed", "announced", "confirmed",
  "agreed", "rejected", "demanded", "promised", "signed", "launched",
  "deployed", "moved", "sent", "began", "ended", "killed", "injured",
  "arrested", "released", "approved", "passed", "raised", "cut", "fell",
  "rose", "increased", "reduced", "estimated", "planned", "intends",
  "spokeswoman", "analysts", "experts", "sources", "journalists", "media",
  "television", "interview", "press", "website", "social", "online",
};

/* Phrases news repeats; "security guarantees" is the benches' phrase query. */
static const char *const collocations[] = {
  "security guarantees", "foreign minister", "prime minister",
  "armed forces", "peace talks", "the United States", "human rights",
  "climate change", "interest rates", "press conference",
  "video conference", "news agency", "military exercises",
  "economic sanctions", "natural gas", "the European Union",
  "troop build-up", "ceasefire agreement", "state media",
  "opposition leader", "supreme court", "energy prices", "grain exports",
  "nuclear weapons", "red line", "missile defence", "joint statement",
  "diplomatic sources", "air strikes", "humanitarian aid",
  "election campaign", "trade deal", "supply chains", "inflation rate",
  "central bank", "security council", "written guarantees",
  "eastward expansion", "defence ministry", "border crossing",
};

/* Hyphen-compound heads, so "pro-government", "long-term" and friends. */
static const char *const hyphen_heads[] = {
  "pro", "anti", "long", "short", "high", "low", "well", "so", "co",
  "non", "self", "cross", "post", "pre", "full", "two", "three", "multi",
};

static const char *const orgs[] = {
  "the Ministry of Defence", "the Foreign Ministry", "the European Union",
  "the United Nations", "NATO", "the Security Council", "the Kremlin",
  "the White House", "the State Department", "the central bank",
  "the Interior Ministry", "the Finance Ministry", "the parliament",
  "the OSCE", "the World Bank", "the IMF", "the Red Cross",
  "the Energy Ministry", "the presidential office", "the G7",
};

static const char *const real_countries[] = {
  "Russia", "Ukraine", "Germany", "France", "Britain", "China", "India",
  "Japan", "Poland", "Turkey", "Belarus", "Georgia", "Kazakhstan", "Iran",
  "Israel", "Egypt", "Brazil", "Canada", "Italy", "Spain", "Sweden",
  "Finland", "Lithuania", "Latvia", "Estonia", "Moldova", "Armenia",
};

static const char *const real_cities[] = {
  "Moscow", "Kyiv", "Washington", "Berlin", "London", "Paris", "Brussels",
  "Geneva", "Vienna", "Warsaw", "Beijing", "Tokyo", "Ankara", "Minsk",
  "Tbilisi", "Riga", "Vilnius", "Tallinn", "Helsinki", "Stockholm",
  "Rome", "Madrid", "New Delhi", "Cairo", "Tehran", "Donetsk", "Kharkiv",
  "Odesa", "Lviv", "Istanbul",
};

/* Given names with letters outside ASCII, so loaders and tokenizers meet
 * real UTF-8 in names. */
static const char *const accented_given[] = {
  "José", "François", "Jürgen", "Søren", "Łukasz", "Zoë", "Ángel",
  "Dmitrï", "Renée", "Çağla", "Oleksandr", "Ольга", "Михаил", "Ines",
};

static const char *const roles_tpl[] = {
  "a spokesman for %o", "a spokeswoman for %o", "a senior official at %o",
  "the head of %o", "an adviser to %o", "the %c foreign minister",
  "the %c ambassador to %C", "a member of the %c parliament",
  "an analyst at a %c think tank", "the %c defence minister",
  "a deputy prime minister of %c", "the mayor of %t",
};

static const char *const months[] = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};
static const char *const weekdays[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
  "Sunday",
};

/* Invented outlets, each with its own habits: where the date stands and how
 * it is written, whether a dateline opens the story, which quotes it uses. */
typedef struct Outlet {
  const char *name;
  int dateform;       /* see put_date_line() */
  int dateline;       /* 0 none, 1 "CITY, Month D (Outlet) –", 2 "CITY (Outlet) —" */
  int straight;       /* straight quotes instead of curly */
} Outlet;

static const Outlet outlets[] = {
  {"Northwire", 0, 1, 0},          {"Baltic Ledger", 1, 0, 0},
  {"Meridian Post", 2, 2, 0},      {"Courier Daily", 3, 0, 1},
  {"Eastern Times", 4, 1, 0},      {"Global Dispatch", 5, 1, 0},
  {"Harbor News Agency", 6, 1, 1}, {"Atlas Wire", 7, 2, 0},
  {"Continental Herald", 1, 0, 0}, {"Pacific Monitor", 2, 1, 0},
};
#define NOUTLETS (sizeof outlets / sizeof outlets[0])

/* Rare terms and how many documents carry each.  'q' and 'x' never come
 * out of the syllables, so these occur nowhere else. */
typedef struct Rare { const char *term; uint32_t ndocs; } Rare;
static const Rare rare_terms[] = {
  {"qorvantix", 1},   {"xelquimbor", 2},  {"zyqantrel", 3},
  {"vexqolium", 5},   {"quxbrandel", 10}, {"oxqivarne", 20},
  {"jaxquorin", 50},  {"qiblextor", 100}, {"velqa dornix", 4},
};
#define NRARE (sizeof rare_terms / sizeof rare_terms[0])

#define N(a) (sizeof (a) / sizeof (a)[0])

/* ---- the generated vocabulary -------------------------------------------- */

typedef struct Word { const char *s; uint32_t n; } Word;
typedef struct List { Word *w; uint32_t n, cap; } List;

static void list_add(List *l, const char *s, size_t n)
{
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 256;
    l->w = realloc(l->w, l->cap * sizeof *l->w);
    if (!l->w) die("out of memory");
  }
  char *c = malloc(n + 1);
  if (!c) die("out of memory");
  memcpy(c, s, n);
  c[n] = 0;
  l->w[l->n++] = (Word){c, (uint32_t)n};
}

/* A set of strings, so generated words never repeat a word already made. */
#define SEEN_BITS 16
static uint64_t seen[1u << SEEN_BITS];

static uint64_t fnv(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h | 1;     /* 0 marks an empty slot */
}

/* Returns 1 when s was new (and records it). */
static int seen_add(const char *s, size_t n)
{
  uint64_t h = fnv(s, n);
  for (uint32_t i = (uint32_t)h & ((1u << SEEN_BITS) - 1);;
       i = (i + 1) & ((1u << SEEN_BITS) - 1)) {
    if (seen[i] == h) return 0;
    if (!seen[i]) { seen[i] = h; return 1; }
  }
}

static const char *const onsets[] = {
  "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s",
  "t", "v", "w", "z", "br", "cr", "dr", "fr", "gr", "pr", "tr", "st", "sp",
  "sl", "ch", "sh", "th", "pl", "bl", "cl", "gl", "", "",
};
static const char *const vowels[] = {
  "a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "ea", "ou", "io",
};
static const char *const codas[] = {
  "", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ng",
  "ck", "ns", "nt",
};
static const char *const suffixes[] = {
  "tion", "ment", "ing", "ed", "al", "ity", "ous", "er", "ers", "ist",
  "ive", "ness", "ism", "ance", "ary", "ure", "s", "s", "ic", "ial",
};

/* One made-up word of 1 to max_syl syllables (two most often), sometimes
 * with an English suffix. */
static void make_word(Buf *b, uint32_t max_syl)
{
  uint32_t syl = 1 + (below(max_syl) + below(max_syl) + 1) / 2;
  for (uint32_t i = 0; i < syl; i++) {
    puts_(b, onsets[below(N(onsets))]);
    puts_(b, vowels[below(N(vowels))]);
    if (i + 1 == syl || chance(250)) puts_(b, codas[below(N(codas))]);
  }
  if (chance(350)) puts_(b, suffixes[below(N(suffixes))]);
}

/* n distinct words not already in the set; cap capitalises them and adds
 * one of the endings (surnames, place names). */
static void make_words(List *l, uint32_t n, uint32_t max_syl, int cap,
                       const char *const *ends, size_t nends)
{
  Buf b = {0};
  while (l->n < n) {
    b.n = 0;
    make_word(&b, max_syl);
    if (ends) puts_(&b, ends[below((uint32_t)nends)]);
    if (b.n < 2 || b.n > 15) continue;     /* fits a SLOT */
    if (cap) upper_at(&b, 0);
    if (seen_add(b.p, b.n)) list_add(l, b.p, b.n);
  }
  free(b.p);
}

static void add_fixed(List *l, const char *const *w, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    seen_add(w[i], strlen(w[i]));
    list_add(l, w[i], strlen(w[i]));
  }
}

/* ---- Zipf sampling ------------------------------------------------------ */

/* Walker's alias method: one random number, one table slot, at most two
 * reads of a table small enough for the L1/L2 cache (a 2^20-slot lookup
 * table was four times slower: a cache miss per word).  Weights are
 * zipf_weight() below, and the table is built with integer arithmetic
 * only, so every machine gets the same corpus. */
typedef struct Alias { uint32_t keep; uint16_t other; } Alias;
static Alias *zipf;
static uint32_t zipf_n;

/* Words are copied from 16-byte slots (one fixed-size memcpy); the length
 * is in the slot's last byte. */
#define SLOT 16
static char *slots;

/* Vose's construction: scaled weight w*n against the mean T; slots below
 * the mean keep their own word with probability w*n/T and lend the rest to
 * a word above the mean. */
static void build_alias(const uint64_t *w, uint32_t n, uint64_t total)
{
  uint64_t *p = malloc(n * sizeof *p);
  uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
  uint32_t ns = 0, nl = 0;
  zipf = malloc(n * sizeof *zipf);
  if (!p || !small || !large || !zipf) die("out of memory");
  for (uint32_t i = 0; i < n; i++) {
    p[i] = w[i] * n;
    if (p[i] < total) small[ns++] = i; else large[nl++] = i;
  }
  while (ns && nl) {
    uint32_t s = small[--ns], l = large[nl - 1];
    zipf[s] = (Alias){(uint32_t)((p[s] << 16) / total << 16), (uint16_t)l};
    p[l] -= total - p[s];
    if (p[l] < total) { nl--; small[ns++] = l; }
  }
  while (nl) zipf[large[--nl]] = (Alias){UINT32_MAX, 0};
  while (ns) zipf[small[--ns]] = (Alias){UINT32_MAX, 0};   /* rounding leftovers */
  free(p); free(small); free(large);
}

/* Integer square root, bit by bit: exact on every machine. */
static uint64_t isqrt(uint64_t x)
{
  uint64_t r = 0, bit = 1ull << 62;
  while (bit > x) bit >>= 2;
  for (; bit; bit >>= 2) {
    if (x >= r + bit) { x -= r + bit; r = (r >> 1) + bit; }
    else r >>= 1;
  }
  return r;
}

/* 1 / (r + 3)^1.125, scaled: an exponent a little above 1 gives the top
 * 300 words about 70% of the draws, near what they take in English news.
 * The eighth root is three integer square roots of x * 2^48. */
static uint64_t zipf_weight(uint32_t r)
{
  uint64_t x = r + 3, root8 = isqrt(isqrt(isqrt(x << 48)));   /* x^(1/8) * 64 */
  return (1ull << 50) / (x * root8);
}

static void build_zipf(const List *v)
{
  uint64_t *w = malloc(v->n * sizeof *w), total = 0;
  slots = calloc(v->n, SLOT);
  if (!w || !slots) die("out of memory");
  for (uint32_t r = 0; r < v->n; r++) {
    total += w[r] = zipf_weight(r);
    memcpy(slots + (size_t)r * SLOT, v->w[r].s, v->w[r].n);
    slots[(size_t)r * SLOT + SLOT - 1] = (char)v->w[r].n;
  }
  build_alias(w, v->n, total);
  zipf_n = v->n;
  free(w);
}

/* ---- the world: vocabulary, people, places ------------------------------- */

typedef struct Person { uint32_t given, surname; char *role; } Person;

static List vocab, given, surnames, countries, cities;
static Person *people;
#define NPEOPLE 3000

static const char *const surname_ends[] = {
  "ov", "ova", "enko", "son", "er", "ski", "ez", "ini", "berg", "ley",
  "ton", "man", "yan", "ić", "ur", "ard",
};
static const char *const given_ends[] = { "a", "o", "an", "el", "ie", "in", "" };
static const char *const country_ends[] = { "ia", "stan", "land", "ania", "ova" };
static const char *const city_ends[] = { "burg", "grad", "ville", "ford", "sk", "pol", "" };

static void put_from(Buf *b, const List *l)
{
  const Word *w = &l->w[skewed(l->n)];
  put(b, w->s, w->n);
}

/* A role from a template: %o an organisation, %t a city, %c or %C a
 * country. */
static char *make_role(void)
{
  Buf b = {0};
  for (const char *t = roles_tpl[below(N(roles_tpl))]; *t; t++) {
    if (*t != '%') putc_(&b, *t);
    else if (*++t == 'o') puts_(&b, orgs[skewed(N(orgs))]);
    else put_from(&b, *t == 't' ? &cities : &countries);
  }
  putc_(&b, 0);
  return b.p;
}

static void build_world(void)
{
  add_fixed(&vocab, common_words, N(common_words));
  make_words(&vocab, 6000, 3, 0, NULL, 0);
  build_zipf(&vocab);
  add_fixed(&given, accented_given, N(accented_given));
  make_words(&given, 400, 2, 1, given_ends, N(given_ends));
  make_words(&surnames, 1500, 3, 1, surname_ends, N(surname_ends));
  add_fixed(&countries, real_countries, N(real_countries));
  make_words(&countries, 60, 2, 1, country_ends, N(country_ends));
  add_fixed(&cities, real_cities, N(real_cities));
  make_words(&cities, 90, 2, 1, city_ends, N(city_ends));
  people = malloc(NPEOPLE * sizeof *people);
  if (!people) die("out of memory");
  for (uint32_t i = 0; i < NPEOPLE; i++) {
    people[i].given = skewed(given.n);
    people[i].surname = below(surnames.n);
    people[i].role = make_role();
  }
}

/* ---- tokens -------------------------------------------------------------- */

/* What one article talks about: its people, country and city. */
typedef struct Story {
  uint32_t person[3], npeople;
  uint8_t introduced[3];
  uint32_t country, city;
  int straight;
} Story;

static void put_word(Buf *b, const Word *w) { put(b, w->s, w->n); }

static void put_zipf(Buf *b)
{
  uint64_t r = rnd(&rng);
  uint32_t i = (uint32_t)(((r >> 32) * zipf_n) >> 32);
  if ((uint32_t)r >= zipf[i].keep) i = zipf[i].other;
  const char *w = slots + (size_t)i * SLOT;
  reserve(b, SLOT);
  memcpy(b->p + b->n, w, SLOT);
  b->n += (unsigned char)w[SLOT - 1];
}

/* "100,000", "1,250,000": thousands grouped with commas. */
static void put_grouped(Buf *b)
{
  put_uint(b, 1 + below(999));
  for (uint32_t g = 1 + (chance(200) ? 1 : 0); g; g--) {
    putc_(b, ',');
    uint32_t v = chance(600) ? 0 : below(1000);
    putc_(b, (char)('0' + v / 100));
    put_2(b, v % 100);
  }
}

static void put_number(Buf *b)
{
  switch (below(9)) {
  case 0: case 1: put_uint(b, 1 + below(99)); break;
  case 2: put_uint(b, 1990 + below(33)); break;
  case 3: put_grouped(b); break;
  case 4: put_2(b, below(24)); putc_(b, ':'); put_2(b, below(60)); break;
  case 5: put_uint(b, below(40)); putc_(b, '.'); put_uint(b, below(10)); putc_(b, '%'); break;
  case 6:
    puts_(b, chance(500) ? "$" : "€");
    put_uint(b, 1 + below(99));
    if (chance(400)) { putc_(b, '.'); put_uint(b, below(10)); }
    puts_(b, chance(500) ? " million" : " billion");
    break;
  case 7: {
    uint32_t d = 1 + below(31);
    put_uint(b, d);
    puts_(b, d % 10 == 1 && d != 11 ? "st" : d % 10 == 2 && d != 12 ? "nd"
             : d % 10 == 3 && d != 13 ? "rd" : "th");
    break;
  }
  default: put_uint(b, below(100)); putc_(b, '.'); put_uint(b, below(10)); break;
  }
}

static void put_name(Buf *b, const Story *s, int full)
{
  const Person *p = &people[s->person[below(s->npeople)]];
  if (full) { put_word(b, &given.w[p->given]); putc_(b, ' '); }
  put_word(b, &surnames.w[p->surname]);
}

static void put_place(Buf *b, const Story *s)
{
  uint32_t r = below(10);
  if (r < 4) put_word(b, &countries.w[s->country]);
  else if (r < 6) put_word(b, &cities.w[s->city]);
  else if (r < 8) put_word(b, &countries.w[skewed(countries.n)]);
  else put_word(b, &cities.w[skewed(cities.n)]);
}

/* Made up now and probably never again: the long tail of proper nouns,
 * typos and rare words that makes a real vocabulary keep growing. */
static void put_novel(Buf *b)
{
  size_t at = b->n;
  make_word(b, 3);
  make_word(b, 1);
  if (chance(500)) upper_at(b, at);
}

static void put_token(Buf *b, const Story *s)
{
  uint32_t r = below(1000);
  if (r < 872) put_zipf(b);
  else if (r < 897) put_name(b, s, chance(300));
  else if (r < 917) put_number(b);
  else if (r < 937) put_place(b, s);
  else if (r < 949) { puts_(b, hyphen_heads[below(N(hyphen_heads))]); putc_(b, '-'); put_zipf(b); }
  else if (r < 967) puts_(b, collocations[skewed(N(collocations))]);
  else if (r < 977) puts_(b, orgs[skewed(N(orgs))]);
  else if (r < 983) put_novel(b);
  else if (r < 991) { put_place(b, s); puts_(b, "’s"); }
  else { put_zipf(b); puts_(b, chance(500) ? " – " : " — "); put_zipf(b); }
}

/* ---- sentences and paragraphs -------------------------------------------- */

/* Words of a sentence, with commas, no final stop; the first letter is
 * capitalised when cap is set. */
static void put_clause(Buf *b, const Story *s, int cap)
{
  uint32_t n = 5 + below(12) + below(12);
  size_t start = b->n;
  for (uint32_t i = 0; i < n; i++) {
    if (i) putc_(b, ' ');
    put_token(b, s);
    if (i + 1 < n && chance(55)) putc_(b, ',');
  }
  if (cap) upper_at(b, start);
}

static void put_sentence(Buf *b, const Story *s)
{
  put_clause(b, s, 1);
  putc_(b, chance(15) ? '?' : '.');
}

static void quote_open(Buf *b, const Story *s) { puts_(b, s->straight ? "\"" : "“"); }
static void quote_close(Buf *b, const Story *s) { puts_(b, s->straight ? "\"" : "”"); }

/* The speaker: full name and role the first time, surname afterwards. */
static void put_speaker(Buf *b, Story *s, uint32_t k)
{
  const Person *p = &people[s->person[k]];
  if (!s->introduced[k]) {
    put_word(b, &given.w[p->given]);
    putc_(b, ' ');
    put_word(b, &surnames.w[p->surname]);
    puts_(b, ", ");
    puts_(b, p->role);
    s->introduced[k] = 1;
  } else {
    put_word(b, &surnames.w[p->surname]);
  }
}

/* One of the shapes news gives a quotation; "..., Surname said." only once
 * the speaker has been introduced. */
static void put_quote(Buf *b, Story *s)
{
  uint32_t k = below(s->npeople), shape = below(5);
  if (shape == 1 && !s->introduced[k]) shape = 0;
  switch (shape) {
  case 0:
    quote_open(b, s); put_clause(b, s, 1); putc_(b, ','); quote_close(b, s);
    puts_(b, " said "); put_speaker(b, s, k); putc_(b, '.');
    break;
  case 1:
    quote_open(b, s); put_sentence(b, s); putc_(b, ' '); put_clause(b, s, 1);
    putc_(b, ','); quote_close(b, s); putc_(b, ' '); put_speaker(b, s, k);
    puts_(b, chance(500) ? " added." : " said.");
    break;
  case 2:
    put_speaker(b, s, k); puts_(b, " said: "); quote_open(b, s);
    put_sentence(b, s); quote_close(b, s);
    break;
  case 3:
    put_speaker(b, s, k); puts_(b, " told reporters that "); put_clause(b, s, 0);
    putc_(b, '.');
    break;
  default:
    puts_(b, "According to "); put_speaker(b, s, k); puts_(b, ", ");
    put_clause(b, s, 0); putc_(b, '.');
    break;
  }
}

static void put_paragraph(Buf *b, Story *s)
{
  uint32_t n = 1 + below(4);
  if (chance(280)) { put_quote(b, s); n--; if (n) putc_(b, ' '); }
  for (uint32_t i = 0; i < n; i++) {
    if (i) putc_(b, ' ');
    put_sentence(b, s);
  }
}

/* ---- dates --------------------------------------------------------------- */

typedef struct Date { unsigned y, m, d, wd, hh, mm; } Date;

/* Day 0 is Friday 1 January 2021; the corpus spans 2021 and 2022, neither
 * of them a leap year. */
static Date date_of(uint32_t day)
{
  static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  Date t = {2021 + day / 365, 0, day % 365, (day + 4) % 7, below(24), below(60)};
  while (t.d >= mdays[t.m]) t.d -= mdays[t.m++];
  t.m++;
  t.d++;
  return t;
}

static void put_iso(Buf *b, const Date *t)
{
  put_uint(b, t->y); putc_(b, '-'); put_2(b, t->m); putc_(b, '-'); put_2(b, t->d);
}

static void put_hhmm(Buf *b, const Date *t)
{
  put_2(b, t->hh); putc_(b, ':'); put_2(b, t->mm);
}

static void put_ordinal_day(Buf *b, unsigned d)
{
  put_uint(b, d);
  puts_(b, d % 10 == 1 && d != 11 ? "st" : d % 10 == 2 && d != 12 ? "nd"
           : d % 10 == 3 && d != 13 ? "rd" : "th");
}

/* The date line under the headline, in the outlet's own form -- all forms
 * lede's date parser reads. */
static void put_date_line(Buf *b, const Date *t, int form)
{
  const char *mon = months[t->m - 1];
  switch (form) {
  case 0: put_iso(b, t); break;                                   /* 2021-12-07 */
  case 1: put_uint(b, t->d); putc_(b, ' '); put(b, mon, 3);       /* 8 Dec, 2021 11:53 */
          puts_(b, ", "); put_uint(b, t->y); putc_(b, ' '); put_hhmm(b, t); break;
  case 2: puts_(b, mon); putc_(b, ' '); put_ordinal_day(b, t->d);  /* November 19th 2021 */
          putc_(b, ' '); put_uint(b, t->y); break;
  case 3: put(b, mon, 3); puts_(b, ". "); put_uint(b, t->d);     /* Dec. 7, 2021 */
          puts_(b, ", "); put_uint(b, t->y); break;
  case 4: put_uint(b, t->d); putc_(b, ' '); puts_(b, mon);        /* 7 December 2021 */
          putc_(b, ' '); put_uint(b, t->y); break;
  case 5: puts_(b, "Published "); put_hhmm(b, t);                /* Published 13:56 GMT, ... */
          puts_(b, " GMT, "); puts_(b, mon); putc_(b, ' ');
          put_ordinal_day(b, t->d); putc_(b, ' '); put_uint(b, t->y); break;
  case 6: put(b, weekdays[t->wd], 3); puts_(b, ", ");            /* Tue, 07 Dec 2021 15:00:00 GMT */
          put_2(b, t->d); putc_(b, ' '); put(b, mon, 3); putc_(b, ' ');
          put_uint(b, t->y); putc_(b, ' '); put_hhmm(b, t); puts_(b, ":00 GMT"); break;
  default: puts_(b, mon); putc_(b, ' '); put_uint(b, t->d);      /* December 7, 2021 at 3:00 PM */
          puts_(b, ", "); put_uint(b, t->y); puts_(b, " at ");
          put_uint(b, t->hh % 12 ? t->hh % 12 : 12); putc_(b, ':'); put_2(b, t->mm);
          puts_(b, t->hh < 12 ? " AM" : " PM"); break;
  }
}

/* "MOSCOW, December 7 (Northwire) – " opening the first paragraph. */
static void put_dateline(Buf *b, const Story *s, const Date *t, const Outlet *o)
{
  const Word *c = &cities.w[s->city];
  size_t at = b->n;
  put_word(b, c);
  for (size_t i = at; i < b->n; i++) upper_at(b, i);
  if (o->dateline == 1) {
    puts_(b, ", "); puts_(b, months[t->m - 1]); putc_(b, ' '); put_uint(b, t->d);
    puts_(b, " ("); puts_(b, o->name); puts_(b, ") – ");
  } else {
    puts_(b, " ("); puts_(b, o->name); puts_(b, ") — ");
  }
}

/* ---- articles ------------------------------------------------------------ */

typedef struct Article {
  Buf title, head, body;     /* head: the date line, txt files only */
  const Outlet *outlet;
  Date date;
} Article;

/* A headline: capitalised words, no stop, sometimes "– Speaker". */
static void put_title(Buf *b, Story *s)
{
  uint32_t n = 4 + below(8);
  for (uint32_t i = 0; i < n; i++) {
    if (i) putc_(b, ' ');
    size_t at = b->n;
    if (chance(150)) put_name(b, s, 0);
    else if (chance(100)) put_place(b, s);
    else put_zipf(b);
    if (i == 0 || b->n - at > 3) upper_at(b, at);
  }
  if (chance(200)) { puts_(b, " – "); put_name(b, s, 0); }
}

static void new_story(Story *s, const Outlet *o)
{
  memset(s, 0, sizeof *s);
  s->npeople = 1 + below(3);
  for (uint32_t i = 0; i < s->npeople; i++) s->person[i] = skewed(NPEOPLE);
  s->country = skewed(countries.n);
  s->city = skewed(cities.n);
  s->straight = o->straight;
}

/* Rare terms waiting for this document, written in one extra sentence from
 * the rare stream so the main stream does not depend on where they fall. */
static void put_rare(Buf *b, Story *s, const char *const *terms, uint32_t n,
                     uint64_t *rare_rng)
{
  uint64_t keep = rng;
  rng = *rare_rng;
  for (uint32_t i = 0; i < n; i++) {
    puts_(b, " According to "); put_name(b, s, 1); puts_(b, ", ");
    put_clause(b, s, 0); putc_(b, ' '); puts_(b, terms[i]); putc_(b, ' ');
    put_clause(b, s, 0); putc_(b, '.');
  }
  *rare_rng = rng;
  rng = keep;
}

/* Body length: 1-8 KB, mean about 3.4 KB (the minimum of two uniforms
 * leans towards short pieces, as news does). */
static size_t body_target(void)
{
  uint32_t u = below(7168), v = below(7168);
  return 1024 + (u < v ? u : v);
}

static void make_article(Article *a, const char *const *rare, uint32_t nrare,
                         uint64_t *rare_rng)
{
  a->title.n = a->head.n = a->body.n = 0;
  a->outlet = &outlets[skewed(NOUTLETS)];
  a->date = date_of(below(730));
  Story s;
  new_story(&s, a->outlet);
  put_title(&a->title, &s);
  put_date_line(&a->head, &a->date, a->outlet->dateform);
  size_t target = body_target();
  if (a->outlet->dateline) put_dateline(&a->body, &s, &a->date, a->outlet);
  put_paragraph(&a->body, &s);
  if (nrare) put_rare(&a->body, &s, rare, nrare, rare_rng);
  while (a->body.n < target) {
    puts_(&a->body, "\n\n");
    put_paragraph(&a->body, &s);
  }
  putc_(&a->body, '\n');
}

/* ---- rare-term placement ------------------------------------------------- */

typedef struct Placement { uint32_t doc, term; } Placement;

static int by_doc(const void *x, const void *y)
{
  const Placement *a = x, *b = y;
  return a->doc != b->doc ? (a->doc > b->doc) - (a->doc < b->doc)
                          : (a->term > b->term) - (a->term < b->term);
}

/* Chooses the documents of each rare term among ids 1..range, where range
 * (size / 8 KB) is well under the number of documents any size yields. */
static Placement *place_rare(uint64_t size, uint64_t seed, uint32_t *np)
{
  uint32_t range = size / 8192 ? (uint32_t)(size / 8192) : 1, n = 0;
  uint32_t total = 0;
  for (uint32_t t = 0; t < NRARE; t++) total += rare_terms[t].ndocs;
  Placement *p = malloc(total * sizeof *p);
  if (!p) die("out of memory");
  uint64_t s = seed ^ 0x5eed0fa11ce5ull;
  for (uint32_t t = 0; t < NRARE; t++) {
    uint32_t want = rare_terms[t].ndocs < range ? rare_terms[t].ndocs : range, got = 0;
    while (got < want) {
      uint32_t d = 1 + (uint32_t)(((rnd(&s) >> 32) * range) >> 32), dup = 0;
      for (uint32_t i = n - got; i < n; i++) dup |= p[i].doc == d;
      if (!dup) { p[n++] = (Placement){d, t}; got++; }
    }
  }
  qsort(p, n, sizeof *p, by_doc);
  *np = n;
  return p;
}

/* ---- output -------------------------------------------------------------- */

typedef struct Out {
  const char *dir;
  int txt, jsonl;
  FILE *all, *js, *offsets;
  Buf file, line;
  uint64_t txt_bytes, jsonl_bytes;
} Out;

/* Opens DIR/NAME for writing without truncating it (see the top of the
 * file); close_out() cuts off whatever an older, longer version left. */
static FILE *open_out(const char *dir, const char *name)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT, 0666);
  FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
  if (!f) die(path);
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  return f;
}

/* Truncates fd to n bytes when an older version of the file was longer:
 * lseek is cheap, ftruncate is not (it frees blocks). */
static int cut_to(int fd, off_t n)
{
  off_t end = lseek(fd, 0, SEEK_END);
  return end < 0 ? -1 : end > n ? ftruncate(fd, n) : 0;
}

static void close_out(FILE *f, const char *name)
{
  if (fflush(f) != 0) die(name);
  off_t n = ftello(f);
  if (n < 0 || cut_to(fileno(f), n) != 0 || fclose(f) != 0) die(name);
}

static void mkdir_p(const char *path)
{
  if (mkdir(path, 0777) != 0 && errno != EEXIST) die(path);
}

static void write_file(const char *path, const char *p, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT, 0666);
  off_t len = (off_t)n;
  if (fd < 0) die(path);
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) die(path);
    p += w;
    n -= (size_t)w;
  }
  if (cut_to(fd, len) != 0 || close(fd) != 0) die(path);
}

static void json_str(Buf *b, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  putc_(b, '"');
  size_t run = 0;             /* bytes copied as they are, in one memcpy */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    put(b, s + run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') { putc_(b, '\\'); putc_(b, (char)c); }
    else if (c == '\n') puts_(b, "\\n");
    else { puts_(b, "\\u00"); putc_(b, hex[c >> 4]); putc_(b, hex[c & 15]); }
  }
  put(b, s + run, n - run);
  putc_(b, '"');
}

/* The .txt form: headline, date line, blank line, body. */
static void emit_txt(Out *o, const Article *a, uint32_t id)
{
  Buf *f = &o->file;
  f->n = 0;
  put(f, a->title.p, a->title.n); putc_(f, '\n');
  put(f, a->head.p, a->head.n); puts_(f, "\n\n");
  put(f, a->body.p, a->body.n);
  o->txt_bytes += f->n;
  if (!o->txt) return;
  char path[4096];
  if (id % 1000 == 0 || id == 1) {
    snprintf(path, sizeof path, "%s/txt/%03u", o->dir, id / 1000);
    mkdir_p(path);
  }
  snprintf(path, sizeof path, "%s/txt/%03u/%06u.txt", o->dir, id / 1000, id);
  write_file(path, f->p, f->n);
  if (fwrite(f->p, 1, f->n, o->all) != f->n) die("all.txt");
}

static void emit_jsonl(Out *o, const Article *a, uint32_t id)
{
  if (!o->jsonl) return;
  Buf *l = &o->line;
  l->n = 0;
  puts_(l, "{\"id\":"); put_uint(l, id);
  puts_(l, ",\"title\":"); json_str(l, a->title.p, a->title.n);
  puts_(l, ",\"source\":"); json_str(l, a->outlet->name, strlen(a->outlet->name));
  puts_(l, ",\"date\":\""); put_iso(l, &a->date);
  puts_(l, "\",\"text\":"); json_str(l, a->body.p, a->body.n);
  puts_(l, "}\n");
  o->jsonl_bytes += l->n;
  if (fwrite(l->p, 1, l->n, o->js) != l->n) die("corpus.jsonl");
}

/* Removes the .txt files (and their folders) of a longer earlier run, so
 * the folder holds exactly this run's documents. */
static void remove_stale(const char *dir, uint32_t docs)
{
  char path[4096];
  for (uint32_t id = docs + 1;; id++) {
    snprintf(path, sizeof path, "%s/txt/%03u/%06u.txt", dir, id / 1000, id);
    if (unlink(path) != 0) break;
  }
  for (uint32_t folder = docs / 1000 + 1;; folder++) {
    snprintf(path, sizeof path, "%s/txt/%03u", dir, folder);
    if (rmdir(path) != 0) break;
  }
}

static void write_rare(const char *dir, const Placement *p, uint32_t np)
{
  FILE *f = open_out(dir, "rare.tsv");
  fprintf(f, "# term\tdocuments\tids (1-based, the NNNNNN of txt files and the jsonl id)\n");
  for (uint32_t t = 0; t < NRARE; t++) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < np; i++) n += p[i].term == t;
    fprintf(f, "%s\t%u\t", rare_terms[t].term, n);
    for (uint32_t i = 0, k = 0; i < np; i++)
      if (p[i].term == t) fprintf(f, "%s%u", k++ ? "," : "", p[i].doc);
    fputc('\n', f);
  }
  close_out(f, "rare.tsv");
}

/* ---- command line -------------------------------------------------------- */

typedef struct Opts {
  const char *dir;
  uint64_t size, seed;
  int txt, jsonl, quiet;
} Opts;

static uint64_t parse_size(const char *s)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  int shift = 0;
  if (*end == 'K' || *end == 'k') shift = 10, end++;
  else if (*end == 'M' || *end == 'm') shift = 20, end++;
  else if (*end == 'G' || *end == 'g') shift = 30, end++;
  if (errno || end == s || *end || v == 0) {
    fprintf(stderr, "gen: bad size '%s' (a number with K, M or G)\n", s);
    exit(2);
  }
  return (uint64_t)v << shift;
}

static void usage(void)
{
  fprintf(stderr, "usage: gen -o DIR [--size 100M] [--format txt|jsonl|both] [--seed N] [-q]\n");
  exit(2);
}

static Opts parse_args(int argc, char **argv)
{
  Opts o = {NULL, 100ull << 20, 20211207, 1, 1, 0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-q")) { o.quiet = 1; continue; }
    if (!v) usage();
    i++;
    if (!strcmp(a, "-o")) o.dir = v;
    else if (!strcmp(a, "--size")) o.size = parse_size(v);
    else if (!strcmp(a, "--seed")) o.seed = strtoull(v, NULL, 10);
    else if (!strcmp(a, "--format")) {
      o.txt = !strcmp(v, "txt") || !strcmp(v, "both");
      o.jsonl = !strcmp(v, "jsonl") || !strcmp(v, "both");
      if (!o.txt && !o.jsonl) usage();
    } else usage();
  }
  if (!o.dir) usage();
  return o;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_manifest(const Opts *op, const Out *o, uint32_t docs)
{
  FILE *f = open_out(op->dir, "manifest.txt");
  fprintf(f, "docs=%u\ntxt_bytes=%llu\njsonl_bytes=%llu\nseed=%llu\nsize=%llu\n",
          docs, (unsigned long long)o->txt_bytes, (unsigned long long)o->jsonl_bytes,
          (unsigned long long)op->seed, (unsigned long long)op->size);
  close_out(f, "manifest.txt");
}

/* Generates articles until the .txt bytes reach the requested size. */
static uint32_t generate(const Opts *op, Out *o)
{
  uint32_t np, next = 0, id = 0;
  Placement *pl = place_rare(op->size, op->seed, &np);
  uint64_t rare_rng = op->seed * 0x2545f4914f6cdd1dull;
  Article a = {0};
  const char *terms[NRARE];
  while (o->txt_bytes < op->size) {
    uint32_t nt = 0;
    for (id++; next < np && pl[next].doc == id; next++) terms[nt++] = rare_terms[pl[next].term].term;
    make_article(&a, terms, nt, &rare_rng);
    emit_txt(o, &a, id);
    emit_jsonl(o, &a, id);
    fprintf(o->offsets, "%u\t%llu\t%llu\n", id, (unsigned long long)o->txt_bytes,
            (unsigned long long)o->jsonl_bytes);
  }
  np = next;                 /* only placements that were written */
  write_rare(op->dir, pl, np);
  free(pl);
  free(a.title.p); free(a.head.p); free(a.body.p);
  return id;
}

int main(int argc, char **argv)
{
  Opts op = parse_args(argc, argv);
  double t0 = now();
  rng = op.seed;
  build_world();
  mkdir_p(op.dir);
  Out o = {.dir = op.dir, .txt = op.txt, .jsonl = op.jsonl};
  if (o.txt) {
    char path[4096];
    snprintf(path, sizeof path, "%s/txt", op.dir);
    mkdir_p(path);
    o.all = open_out(op.dir, "all.txt");
  }
  if (o.jsonl) o.js = open_out(op.dir, "corpus.jsonl");
  o.offsets = open_out(op.dir, "offsets.tsv");
  uint32_t docs = generate(&op, &o);
  if (o.all) close_out(o.all, "all.txt");
  if (o.js) close_out(o.js, "corpus.jsonl");
  close_out(o.offsets, "offsets.tsv");
  if (o.txt) remove_stale(op.dir, docs);
  write_manifest(&op, &o, docs);
  double dt = now() - t0;
  if (!op.quiet)
    fprintf(stderr, "gen: %u documents, %.1f MB text, %.1f MB jsonl in %.2f s (%.0f MB/s of text)\n",
            docs, (double)o.txt_bytes / 1048576.0, (double)o.jsonl_bytes / 1048576.0, dt,
            (double)o.txt_bytes / 1048576.0 / (dt > 0 ? dt : 1e-9));
  return 0;
}
