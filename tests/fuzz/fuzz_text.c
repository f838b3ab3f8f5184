/*
 * fuzz_text.c -- lede_text_clean and lede_date_parse on arbitrary bytes:
 * no crash, and clean output is valid UTF-8 without CR.
 */
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *out = NULL;
  size_t n = 0;
  LedeTextInfo ti;
  if (lede_text_clean((const char *)data, size, LEDE_TEXT_ALL, &out, &n, &ti) == LEDE_OK) {
    if (!lede_utf8_valid(out, n) || memchr(out, '\r', n)) abort();
    free(out);
  }
  char iso[LEDE_ISO_MAX];
  if (lede_date_parse((const char *)data, size, iso) != LEDE_DATE_NONE && strlen(iso) < 4) abort();
  return 0;
}
