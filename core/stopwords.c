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
  "вам", "вами", "вас", "ваш", "ваша", "ваше", "ваши", "весь", "во", "вот",
  "все", "всего", "всем", "всеми", "всех", "всю", "вся", "вы", "где",
  "где-то", "да", "даже", "для", "до", "его", "ее", "ей", "ему", "если",
  "есть", "еще", "ею", "ж", "же", "за", "зачем", "здесь", "и", "из", "или",
  "им", "иногда", "их", "к", "как", "какой", "ко", "когда", "кого", "кому",
  "кто", "куда", "ли", "либо", "лишь", "между", "меня", "мне", "мною", "мое",
  "может", "мои", "мой", "мочь", "моя", "мы", "на", "наверное", "над",
  "надо", "нам", "нами", "нас", "наш", "наша", "наше", "наши", "не", "него",
  "нее", "нему", "нет", "нею", "ни", "нибудь", "никогда", "ними", "них",
  "ничего", "но", "ну", "о", "об", "оба", "обо", "один", "одна", "однако",
  "одно", "около", "он", "она", "они", "оно", "опять", "от", "очень",
  "перед", "по", "по-прежнему", "под", "пока", "после", "потому", "почему",
  "почти", "при", "про", "раз", "разве", "с", "сам", "свое", "свои", "свой",
  "свою", "своя", "себе", "себя", "сейчас", "снова", "со", "собой",
  "совсем", "так", "так-то", "такая", "также", "такие", "такой", "там",
  "твой", "те", "тебе", "тебя", "тем", "теперь", "тех", "то", "тогда",
  "того", "тоже", "той", "только", "том", "тут", "ты", "у", "уж", "уже",
  "хоть", "хотя", "чего", "чей", "чем", "через", "что", "чтоб", "чтобы",
  "чуть", "чье", "чья", "эта", "эти", "этим", "этими", "это", "этого",
  "этой", "этом", "этот", "эту", "я"
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
