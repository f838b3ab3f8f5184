/*
 * hash.c -- 64-bit content hash for spotting identical documents.
 * A 64-bit multiply-mix over 8-byte words (in the style of wyhash/xxh64);
 * the store compares text on a hash hit, so a collision never loses a
 * document, and speed matters more than cryptographic strength.
 */
#include <string.h>
#include "lede_int.h"

static uint64_t mix(uint64_t h)
{
  h ^= h >> 33; h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

uint64_t lede_hash64(const void *p, size_t n, uint64_t seed)
{
  const unsigned char *s = p;
  uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ULL);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ mix(w)) * 0x100000001B3ULL + 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    s += 8; n -= 8;
  }
  uint64_t w = 0;
  memcpy(&w, s, n);
  h ^= mix(w ^ ((uint64_t)n << 56));
  return mix(h);
}
