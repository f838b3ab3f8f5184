/*
 * stopwords.c -- common function words of English and Russian, in the
 * tokenizer's normal form (lower case, ' as apostrophe, ё as е), for
 * frequency lists and collocations that should skip them.  Lists are
 * sorted so lookup is a binary search.
 */
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
  "вам", "вас", "весь", "во", "вот", "все", "всего", "всех", "вы", "где",
  "да", "даже", "для", "до", "его", "ее", "ей", "ему", "если", "есть",
  "еще", "же", "за", "здесь", "и", "из", "или", "им", "их", "к", "как",
  "какой", "когда", "кто", "ли", "либо", "между", "меня", "мне", "может",
  "мой", "мы", "на", "над", "надо", "наш", "не", "него", "нее", "нет",
  "ни", "них", "но", "ну", "о", "об", "однако", "он", "она", "они", "оно",
  "от", "очень", "по", "под", "после", "потому", "при", "про", "с", "сам",
  "свой", "себе", "себя", "со", "так", "также", "такой", "там", "те",
  "тем", "то", "того", "тоже", "той", "только", "том", "ты", "у", "уже",
  "хотя", "чего", "чем", "через", "что", "чтобы", "чье", "чья", "эта",
  "эти", "это", "этого", "этой", "этом", "этот", "я"
};

static int cmp(const void *k, const void *e)
{
  return strcmp((const char *)k, *(const char *const *)e);
}

int lede_stopword(const char *lang, const char *term, size_t len)
{
  const char *const *list;
  size_t n;
  char key[64];
  if (!lang || len >= sizeof key) return 0;
  if (!strcmp(lang, "en")) { list = en; n = sizeof en / sizeof en[0]; }
  else if (!strcmp(lang, "ru")) { list = ru; n = sizeof ru / sizeof ru[0]; }
  else return 0;
  memcpy(key, term, len);
  key[len] = 0;
  return bsearch(key, list, n, sizeof list[0], cmp) != NULL;
}
