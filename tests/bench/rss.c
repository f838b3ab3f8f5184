/*
 * rss.c -- run a command and report its peak memory and times, for the
 * benches in tests/bench.
 *
 *   rss CMD ARGS...
 *
 * Prints to stderr, after the command ends:
 *   rss: peak_kb=N wall_s=X user_s=Y sys_s=Z
 * and exits with the command's status (128 + signal when it was killed,
 * 127 when it could not be started).  The figures come from wait4(), which
 * reports the resources of that one child -- unlike getrusage(RUSAGE_
 * CHILDREN), which mixes in every child waited for -- and ru_maxrss is the
 * peak resident set in kilobytes on Linux.  GNU time would do the same, but
 * it is not installed everywhere and its output format varies by version.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double seconds(struct timeval tv)
{
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The child's exit status as a shell would report it. */
static int exit_code(int status)
{
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: rss CMD ARGS...\n");
    return 2;
  }
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "rss: fork: %s\n", strerror(errno));
    return 127;
  }
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    fprintf(stderr, "rss: %s: %s\n", argv[1], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "rss: wait4: %s\n", strerror(errno));
      return 127;
    }
  }
  double wall = now() - t0;
  fprintf(stderr, "rss: peak_kb=%ld wall_s=%.3f user_s=%.3f sys_s=%.3f\n",
          ru.ru_maxrss, wall, seconds(ru.ru_utime), seconds(ru.ru_stime));
  return exit_code(status);
}
