/*
 * html.c -- the article text and metadata of a web page (see html.h).
 *
 * One walk over gumbo's tree cuts the page into text blocks: the text
 * between the start and end of block elements (p, h2, li, div, ...),
 * whitespace collapsed, <br> kept as a line break, with the number of
 * characters, of characters inside links and of commas.  Elements that
 * never hold article text are not entered.  Scoring follows Readability:
 * a block of 25 characters or more gives 1 + commas + length/100 (at most
 * 3) to its parent and half that to its grandparent; a container's score
 * is then scaled by the share of its text outside links.  The best
 * container is the article; its siblings that score well join it (a page
 * may split an article into several divs), and so do long link-free
 * blocks elsewhere in the same <article> or <main> (a standfirst above the
 * body).  Within that, jusText's rule for links drops blocks that are
 * mostly link text.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gumbo.h>
#include "lede_int.h"
#include "lede/html.h"

/* ---- which elements hold no article text ------------------------------ */

/* Words in class or id that mark widgets and page furniture. */
static const char *const bad_words[] = {
  "share", "sharing", "sharebar", "social", "socials", "cookie", "cookies",
  "consent", "gdpr", "newsletter", "subscribe", "subscription", "signup",
  "related", "recommended", "recirculation", "promo", "advert", "advertisement",
  "ad", "ads", "adslot", "sponsor", "sponsored", "sidebar", "menu", "nav",
  "navbar", "navigation", "breadcrumb", "breadcrumbs", "comment", "comments",
  "footer", "masthead", "popup", "modal", "icon", "icons", "tags", "widget",
  "toolbar", "outbrain", "taboola", "trending", "popular", "mostread",
  "sronly", "sr", "visuallyhidden", "hidden", "caption", "credit", "credits",
  "login", "paywall", "banner", "follow", "print", "disclaimer", NULL
};
/* ...unless the same attribute also says it holds the content. */
static const char *const good_words[] = {
  "article", "body", "content", "main", "story", "text", "post", "entry", NULL
};

static int in_list(const char *w, size_t n, const char *const *list)
{
  for (int i = 0; list[i]; i++)
    if (strlen(list[i]) == n && strncasecmp(list[i], w, n) == 0) return 1;
  return 0;
}

/* 1: a bad word and no good word among the attribute's words, which are
 * split at anything but letters and digits ("share-bar" -> share, bar). */
static int bad_attr(const char *v)
{
  int bad = 0, good = 0;
  while (*v) {
    while (*v && !((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9'))) v++;
    const char *w = v;
    while ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9')) v++;
    size_t n = (size_t)(v - w);
    if (!n) continue;
    bad |= in_list(w, n, bad_words);
    good |= in_list(w, n, good_words);
  }
  return bad && !good;
}

static const char *attr(const GumboNode *n, const char *name)
{
  GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : NULL;
}

static int skip_element(const GumboNode *n, int in_article)
{
  switch (n->v.element.tag) {
  case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
  case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE:
  case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_BUTTON:
  case GUMBO_TAG_SELECT: case GUMBO_TAG_INPUT: case GUMBO_TAG_TEXTAREA:
  case GUMBO_TAG_SVG: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT:
  case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS: case GUMBO_TAG_VIDEO:
  case GUMBO_TAG_AUDIO: case GUMBO_TAG_FIGURE: case GUMBO_TAG_HEAD:
  case GUMBO_TAG_MENU: case GUMBO_TAG_LABEL: case GUMBO_TAG_MATH:
    return 1;
  case GUMBO_TAG_HEADER:   /* the site's header, not the article's */
    if (!in_article) return 1;
    break;
  default: break;
  }
  if (attr(n, "hidden")) return 1;
  const char *v = attr(n, "aria-hidden");
  if (v && strcasecmp(v, "true") == 0) return 1;
  if ((v = attr(n, "style")) && (strstr(v, "display:none") || strstr(v, "display: none")))
    return 1;
  if ((v = attr(n, "role"))) {
    static const char *const roles[] = {"navigation", "complementary", "contentinfo",
      "dialog", "alertdialog", "menu", "menubar", "toolbar", "search", NULL};
    if (in_list(v, strlen(v), roles)) return 1;
    if (!in_article && strcasecmp(v, "banner") == 0) return 1;
  }
  if ((v = attr(n, "class")) && bad_attr(v)) return 1;
  if ((v = attr(n, "id")) && bad_attr(v)) return 1;
  return 0;
}

static int is_block(GumboTag t)
{
  switch (t) {
  case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION:
  case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: case GUMBO_TAG_H1:
  case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
  case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
  case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
  case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE:
  case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
  case GUMBO_TAG_HR: case GUMBO_TAG_HEADER: case GUMBO_TAG_ADDRESS:
  case GUMBO_TAG_CENTER: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY:
  case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: case GUMBO_TAG_FIGCAPTION:
    return 1;
  default:
    return 0;
  }
}

/* ---- cutting the page into blocks --------------------------------------- */

typedef struct Block {
  size_t off, len;            /* in Ex.pool */
  size_t chars, links;        /* characters, characters inside links */
  int commas;
  const GumboNode *el;        /* innermost block element holding it */
} Block;

typedef struct Ex {
  LedeBuf pool, cur;
  Block *b;
  size_t nb, cap;
  size_t chars, links;
  int commas, in_link, space;
  const GumboNode *el;
  int oom;
} Ex;

static void flush(Ex *x)
{
  while (x->cur.n && (x->cur.p[x->cur.n - 1] == ' ' || x->cur.p[x->cur.n - 1] == '\n'))
    x->cur.n--;
  if (x->cur.n && x->chars) {
    if (x->nb == x->cap) {
      size_t cap = x->cap ? x->cap * 2 : 64;
      Block *nb = realloc(x->b, cap * sizeof *nb);
      if (!nb) { x->oom = 1; goto reset; }
      x->b = nb;
      x->cap = cap;
    }
    x->b[x->nb++] = (Block){x->pool.n, x->cur.n, x->chars, x->links, x->commas, x->el};
    lede_buf_add(&x->pool, x->cur.p, x->cur.n);
  }
reset:
  x->cur.n = 0;
  x->chars = x->links = 0;
  x->commas = 0;
  x->space = 0;
}

static void add_text(Ex *x, const char *s)
{
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      if (x->cur.n && x->cur.p[x->cur.n - 1] != '\n') x->space = 1;
      continue;
    }
    if (x->space) { lede_buf_addc(&x->cur, ' '); x->space = 0; }
    lede_buf_addc(&x->cur, (char)c);
    if ((c & 0xC0) != 0x80) {
      x->chars++;
      if (x->in_link) x->links++;
    }
    if (c == ',') x->commas++;
  }
}

static void cut(Ex *x, const GumboNode *n, int in_article, int depth)
{
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA
      || n->type == GUMBO_NODE_WHITESPACE) {
    add_text(x, n->v.text.text);
    return;
  }
  if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return;
  if (depth > 400 || skip_element(n, in_article)) return;
  GumboTag t = n->v.element.tag;
  if (t == GUMBO_TAG_BR) {
    /* one <br> breaks a line; two in a row end a paragraph */
    while (x->cur.n && x->cur.p[x->cur.n - 1] == ' ') x->cur.n--;
    size_t len = x->cur.n;
    if (len && (x->cur.p[len - 1] != '\n' || (len > 1 && x->cur.p[len - 2] != '\n')))
      lede_buf_addc(&x->cur, '\n');
    x->space = 0;
    return;
  }
  if (t == GUMBO_TAG_ARTICLE || t == GUMBO_TAG_MAIN) in_article = 1;
  const GumboNode *saved = x->el;
  int block = is_block(t);
  if (block) { flush(x); x->el = n; }
  if (t == GUMBO_TAG_A) x->in_link++;
  const GumboVector *kids = &n->v.element.children;
  for (unsigned i = 0; i < kids->length; i++)
    cut(x, kids->data[i], in_article, depth + 1);
  if (t == GUMBO_TAG_A) x->in_link--;
  if (block) { flush(x); x->el = saved; }
  else if (t != GUMBO_TAG_A && t != GUMBO_TAG_SPAN && t != GUMBO_TAG_B
           && t != GUMBO_TAG_I && t != GUMBO_TAG_EM && t != GUMBO_TAG_STRONG
           && t != GUMBO_TAG_SUB && t != GUMBO_TAG_SUP && t != GUMBO_TAG_SMALL
           && t != GUMBO_TAG_U && t != GUMBO_TAG_ABBR && t != GUMBO_TAG_Q
           && t != GUMBO_TAG_CITE && t != GUMBO_TAG_MARK && t != GUMBO_TAG_CODE)
    x->space = x->cur.n > 0 && x->cur.p[x->cur.n - 1] != '\n';
}

/* ---- scoring containers ------------------------------------------------- */

typedef struct Cand {
  const GumboNode *node;
  double score;
  size_t chars, links;
} Cand;

typedef struct Cands {
  Cand *c;
  size_t n, mask;
} Cands;

static Cand *cand(Cands *cs, const GumboNode *node)
{
  size_t h = ((uintptr_t)node >> 4) * 0x9E3779B97F4A7C15ull & cs->mask;
  while (cs->c[h].node && cs->c[h].node != node) h = (h + 1) & cs->mask;
  cs->c[h].node = node;
  return &cs->c[h];
}

static double link_density(size_t chars, size_t links)
{
  return chars ? (double)links / (double)chars : 0;
}

static int inside(const GumboNode *n, const GumboNode *anc)
{
  for (; n; n = n->parent) if (n == anc) return 1;
  return 0;
}

static const GumboNode *article_of(const GumboNode *n)
{
  for (; n && n->type == GUMBO_NODE_ELEMENT; n = n->parent)
    if (n->v.element.tag == GUMBO_TAG_ARTICLE || n->v.element.tag == GUMBO_TAG_MAIN)
      return n;
  return NULL;
}

/* Mark in keep[] the blocks that make up the article. */
static int choose(const Ex *x, char *keep)
{
  size_t size = 64;
  while (size < x->nb * 8) size *= 2;
  Cands cs = {calloc(size, sizeof(Cand)), 0, size - 1};
  if (!cs.c) return LEDE_ENOMEM;
  for (size_t i = 0; i < x->nb; i++) {
    const Block *b = &x->b[i];
    /* Every ancestor learns the text and link text beneath it. */
    for (const GumboNode *a = b->el; a; a = a->parent) {
      Cand *c = cand(&cs, a);
      c->chars += b->chars;
      c->links += b->links;
    }
    if (b->chars < 25 || link_density(b->chars, b->links) > 0.5) continue;
    double s = 1 + b->commas + (b->chars / 100 > 3 ? 3 : (double)(b->chars / 100));
    if (b->el->parent) {
      cand(&cs, b->el->parent)->score += s;
      if (b->el->parent->parent) cand(&cs, b->el->parent->parent)->score += s / 2;
    }
  }
  const Cand *top = NULL;
  double best = 0;
  for (size_t i = 0; i <= cs.mask; i++) {
    Cand *c = &cs.c[i];
    if (!c->node) continue;
    c->score *= 1 - link_density(c->chars, c->links);
    if (c->score > best) { best = c->score; top = c; }
  }
  const GumboNode *topn = top ? top->node : NULL;
  const GumboNode *art = topn ? article_of(topn) : NULL;
  double sib_min = best * 0.2 > 10 ? best * 0.2 : 10;
  for (size_t i = 0; i < x->nb; i++) {
    const Block *b = &x->b[i];
    double ld = link_density(b->chars, b->links);
    if (ld > 0.5 || (b->chars < 40 && ld > 0.3)) continue;
    if (!topn || inside(b->el, topn)) { keep[i] = 1; continue; }
    /* A sibling of the best container that scores well itself, or a
     * paragraph beside it that is long and nearly free of links (a
     * standfirst above the body). */
    for (const GumboNode *a = b->el; a && a->parent; a = a->parent)
      if (a->parent == topn->parent) {
        Cand *c = cand(&cs, a);
        keep[i] = c->score >= sib_min || (a == b->el && b->chars > 80 && ld < 0.25);
        break;
      }
    if (!keep[i] && art && inside(b->el, art) && b->chars >= 60 && ld < 0.2)
      keep[i] = 1;
  }
  free(cs.c);
  return LEDE_OK;
}

/* ---- metadata ------------------------------------------------------------ */

/* A small JSON reader for JSON-LD: values into a tree. */
typedef struct J {
  char type;               /* 'o' object, 'a' array, 's' string, 'x' other */
  char *s;                 /* string value */
  size_t n;
  char **keys;             /* objects: member names */
  struct J *kids;
} J;

static void j_free(J *j)
{
  for (size_t i = 0; i < j->n; i++) {
    j_free(&j->kids[i]);
    if (j->keys) free(j->keys[i]);
  }
  free(j->kids);
  free(j->keys);
  free(j->s);
}

static void j_ws(const char **p, const char *e)
{
  while (*p < e && (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')) (*p)++;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static long hex4(const char *p, const char *e)
{
  if (e - p < 4) return -1;
  long v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(p[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

static char *j_string(const char **p, const char *e)
{
  LedeBuf b = {0};
  (*p)++;
  while (*p < e && **p != '"') {
    char c = *(*p)++;
    if (c != '\\') { lede_buf_addc(&b, c); continue; }
    if (*p >= e) break;
    c = *(*p)++;
    switch (c) {
    case 'n': lede_buf_addc(&b, '\n'); break;
    case 't': lede_buf_addc(&b, '\t'); break;
    case 'r': case 'b': case 'f': lede_buf_addc(&b, ' '); break;
    case 'u': {
      long cp = hex4(*p, e);
      if (cp < 0) { lede_buf_free(&b); return NULL; }
      *p += 4;
      if (cp >= 0xD800 && cp < 0xDC00 && e - *p >= 6 && (*p)[0] == '\\' && (*p)[1] == 'u') {
        long lo = hex4(*p + 2, e);
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          *p += 6;
        }
      }
      if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
      if (cp) lede_buf_addcp(&b, (uint32_t)cp);
      break;
    }
    default: lede_buf_addc(&b, c); break;
    }
  }
  if (*p >= e) { lede_buf_free(&b); return NULL; }
  (*p)++;
  if (!b.p) return strdup("");
  return b.p;
}

static int j_parse(const char **p, const char *e, J *j, int depth)
{
  memset(j, 0, sizeof *j);
  j_ws(p, e);
  if (*p >= e || depth > 64) return -1;
  char c = **p;
  if (c == '"') {
    j->type = 's';
    return (j->s = j_string(p, e)) ? 0 : -1;
  }
  if (c != '{' && c != '[') {
    j->type = 'x';
    while (*p < e && !strchr(",]} \t\r\n", **p)) (*p)++;
    return 0;
  }
  j->type = c == '{' ? 'o' : 'a';
  char close = c == '{' ? '}' : ']';
  (*p)++;
  size_t cap = 0;
  for (;;) {
    j_ws(p, e);
    if (*p >= e) return -1;
    if (**p == close) { (*p)++; return 0; }
    if (j->n && **p == ',') { (*p)++; j_ws(p, e); }
    if (j->n == cap) {
      cap = cap ? cap * 2 : 8;
      J *k = realloc(j->kids, cap * sizeof *k);
      if (!k) return -1;
      j->kids = k;
      if (j->type == 'o') {
        char **ks = realloc(j->keys, cap * sizeof *ks);
        if (!ks) return -1;
        j->keys = ks;
      }
    }
    char *key = NULL;
    if (j->type == 'o') {
      if (*p >= e || **p != '"' || !(key = j_string(p, e))) return -1;
      j_ws(p, e);
      if (*p >= e || **p != ':') { free(key); return -1; }
      (*p)++;
      j->keys[j->n] = key;
    }
    int rc = j_parse(p, e, &j->kids[j->n], depth + 1);
    j->n++;
    if (rc) return -1;
  }
}

static const J *j_get(const J *j, const char *key)
{
  if (j->type != 'o') return NULL;
  for (size_t i = 0; i < j->n; i++)
    if (strcmp(j->keys[i], key) == 0) return &j->kids[i];
  return NULL;
}

/* A value as text: a string, an object's name, or the first of a list. */
static const char *j_text(const J *j)
{
  if (!j) return NULL;
  if (j->type == 's') return *j->s ? j->s : NULL;
  if (j->type == 'a') return j->n ? j_text(&j->kids[0]) : NULL;
  if (j->type == 'o') {
    const char *s = j_text(j_get(j, "name"));
    return s ? s : j_text(j_get(j, "@id"));
  }
  return NULL;
}

static int is_article_type(const J *t)
{
  static const char *const types[] = {"NewsArticle", "Article", "ReportageNewsArticle",
    "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
    "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle", NULL};
  if (!t) return 0;
  if (t->type == 'a') {
    for (size_t i = 0; i < t->n; i++) if (is_article_type(&t->kids[i])) return 1;
    return 0;
  }
  return t->type == 's' && in_list(t->s, strlen(t->s), types);
}

static const J *find_article(const J *j, int depth)
{
  if (depth > 8) return NULL;
  if (j->type == 'o' && is_article_type(j_get(j, "@type"))) return j;
  if (j->type == 'a' || j->type == 'o') {
    const J *g = j->type == 'o' ? j_get(j, "@graph") : j;
    for (size_t i = 0; g && i < g->n; i++) {
      const J *f = find_article(&g->kids[i], depth + 1);
      if (f) return f;
    }
  }
  return NULL;
}

/* Candidate values, best first: each slot keeps the first value set. */
enum { M_TITLE, M_OGTITLE, M_HTMLTITLE, M_H1, M_SITE, M_DATE, M_DATE2, M_TIME,
       M_MOD, M_URL, M_OGURL, M_AUTHOR, M_AUTHOR2, M_PUB, M_DESC, M_SECTION,
       M_LANG, M_TYPE, M_NSLOTS };

typedef struct Meta { char *v[M_NSLOTS]; } Meta;

static void set(Meta *m, int slot, const char *v)
{
  if (m->v[slot] || !v) return;
  while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r') v++;
  size_t n = strlen(v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\n' || v[n - 1] == '\t' || v[n - 1] == '\r')) n--;
  if (n) m->v[slot] = strndup(v, n);
}

static void authors(Meta *m, const J *a)
{
  if (!a || m->v[M_AUTHOR]) return;
  LedeBuf b = {0};
  size_t n = a->type == 'a' ? a->n : 1;
  for (size_t i = 0; i < n; i++) {
    const char *s = j_text(a->type == 'a' ? &a->kids[i] : a);
    if (!s) continue;
    if (b.n) lede_buf_adds(&b, ", ");
    lede_buf_adds(&b, s);
  }
  m->v[M_AUTHOR] = b.p;
}

static void json_ld(Meta *m, const char *s)
{
  const char *p = s, *e = s + strlen(s);
  J root;
  if (j_parse(&p, e, &root, 0) == 0) {
    const J *a = find_article(&root, 0);
    if (a) {
      set(m, M_TITLE, j_text(j_get(a, "headline")));
      set(m, M_TITLE, j_text(j_get(a, "name")));
      set(m, M_DATE2, j_text(j_get(a, "datePublished")));
      set(m, M_DATE2, j_text(j_get(a, "dateCreated")));
      set(m, M_MOD, j_text(j_get(a, "dateModified")));
      authors(m, j_get(a, "author"));
      set(m, M_PUB, j_text(j_get(a, "publisher")));
      set(m, M_OGURL, j_text(j_get(a, "url")));
      set(m, M_OGURL, j_text(j_get(a, "mainEntityOfPage")));
      set(m, M_DESC, j_text(j_get(a, "description")));
      set(m, M_SECTION, j_text(j_get(a, "articleSection")));
      set(m, M_TYPE, j_text(j_get(a, "@type")));
      set(m, M_LANG, j_text(j_get(a, "inLanguage")));
    }
  }
  j_free(&root);
}

static void meta_tag(Meta *m, const GumboNode *n)
{
  const char *k = attr(n, "property");
  if (!k) k = attr(n, "name");
  if (!k) k = attr(n, "itemprop");
  const char *v = attr(n, "content");
  if (!k || !v) return;
  static const struct { const char *key; int slot; } map[] = {
    {"og:title", M_OGTITLE}, {"twitter:title", M_OGTITLE},
    {"og:site_name", M_SITE}, {"application-name", M_PUB},
    {"article:published_time", M_DATE}, {"og:article:published_time", M_DATE},
    {"datePublished", M_DATE}, {"pubdate", M_DATE2}, {"publishdate", M_DATE2},
    {"date", M_DATE2}, {"dc.date", M_DATE2}, {"dc.date.issued", M_DATE2},
    {"parsely-pub-date", M_DATE2}, {"sailthru.date", M_DATE2},
    {"article:modified_time", M_MOD}, {"og:updated_time", M_MOD},
    {"dateModified", M_MOD}, {"og:url", M_OGURL}, {"author", M_AUTHOR2},
    {"dc.creator", M_AUTHOR2}, {"parsely-author", M_AUTHOR2},
    {"sailthru.author", M_AUTHOR2}, {"description", M_DESC},
    {"og:description", M_DESC}, {"article:section", M_SECTION},
    {"og:type", M_TYPE},
  };
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strcasecmp(map[i].key, k) == 0) {
      set(m, map[i].slot, v);
      return;
    }
  /* article:author is often a profile URL; a name is worth keeping. */
  if (strcasecmp(k, "article:author") == 0 && strncmp(v, "http", 4) != 0)
    set(m, M_AUTHOR2, v);
}

static const char *child_text(const GumboNode *n)
{
  const GumboVector *k = &n->v.element.children;
  if (k->length && ((GumboNode *)k->data[0])->type == GUMBO_NODE_TEXT)
    return ((GumboNode *)k->data[0])->v.text.text;
  return NULL;
}

static void gather_meta(Meta *m, const GumboNode *n, int depth)
{
  if (n->type != GUMBO_NODE_ELEMENT || depth > 400) return;
  const char *v;
  switch (n->v.element.tag) {
  case GUMBO_TAG_HTML: set(m, M_LANG, attr(n, "lang")); break;
  case GUMBO_TAG_TITLE: set(m, M_HTMLTITLE, child_text(n)); return;
  case GUMBO_TAG_META: meta_tag(m, n); return;
  case GUMBO_TAG_LINK:
    if ((v = attr(n, "rel")) && strcasecmp(v, "canonical") == 0) set(m, M_URL, attr(n, "href"));
    return;
  case GUMBO_TAG_TIME: set(m, M_TIME, attr(n, "datetime")); break;
  case GUMBO_TAG_SCRIPT:
    if ((v = attr(n, "type")) && strcasecmp(v, "application/ld+json") == 0) {
      const char *s = child_text(n);
      if (s) json_ld(m, s);
    }
    return;
  default: break;
  }
  const GumboVector *kids = &n->v.element.children;
  for (unsigned i = 0; i < kids->length; i++) gather_meta(m, kids->data[i], depth + 1);
}

/* The first <h1> text, whitespace collapsed. */
static void first_h1(Meta *m, const Ex *x, const char *keep)
{
  (void)keep;
  for (size_t i = 0; i < x->nb; i++)
    if (x->b[i].el->v.element.tag == GUMBO_TAG_H1) {
      m->v[M_H1] = strndup(x->pool.p + x->b[i].off, x->b[i].len);
      return;
    }
}

static char *take(Meta *m, int slot)
{
  char *v = m->v[slot];
  m->v[slot] = NULL;
  return v;
}

/* Collapse whitespace runs in a metadata value (titles span lines). */
static void squeeze(char *s)
{
  if (!s) return;
  char *o = s;
  int sp = 0;
  for (char *p = s; *p; p++) {
    if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') { sp = o > s; continue; }
    if (sp) *o++ = ' ';
    sp = 0;
    *o++ = *p;
  }
  *o = '\0';
}

static void fill(LedeHtmlDoc *d, Meta *m)
{
  for (int s = M_TITLE; s <= M_H1 && !d->title; s++) d->title = take(m, s);
  d->site = take(m, M_SITE);
  if (!d->site) d->site = m->v[M_PUB] ? strdup(m->v[M_PUB]) : NULL;
  for (int s = M_DATE; s <= M_TIME && !d->date; s++) d->date = take(m, s);
  d->modified = take(m, M_MOD);
  d->url = take(m, M_URL);
  if (!d->url) d->url = take(m, M_OGURL);
  d->author = take(m, M_AUTHOR);
  if (!d->author) d->author = take(m, M_AUTHOR2);
  d->publisher = take(m, M_PUB);
  d->description = take(m, M_DESC);
  d->section = take(m, M_SECTION);
  d->lang = take(m, M_LANG);
  d->type = take(m, M_TYPE);
  squeeze(d->title);
  squeeze(d->author);
  for (int s = 0; s < M_NSLOTS; s++) free(m->v[s]);
}

/* ---- the whole ------------------------------------------------------------ */

static int same_text(const char *a, size_t an, const char *b)
{
  return b && strlen(b) == an && memcmp(a, b, an) == 0;
}

int lede_html_extract(const char *html, size_t n, LedeHtmlDoc *d,
                      char *err, size_t errlen)
{
  memset(d, 0, sizeof *d);
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0;
  GumboOutput *out = gumbo_parse_with_options(&opts, html, n);
  if (!out || !out->root) {
    if (err) snprintf(err, errlen, "the HTML parser gave up");
    return LEDE_EFORMAT;
  }
  Ex x = {0};
  Meta m = {0};
  gather_meta(&m, out->root, 0);
  cut(&x, out->root, 0, 0);
  flush(&x);
  int rc = x.oom || x.pool.oom ? LEDE_ENOMEM : LEDE_OK;
  char *keep = rc == LEDE_OK ? calloc(x.nb + 1, 1) : NULL;
  if (rc == LEDE_OK && (!keep || choose(&x, keep) != LEDE_OK)) rc = LEDE_ENOMEM;
  if (rc == LEDE_OK) {
    first_h1(&m, &x, keep);
    fill(d, &m);
    LedeBuf t = {0};
    for (size_t i = 0; i < x.nb; i++) {
      const Block *b = &x.b[i];
      if (!keep[i]) continue;
      /* The headline is the title, not a paragraph of the text. */
      if (b->el->v.element.tag == GUMBO_TAG_H1 && same_text(x.pool.p + b->off, b->len, d->title))
        continue;
      if (t.n) lede_buf_adds(&t, "\n\n");
      lede_buf_add(&t, x.pool.p + b->off, b->len);
      d->kept++;
    }
    d->blocks = x.nb;
    lede_buf_addc(&t, '\0');
    if (t.oom) rc = LEDE_ENOMEM;
    d->text = lede_buf_detach(&t, &d->text_len);
    if (d->text_len) d->text_len--;
  } else {
    for (int s = 0; s < M_NSLOTS; s++) free(m.v[s]);
  }
  if (rc == LEDE_ENOMEM && err) snprintf(err, errlen, "out of memory");
  free(keep);
  free(x.b);
  lede_buf_free(&x.pool);
  lede_buf_free(&x.cur);
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return rc;
}

void lede_html_doc_free(LedeHtmlDoc *d)
{
  char **f[] = {&d->text, &d->title, &d->site, &d->date, &d->modified, &d->url,
                &d->author, &d->publisher, &d->description, &d->section,
                &d->lang, &d->type};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) { free(*f[i]); *f[i] = NULL; }
}

void lede_html_charset(const char *s, size_t n, char *out, size_t outlen)
{
  if (n > 4096) n = 4096;
  out[0] = '\0';
  for (size_t i = 0; i + 8 < n; i++) {
    if (strncasecmp(s + i, "charset", 7) != 0) continue;
    size_t j = i + 7;
    while (j < n && (s[j] == ' ' || s[j] == '=' || s[j] == '"' || s[j] == '\'')) j++;
    size_t k = 0;
    while (j < n && k + 1 < outlen && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')
           || (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == '_'))
      out[k++] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j++] + 32 : s[j++]);
    out[k] = '\0';
    if (k) return;
  }
}

/* Through glibc's iconv, so pages in windows-1251 or koi8-r (common for
 * Russian sites) arrive as UTF-8. */
int lede_html_recode(const char *in, size_t n, const char *charset,
                     char **out, size_t *outn)
{
  iconv_t cd = iconv_open("UTF-8", charset);
  if (cd == (iconv_t)-1) return LEDE_EFORMAT;
  size_t cap = n * 3 + 16;
  char *buf = malloc(cap);
  if (!buf) { iconv_close(cd); return LEDE_ENOMEM; }
  char *ip = (char *)in, *op = buf;
  size_t il = n, ol = cap - 1;
  while (il > 0) {
    if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) break;
    if (errno != EILSEQ && errno != EINVAL) break;
    /* A byte the charset does not have: U+FFFD, and go on. */
    if (ol < 3) break;
    memcpy(op, "\xEF\xBF\xBD", 3);
    op += 3; ol -= 3; ip++; il--;
  }
  iconv_close(cd);
  *op = '\0';
  *out = buf;
  *outn = (size_t)(op - buf);
  return LEDE_OK;
}
