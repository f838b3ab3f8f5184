/*
 * stopwords.c -- common function words of English, Russian, Ukrainian,
 * German, French and Spanish, for frequency lists and collocations that
 * should skip them.
 *
 * The lists are written as people spell the words (für, à, él, її).  On
 * first use each entry is put through the tokenizer both with and without
 * diacritic folding, so a lookup matches the term an index holds whatever
 * the corpus' setting: "für" and "fur", "außer" and "ausser", "ещё" and
 * "еще", "п’ять" and "п'ять".  The normalised lists are sorted so lookup is
 * a binary search.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lede/tokenize.h"

static const char *const en[] = {
  "a", "about", "above", "after", "again", "against", "all", "also", "am",
  "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been",
  "before", "being", "below", "between", "both", "but", "by", "can",
  "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does",
  "doesn't", "doing", "don't", "down", "during", "each", "either", "even",
  "ever", "every", "few", "for", "from", "further", "had", "hadn't", "has",
  "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "her",
  "here", "hers", "herself", "him", "himself", "his", "how", "however", "i",
  "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it",
  "its", "itself", "just", "let", "may", "me", "might", "more", "most",
  "much", "must", "mustn't", "my", "myself", "neither", "no", "nor", "not",
  "now", "of", "off", "on", "once", "only", "or", "other", "ought", "our",
  "ours", "ourselves", "out", "over", "own", "same", "shall", "shan't",
  "she", "she'd", "she'll", "should", "shouldn't", "since", "so", "some",
  "such", "than", "that", "the", "their", "theirs", "them", "themselves",
  "then", "there", "these", "they", "they'd", "they'll", "they're",
  "they've", "this", "those", "though", "through", "thus", "to", "too",
  "under", "until", "up", "upon", "us", "very", "was", "wasn't", "we",
  "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "when",
  "where", "whether", "which", "while", "who", "whom", "whose", "why",
  "will", "with", "within", "without", "won't", "would", "wouldn't", "yet",
  "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself",
  "yourselves"
};

static const char *const ru[] = {
  "а", "без", "более", "бы", "был", "была", "были", "было", "быть", "в",
  "вам", "вами", "вас", "ваш", "ваша", "ваше", "ваши", "весь", "во", "вот",
  "все", "всего", "всем", "всеми", "всех", "всю", "вся", "вы", "где",
  "где-то", "да", "даже", "для", "до", "его", "её", "ей", "ему", "если",
  "есть", "ещё", "ею", "ж", "же", "за", "зачем", "здесь", "и", "из", "или",
  "им", "иногда", "их", "к", "как", "какой", "ко", "когда", "кого", "кому",
  "кто", "куда", "ли", "либо", "лишь", "между", "меня", "мне", "мною", "моё",
  "может", "мои", "мой", "мочь", "моя", "мы", "на", "наверное", "над",
  "надо", "нам", "нами", "нас", "наш", "наша", "наше", "наши", "не", "него",
  "неё", "нему", "нет", "нею", "ни", "нибудь", "никогда", "ними", "них",
  "ничего", "но", "ну", "о", "об", "оба", "обо", "один", "одна", "однако",
  "одно", "около", "он", "она", "они", "оно", "опять", "от", "очень",
  "перед", "по", "по-прежнему", "под", "пока", "после", "потому", "почему",
  "почти", "при", "про", "раз", "разве", "с", "сам", "своё", "свои", "свой",
  "свою", "своя", "себе", "себя", "сейчас", "снова", "со", "собой",
  "совсем", "так", "так-то", "такая", "также", "такие", "такой", "там",
  "твой", "те", "тебе", "тебя", "тем", "теперь", "тех", "то", "тогда",
  "того", "тоже", "той", "только", "том", "тут", "ты", "у", "уж", "уже",
  "хоть", "хотя", "чего", "чей", "чем", "через", "что", "чтоб", "чтобы",
  "чуть", "чьё", "чья", "эта", "эти", "этим", "этими", "это", "этого",
  "этой", "этом", "этот", "эту", "я"
};


static const char *const uk[] = {
  "а", "або", "адже", "аж", "але", "б", "без", "би", "бо", "був", "буде",
  "будуть", "була", "були", "було", "бути", "в", "вам", "вас", "ваш",
  "ваша", "ваше", "ваші", "весь", "ви", "від", "він", "вона", "вони",
  "воно", "все", "всі", "всіх", "втім", "вже", "де", "для", "до", "досі",
  "є", "ж", "же", "з", "за", "зі", "і", "із", "її", "їй", "їм", "їх", "їхній",
  "їхня", "їхні", "й", "його", "йому", "к", "коли", "кого", "кому", "котрий",
  "крім", "куди", "лише", "ми", "мене", "мені", "мій", "мною", "моя", "моє",
  "мої", "на", "навіть", "над", "нам", "нами", "нас", "наш", "наша", "наше",
  "наші", "не", "нє", "неї", "нею", "ним", "ними", "них", "ні", "ніж", "ну",
  "о", "об", "оце", "перед", "по", "під", "поки", "при", "про", "проте",
  "саме", "свій", "своє", "свої", "своя", "себе", "собі", "та", "так",
  "також", "там", "те", "теж", "тим", "тих", "ти", "то", "тобі", "тебе",
  "того", "тоді", "той", "тому", "ту", "тут", "у", "хоча", "хто", "це",
  "цей", "ці", "цим", "цих", "цього", "цьому", "цю", "ця", "через", "чи",
  "чий", "чим", "що", "щоб", "щодо", "як", "яка", "який", "які", "якщо",
  "якої", "якого", "якому", "яку", "я"
};

static const char *const de[] = {
  "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am",
  "an", "ander", "andere", "anderen", "auch", "auf", "aus", "außer", "bei",
  "beim", "bin", "bis", "bist", "da", "dadurch", "daher", "damit", "dann",
  "darum", "das", "dass", "daß", "dein", "deine", "dem", "den", "denn",
  "der", "des", "deshalb", "dessen", "die", "dies", "diese", "diesem",
  "diesen", "dieser", "dieses", "doch", "dort", "du", "durch", "ein", "eine",
  "einem", "einen", "einer", "eines", "er", "es", "euer", "eure", "für",
  "gegen", "hat", "hatte", "hatten", "hier", "hin", "hinter", "ich", "ihm",
  "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren", "ihrer", "im", "in",
  "indem", "ins", "ist", "jede", "jedem", "jeden", "jeder", "jedes", "jene",
  "jetzt", "kann", "kein", "keine", "können", "man", "mehr", "mein", "meine",
  "mich", "mir", "mit", "muss", "nach", "nicht", "nichts", "noch", "nun",
  "nur", "ob", "oder", "ohne", "schon", "sehr", "sein", "seine", "seinem",
  "seinen", "seiner", "seit", "sich", "sie", "sind", "so", "solche", "sollte",
  "sondern", "um", "und", "uns", "unser", "unter", "vom", "von", "vor",
  "war", "waren", "warum", "was", "weil", "welche", "welchem", "welchen",
  "welcher", "wenn", "wer", "werden", "wie", "wieder", "will", "wir", "wird",
  "wo", "wurde", "wurden", "zu", "zum", "zur", "zwar", "zwischen", "über"
};

static const char *const fr[] = {
  "a", "afin", "ai", "ainsi", "alors", "au", "aucun", "aucune", "aussi",
  "autre", "aux", "avait", "avec", "avoir", "ce", "ceci", "cela", "celle",
  "celui", "ces", "cet", "cette", "chaque", "chez", "comme", "comment",
  "d", "dans", "de", "des", "donc", "dont", "du", "elle", "elles", "en",
  "encore", "entre", "est", "et", "étaient", "était", "été", "être", "eu",
  "eux", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs",
  "lui", "là", "m", "ma", "mais", "me", "même", "mes", "moi", "mon", "n",
  "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "où", "par",
  "parce", "pas", "peu", "plus", "pour", "qu", "quand", "que", "quel",
  "quelle", "qui", "s", "sa", "sans", "se", "selon", "ses", "si", "son",
  "sont", "sous", "sur", "t", "ta", "te", "tes", "toi", "ton", "tous",
  "tout", "toute", "toutes", "très", "tu", "un", "une", "vers", "vos",
  "votre", "vous", "y", "à", "ça", "ô"
};

static const char *const es[] = {
  "a", "al", "algo", "algunas", "algunos", "ante", "antes", "aquel",
  "aquella", "aquellos", "así", "aún", "bajo", "cada", "como", "con",
  "contra", "cual", "cuando", "de", "del", "desde", "donde", "dos", "durante",
  "e", "el", "ella", "ellas", "ellos", "en", "entre", "era", "es", "esa",
  "esas", "ese", "eso", "esos", "esta", "estaba", "estas", "este", "esto",
  "estos", "está", "están", "fue", "fueron", "ha", "había", "han", "hasta",
  "hay", "la", "las", "le", "les", "lo", "los", "más", "me", "mi", "mientras",
  "muy", "mí", "nada", "ni", "no", "nos", "nosotros", "o", "otra", "otras",
  "otro", "otros", "para", "pero", "poco", "por", "porque", "que", "quien",
  "qué", "se", "sea", "ser", "si", "sido", "sin", "sobre", "son", "su",
  "sus", "sí", "también", "tan", "te", "tiene", "todo", "todos", "tras", "tu",
  "tú", "u", "un", "una", "uno", "unos", "usted", "y", "ya", "yo", "él"
};

typedef struct List {
  const char *lang;
  const char *const *words;
  size_t n;
  char **norm;           /* normalised forms, sorted, unique */
  size_t nnorm;
} List;

#define LIST(code) {#code, code, sizeof code / sizeof code[0], NULL, 0}
static List lists[] = { LIST(en), LIST(ru), LIST(uk), LIST(de), LIST(fr), LIST(es) };
#define NLISTS (sizeof lists / sizeof lists[0])

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The term the tokenizer makes of a word: its first token with a
 * position. */
static int first_term(void *ud, const LedeToken *t)
{
  char **out = ud;
  if (t->flags & LEDE_TOKF_NOPOS) return 0;
  *out = strndup(t->term, t->len);
  return 1;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void normalise(void)
{
  LedeTokenizer *fold = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS), *keep = lede_tokenizer_new(0);
  for (size_t l = 0; fold && keep && l < NLISTS; l++) {
    List *li = &lists[l];
    char **v = calloc(li->n * 2, sizeof *v);
    if (!v) break;
    size_t n = 0;
    for (size_t i = 0; i < li->n; i++) {
      char *a = NULL, *b = NULL;
      lede_tokenize(fold, li->words[i], strlen(li->words[i]), first_term, &a);
      lede_tokenize(keep, li->words[i], strlen(li->words[i]), first_term, &b);
      if (a) v[n++] = a;
      if (b) v[n++] = b;
    }
    qsort(v, n, sizeof *v, cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
      if (m > 0 && strcmp(v[i], v[m - 1]) == 0) free(v[i]);
      else v[m++] = v[i];
    }
    li->norm = v;
    li->nnorm = m;
  }
  lede_tokenizer_free(fold);
  lede_tokenizer_free(keep);
}

static const List *list_of(const char *lang)
{
  if (!lang) return NULL;
  pthread_once(&once, normalise);
  for (size_t l = 0; l < NLISTS; l++)
    if (strcmp(lists[l].lang, lang) == 0) return lists[l].norm ? &lists[l] : NULL;
  return NULL;
}

int lede_stopword_lang(const char *lang)
{
  return list_of(lang) != NULL;
}

int lede_stopword(const char *lang, const char *term, size_t len)
{
  const List *li = list_of(lang);
  char key[64];
  if (!li || len >= sizeof key) return 0;
  memcpy(key, term, len);
  key[len] = 0;
  const char *k = key;
  return bsearch(&k, li->norm, li->nnorm, sizeof *li->norm, cmp_str) != NULL;
}
