/*
 * repair.h -- undoing what went wrong to text before it reached us.
 *
 * Mojibake: UTF-8 bytes decoded as Windows-1252 or Latin-1 and encoded
 * again ("â€™" for "’", "Ã©" for "é"), sometimes twice.  HTML entities
 * left in text by scrapers ("&amp;", "&#8217;", "&nbsp;").  Both functions
 * take valid UTF-8 and return the number of repairs made; *out is a
 * malloc'd NUL-terminated copy when that number is nonzero, else NULL.
 */
#ifndef LEDE_REPAIR_H
#define LEDE_REPAIR_H

#include <stddef.h>

/*
 * A run of characters is replaced only when their Windows-1252 (or
 * Latin-1) bytes form one valid UTF-8 sequence, and, for two-byte
 * sequences, only when the character it gives is a letter or sign of a
 * Latin, Greek, Cyrillic, Hebrew or Arabic alphabet: "É»" in French
 * capitals would otherwise become an IPA letter.  Repeated while a pass
 * changes something (double mojibake), at most three times.
 */
size_t lede_repair_mojibake(const char *s, size_t n, char **out, size_t *outn);

/* Named (the Latin-1 set and common punctuation) and numeric entities
 * ending in ";"; numeric references 128-159 read as Windows-1252, as
 * browsers read them. */
size_t lede_repair_entities(const char *s, size_t n, char **out, size_t *outn);

#endif
