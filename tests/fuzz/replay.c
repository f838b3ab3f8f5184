/*
 * replay.c -- main() for fuzz drivers built without libFuzzer: feeds each
 * file named on the command line (or stdin) to LLVMFuzzerTestOneInput, so
 * `make test` builds every driver and can replay its corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(FILE *f)
{
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) return 1;
  size_t got;
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *p = realloc(buf, cap *= 2);
      if (!p) { free(buf); return 1; }
      buf = p;
    }
  }
  LLVMFuzzerTestOneInput(buf, n);
  free(buf);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2) return replay(stdin);
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) { perror(argv[i]); return 1; }
    int rc = replay(f);
    fclose(f);
    if (rc) return rc;
  }
  return 0;
}
