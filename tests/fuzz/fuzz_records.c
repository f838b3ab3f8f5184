/*
 * fuzz_records.c -- the CSV and JSON Lines parsers on arbitrary bytes: no
 * crash, fields as long as they say, every record accounted for.
 */
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  LedeReader *r = lede_reader_mem((const char *)data, size);
  LedeCsv *c = lede_csv_new(r, size && data[0] == '\t' ? '\t' : ',');
  size_t nf, *lens;
  char **f;
  long line, last = 0;
  int rc;
  while ((rc = lede_csv_next(c, &nf, &f, &lens, &line)) != 0) {
    if (line < last) abort();
    last = line;
    for (size_t i = 0; rc == 1 && i < nf; i++) if (strlen(f[i]) > lens[i]) abort();
  }
  lede_csv_free(c);
  lede_reader_close(r);
  LedeJsonObj o = {0};
  char err[128];
  const char *p = (const char *)data, *end = p + size;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (lede_json_parse(p, len, &o, err, sizeof err) == LEDE_OK)
      for (size_t i = 0; i < o.n; i++) if (!o.f[i].key || !o.f[i].val) abort();
    p += len + 1;
  }
  lede_json_obj_free(&o);
  return 0;
}
