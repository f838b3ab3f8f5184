/*
 * tap.h -- a minimal TAP producer for the C unit tests.
 * Each test binary prints "ok N - what" / "not ok N - what" lines and a
 * plan at the end; tests/run.sh counts them.  Failures print the file and
 * line of the check.
 */
#ifndef LEDE_TAP_H
#define LEDE_TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#include <stdarg.h>
static int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  if (!cond) {
    tap_failed++;
    printf("#   failed at %s:%d\n", file, line);
  }
  fflush(stdout);
  return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
static inline int tap_same_str(const char *got, const char *want)
{
  return got && strcmp(got, want) == 0;
}
static inline int tap_show_str(const char *got, const char *want)
{
  printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want);
  return 0;
}
#define is_str(got, want, ...) \
  (ok(tap_same_str((got), (want)), __VA_ARGS__) ? 1 : tap_show_str((got), (want)))
#define is_int(got, want, ...) \
  (ok((long long)(got) == (long long)(want), __VA_ARGS__) ? 1 : \
   (printf("#   got:  %lld\n#   want: %lld\n", (long long)(got), (long long)(want)), 0))
#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static int tap_done(void)
{
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}
#endif
