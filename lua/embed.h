/* embed.h -- the Lua sources built into the binary (see embed/embedgen.c). */
#ifndef LEDE_EMBED_H
#define LEDE_EMBED_H
#include <stddef.h>

typedef struct LedeEmbedded {
  const char *name;      /* module name for require, e.g. "lede.result" */
  const char *chunk;     /* chunk name for tracebacks, e.g. "@lua/result.lua" */
  const char *src;
  size_t len;
} LedeEmbedded;

extern const LedeEmbedded lede_embedded[];
#endif
