/*
 * cores.c -- how many cores this process may run on.
 *
 * The cores online are not the cores available: under taskset, a cgroup
 * cpuset or a container's CPU list a process may run on fewer, and
 * threads beyond those only take turns.  The affinity mask says which.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "lede_int.h"

int lede_cores(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}
