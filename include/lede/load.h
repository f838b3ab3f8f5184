/*
 * load.h -- loaders: from paths to stored documents.
 *
 * A path is a file, a folder (walked recursively, hidden entries skipped),
 * a glob (a pattern with "*", "?" or "[") or "-" for standard input.  The format comes
 * from the extension (.txt .md .text: text; .jsonl .ndjson: JSON Lines;
 * .csv; .tsv; .html .htm .xhtml: a web page; .warc: a web archive; any of
 * these + .gz) unless opts->format says otherwise.
 *
 * What loading does to text, in order: the encoding is made UTF-8
 * (text.h); mojibake is repaired and HTML entities decoded (repair.h);
 * a web page becomes its article (html.h); the filter, when given, takes
 * out boilerplate lines and may find a date and an author in them; a text
 * file's title is its first line left.
 * Problems never stop a load: each is recorded with its file and line and
 * the rest goes on.  Documents are added in batches, one transaction each.
 */
#ifndef LEDE_LOAD_H
#define LEDE_LOAD_H

#include <signal.h>
#include <stddef.h>
#include "lede/store.h"

typedef enum LedeFormat {
  LEDE_FMT_AUTO = 0, LEDE_FMT_TEXT, LEDE_FMT_JSONL, LEDE_FMT_CSV, LEDE_FMT_TSV,
  LEDE_FMT_HTML, LEDE_FMT_WARC
} LedeFormat;

/* A document as a filter sees it, and what the filter gives back.  The
 * filter runs on the loading thread, after encoding repair and before the
 * document is stored and indexed. */
typedef struct LedeFilterDoc {
  const char *file;       /* the file it came from */
  long line;              /* JSONL/CSV line, WARC record; 0 otherwise */
  LedeFormat format;      /* TEXT, HTML (also for WARC records), JSONL, ... */
  const char *text;
  size_t text_len;
  /* Set by the filter, malloc'd; the loader frees them. */
  char *new_text;         /* the text to store instead; NULL keeps it */
  size_t new_len;
  char *date;             /* a date the text states, as written */
  char *author;           /* an author the text names */
  char *meta_json;        /* a JSON object whose members join the meta */
  long removed;           /* lines taken out, for the summary */
  char *error;            /* reported as a warning; the text is kept */
} LedeFilterDoc;

typedef void (*LedeLoadFilter)(void *ud, LedeFilterDoc *d);

typedef struct LedeLoadOpts {
  LedeFormat format;
  /* JSONL and CSV: which field holds what.  NULL means the default:
   * text "text" (else "body", "content"), title "title" (else "headline"),
   * date "date" (else "published", "datePublished"), source "source"
   * (else "outlet", "site"), id "id" (else "url", "uri"), lang "lang". */
  const char *text_field, *title_field, *date_field, *source_field,
             *id_field, *lang_field;
  int title_from_first_line;  /* text files: first line is the title */
  int source_from_dir;        /* text files: folder name is the source */
  const char *source;         /* every document gets this source */
  int progress;               /* draw a progress line on stderr if a tty */
  volatile sig_atomic_t *interrupt;  /* nonzero: stop after this document */
  LedeLoadFilter filter;      /* NULL: none; runs on text, HTML and WARC */
  void *filter_ud;
  int filter_records;         /* the filter runs on JSONL/CSV texts too */
  int no_repair;              /* keep mojibake and entities as they are */
} LedeLoadOpts;

typedef struct LedeProblem {
  char *file;        /* the path as given or found */
  long line;         /* 0 when not line-based */
  char *message;
  int skipped;       /* 1 when the problem cost a document or a file */
} LedeProblem;

typedef struct LedeLoadSummary {
  long files;         /* files read */
  long added;         /* documents stored */
  long duplicates;    /* identical to a stored document, not stored */
  long skipped;       /* records or files that could not be loaded */
  long repaired;      /* documents whose encoding was repaired/converted
                       * (not UTF-8, invalid bytes, or mojibake) */
  long mojibake;      /* of those, documents whose mojibake was repaired */
  long entities;      /* documents whose HTML entities were decoded */
  long boilerplate;   /* lines the filter took out */
  double bytes;       /* bytes read */
  double seconds;
  int interrupted;
  size_t nproblems;
  LedeProblem *problems;
} LedeLoadSummary;

/* Load the paths into st.  Returns LEDE_OK unless the store itself failed
 * (then nothing of the current batch is kept); per-file trouble is in the
 * summary.  Free the summary with lede_load_summary_free. */
int lede_load(LedeStore *st, const char *const *paths, size_t npaths,
              const LedeLoadOpts *opts, LedeLoadSummary *sum);
void lede_load_summary_free(LedeLoadSummary *sum);

#endif
