/*
 * date.c -- dates as news sites print them, to ISO 8601 (lede/date.h).
 *
 * The text is cut into tokens (numbers, words, punctuation); ISO forms are
 * read directly, and everything else by recognising each token: a month
 * or weekday name, a four-digit year, a day (with st/nd/rd/th), a clock
 * time with am/pm, a zone.  Any word or number left unexplained makes the
 * text "not a date", so a sentence that happens to hold a year is not
 * taken for one.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "lede_int.h"

typedef struct Tok { const char *p; size_t n; int num; } Tok;

typedef struct D {
  int y, m, d, hh, mi, ss, has_time, has_sec, zone_min, has_zone, pm, am;
} D;

static const char *const months[12] = {"january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december"};

/* Zone abbreviations news uses; ET/CT/PT are taken as standard time. */
static const struct { const char *name; int min; } zones[] = {
  {"z", 0}, {"gmt", 0}, {"utc", 0}, {"bst", 60}, {"cet", 60}, {"cest", 120}, {"eet", 120},
  {"eest", 180}, {"msk", 180}, {"ist", 330}, {"est", -300}, {"edt", -240}, {"et", -300},
  {"cst", -360}, {"cdt", -300}, {"ct", -360}, {"pst", -480}, {"pdt", -420}, {"pt", -480},
  {"jst", 540}, {"kst", 540}, {"aest", 600}, {"wib", 420}, {"pkt", 300}, {"sgt", 480}, {NULL, 0}
};

static const char *const fillers[] = {"published", "updated", "posted", "last", "modified",
  "on", "at", "of", "the", "date", "time", "first", "created", NULL};
static const char *const weekdays[] = {"monday", "tuesday", "wednesday", "thursday", "friday",
  "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", NULL};

static int word_is(const Tok *t, const char *w)
{
  return strlen(w) == t->n && strncasecmp(t->p, w, t->n) == 0;
}

static int in_list(const Tok *t, const char *const *list)
{
  for (int i = 0; list[i]; i++) if (word_is(t, list[i])) return 1;
  return 0;
}

static int month_of(const Tok *t)
{
  for (int i = 0; i < 12; i++) {
    if (word_is(t, months[i])) return i + 1;
    if (t->n == 3 && strncasecmp(t->p, months[i], 3) == 0) return i + 1;
    if (i == 8 && word_is(t, "sept")) return 9;
  }
  return 0;
}

static int days_in(int y, int m)
{
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return d[m - 1];
}

static int num(const char *p, size_t n)
{
  int v = 0;
  for (size_t i = 0; i < n; i++) v = v * 10 + (p[i] - '0');
  return v;
}

static size_t digits(const char *s, size_t i, size_t n)
{
  size_t k = i;
  while (k < n && isdigit((unsigned char)s[k])) k++;
  return k - i;
}

/* "+03:00", "+0300", "-05", after a time; returns bytes used. */
static size_t offset(const char *s, size_t i, size_t n, D *d)
{
  if (i >= n || (s[i] != '+' && s[i] != '-')) return 0;
  size_t a = digits(s, i + 1, n);
  int sign = s[i] == '-' ? -1 : 1, h, m = 0;
  size_t used;
  if (a == 4) { h = num(s + i + 1, 2); m = num(s + i + 3, 2); used = 5; }
  else if (a == 2 && i + 3 < n && s[i + 3] == ':' && digits(s, i + 4, n) == 2) {
    h = num(s + i + 1, 2); m = num(s + i + 4, 2); used = 6;
  } else if (a == 2 || a == 1) { h = num(s + i + 1, a); used = 1 + a; }
  else return 0;
  if (h > 14 || m > 59) return 0;
  d->zone_min = sign * (h * 60 + m);
  d->has_zone = 1;
  return used;
}

/* "15:00", "15:00:00", "15:00:00.123"; returns bytes used. */
static size_t clock_time(const char *s, size_t i, size_t n, D *d)
{
  size_t a = digits(s, i, n);
  if (a < 1 || a > 2 || i + a >= n || s[i + a] != ':' || digits(s, i + a + 1, n) != 2) return 0;
  d->hh = num(s + i, a);
  d->mi = num(s + i + a + 1, 2);
  size_t k = i + a + 3;
  if (k < n && s[k] == ':' && digits(s, k + 1, n) == 2) {
    d->ss = num(s + k + 1, 2);
    d->has_sec = 1;
    k += 3;
    if (k < n && (s[k] == '.' || s[k] == ',')) k += 1 + digits(s, k + 1, n);
  }
  d->has_time = 1;
  return k - i;
}

/* ISO 8601 at the start: YYYY-MM-DD or YYYY/MM/DD, optional time. */
static size_t iso(const char *s, size_t n, D *d)
{
  if (digits(s, 0, n) != 4 || n < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4]
      || digits(s, 5, n) != 2 || digits(s, 8, n) != 2)
    return 0;
  d->y = num(s, 4); d->m = num(s + 5, 2); d->d = num(s + 8, 2);
  size_t k = 10;
  if (k < n && (s[k] == 'T' || s[k] == ' ') && digits(s, k + 1, n) == 2) {
    size_t t = clock_time(s, k + 1, n, d);
    if (t) {
      k += 1 + t;
      if (k < n && (s[k] == 'Z' || s[k] == 'z')) { d->has_zone = 1; d->zone_min = 0; k++; }
      else k += offset(s, k, n, d);
    }
  }
  return k;
}

static size_t tokenize(const char *s, size_t n, Tok *t, size_t max)
{
  size_t k = 0, i = 0;
  while (i < n && k < max) {
    unsigned char c = (unsigned char)s[i];
    if (isdigit(c)) {
      size_t j = i;
      while (j < n && (isdigit((unsigned char)s[j]) || s[j] == ':')) j++;
      t[k++] = (Tok){s + i, j - i, 1};
      i = j;
    } else if (isalpha(c)) {
      size_t j = i;
      while (j < n && (isalpha((unsigned char)s[j]) || (s[j] == '.' && j + 1 < n && isalpha((unsigned char)s[j + 1]) && j - i == 1))) j++;
      t[k++] = (Tok){s + i, j - i, 0};
      i = j;
    } else if (c == '+' || c == '-') {
      t[k++] = (Tok){s + i, 1, 2};
      i++;
    } else {
      i++;   /* spaces, commas, periods, slashes, NBSP bytes */
    }
  }
  return k;
}

/* Read the tokens into d; 0 when one of them is not part of a date. */
static int words(const Tok *t, size_t nt, D *d, const char *s, size_t n)
{
  for (size_t i = 0; i < nt; i++) {
    const Tok *x = &t[i];
    if (x->num == 2) {
      size_t used = offset(s, (size_t)(x->p - s), n, d);
      if (!used || !d->has_time) return 0;
      while (i + 1 < nt && t[i + 1].p < x->p + used) i++;
      continue;
    }
    if (x->num) {
      if (memchr(x->p, ':', x->n)) {
        if (d->has_time || clock_time(x->p, 0, x->n, d) != x->n) return 0;
      } else if (x->n == 4 && !d->y) {
        int v = num(x->p, 4);
        d->y = v;
      } else if (x->n <= 2 && !d->d) {
        d->d = num(x->p, x->n);
        if (i + 1 < nt && !t[i + 1].num && (word_is(&t[i + 1], "st") || word_is(&t[i + 1], "nd")
            || word_is(&t[i + 1], "rd") || word_is(&t[i + 1], "th"))) i++;
      } else {
        return 0;
      }
      continue;
    }
    int m = month_of(x);
    if (m && !d->m) { d->m = m; continue; }
    if (word_is(x, "pm") || word_is(x, "p.m")) { d->pm = 1; continue; }
    if (word_is(x, "am") || word_is(x, "a.m")) { d->am = 1; continue; }
    int z = -1;
    for (int k = 0; zones[k].name; k++) if (word_is(x, zones[k].name)) z = k;
    if (z >= 0 && d->has_time && !d->has_zone) {
      d->zone_min = zones[z].min;
      d->has_zone = 1;
      continue;
    }
    if (in_list(x, weekdays) || in_list(x, fillers)) continue;
    return 0;
  }
  return 1;
}

static LedeDatePrecision emit(const D *d, char iso_out[LEDE_ISO_MAX])
{
  int hh = d->hh;
  if (d->has_time) {
    if ((d->pm || d->am) && (hh < 1 || hh > 12)) return LEDE_DATE_NONE;
    if (d->pm && hh < 12) hh += 12;
    if (d->am && hh == 12) hh = 0;
    if (hh > 23 || d->mi > 59 || d->ss > 60) return LEDE_DATE_NONE;
  }
  if (d->y < 1000 || d->y > 2999) return LEDE_DATE_NONE;
  if (!d->m) {
    if (d->d || d->has_time) return LEDE_DATE_NONE;
    snprintf(iso_out, LEDE_ISO_MAX, "%04d", d->y);
    return LEDE_DATE_YEAR;
  }
  if (d->m < 1 || d->m > 12) return LEDE_DATE_NONE;
  if (!d->d) {
    if (d->has_time) return LEDE_DATE_NONE;
    snprintf(iso_out, LEDE_ISO_MAX, "%04d-%02d", d->y, d->m);
    return LEDE_DATE_MONTH;
  }
  if (d->d < 1 || d->d > days_in(d->y, d->m)) return LEDE_DATE_NONE;
  int k = snprintf(iso_out, LEDE_ISO_MAX, "%04d-%02d-%02d", d->y, d->m, d->d);
  if (!d->has_time) return LEDE_DATE_DAY;
  k += snprintf(iso_out + k, (size_t)(LEDE_ISO_MAX - k), "T%02d:%02d", hh, d->mi);
  if (d->has_sec) k += snprintf(iso_out + k, (size_t)(LEDE_ISO_MAX - k), ":%02d", d->ss);
  if (d->has_zone) {
    if (d->zone_min == 0) snprintf(iso_out + k, (size_t)(LEDE_ISO_MAX - k), "Z");
    else snprintf(iso_out + k, (size_t)(LEDE_ISO_MAX - k), "%c%02d:%02d", d->zone_min < 0 ? '-' : '+',
                  (d->zone_min < 0 ? -d->zone_min : d->zone_min) / 60,
                  (d->zone_min < 0 ? -d->zone_min : d->zone_min) % 60);
  }
  return d->has_sec ? LEDE_DATE_SECOND : LEDE_DATE_MINUTE;
}

LedeDatePrecision lede_date_parse(const char *s, size_t n, char iso_out[LEDE_ISO_MAX])
{
  iso_out[0] = '\0';
  /* trim space (including NBSP) and punctuation at both ends */
  while (n && (isspace((unsigned char)*s) || *s == ',' || *s == '|' || (unsigned char)*s == 0xC2 || (unsigned char)*s == 0xA0)) { s++; n--; }
  while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ',' || s[n - 1] == '.' || s[n - 1] == '|'
               || (unsigned char)s[n - 1] == 0xA0 || (unsigned char)s[n - 1] == 0xC2)) n--;
  if (n == 0 || n > 120) return LEDE_DATE_NONE;
  /* "Posted 2024-03-04 17:20": filler words before an ISO date */
  for (;;) {
    size_t w = 0;
    while (w < n && isalpha((unsigned char)s[w])) w++;
    Tok t = {s, w, 0};
    if (!w || w == n || !in_list(&t, fillers)) break;
    s += w;
    n -= w;
    while (n && (*s == ' ' || *s == ':')) { s++; n--; }
  }
  D d;
  memset(&d, 0, sizeof d);
  size_t used = iso(s, n, &d);
  if (used) {
    if (used != n) return LEDE_DATE_NONE;
  } else if (n == 10 && digits(s, 0, n) == 2 && s[2] == '.' && digits(s, 3, n) == 2 && s[5] == '.'
             && digits(s, 6, n) == 4) {
    d.d = num(s, 2); d.m = num(s + 3, 2); d.y = num(s + 6, 4);          /* 07.12.2021 */
  } else {
    Tok t[32];
    size_t nt = tokenize(s, n, t, 32);
    if (nt == 0 || nt == 32 || !words(t, nt, &d, s, n)) return LEDE_DATE_NONE;
    if (!d.m && d.d) return LEDE_DATE_NONE;                            /* bare numbers */
  }
  LedeDatePrecision p = emit(&d, iso_out);
  if (p == LEDE_DATE_NONE) iso_out[0] = '\0';
  return p;
}
