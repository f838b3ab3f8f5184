/*
 * html.h -- the article in a web page: its text and its metadata.
 *
 * A news page holds one article among menus, share buttons, cookie
 * notices, related links and footers.  lede_html_extract() parses the page
 * with gumbo and keeps the article's paragraphs, found by text density as
 * Readability and jusText do: the block elements of the page are scored by
 * their length and commas, against the share of their text that sits in
 * links; the container holding the best-scoring text is the article, and
 * within it the blocks that are not mostly links are kept, one paragraph
 * each.  Elements that are never article text (script, style, nav, aside,
 * footer, form, figure, and elements whose class or id says share, social,
 * cookie, related, newsletter, ...) are skipped before scoring.
 *
 * Metadata comes from <title>, <meta> (og:title, og:site_name, og:url,
 * article:published_time, author, description), <link rel=canonical> and
 * JSON-LD (NewsArticle and its kin: headline, datePublished, author,
 * publisher), preferring the most specific source.
 */
#ifndef LEDE_HTML_H
#define LEDE_HTML_H

#include <stddef.h>

typedef struct LedeHtmlDoc {
  char *text;          /* paragraphs separated by a blank line; NUL-terminated */
  size_t text_len;
  /* Each NULL when the page does not say. */
  char *title;         /* JSON-LD headline, og:title, <title>, <h1> */
  char *site;          /* og:site_name, JSON-LD publisher */
  char *date;          /* article:published_time, JSON-LD datePublished, ... */
  char *modified;      /* article:modified_time, JSON-LD dateModified */
  char *url;           /* <link rel=canonical>, og:url, JSON-LD url */
  char *author;        /* meta author, JSON-LD author(s) joined by ", " */
  char *publisher;     /* JSON-LD publisher name */
  char *description;   /* meta description, og:description */
  char *section;       /* article:section, JSON-LD articleSection */
  char *lang;          /* <html lang> */
  char *type;          /* JSON-LD @type or og:type */
  size_t blocks, kept; /* text blocks seen in the page, kept as article */
} LedeHtmlDoc;

/*
 * Extract the article from n bytes of UTF-8 HTML.  Returns LEDE_OK (the
 * text may be empty when the page holds no article), LEDE_ENOMEM, or
 * LEDE_EFORMAT when the page could not be parsed; err then says why.
 * Free *d with lede_html_doc_free, whatever the result.
 */
int lede_html_extract(const char *html, size_t n, LedeHtmlDoc *d,
                      char *err, size_t errlen);
void lede_html_doc_free(LedeHtmlDoc *d);

/*
 * The charset a page or an HTTP Content-Type declares ("windows-1251"),
 * lower-cased into out; empty when none is found in the first bytes.
 */
void lede_html_charset(const char *s, size_t n, char *out, size_t outlen);

/*
 * Convert n bytes in the named charset to UTF-8 (bytes the charset lacks
 * become U+FFFD).  LEDE_EFORMAT when the charset is unknown.
 */
int lede_html_recode(const char *in, size_t n, const char *charset,
                     char **out, size_t *outn);

#endif
