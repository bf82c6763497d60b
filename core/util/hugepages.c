/*
** Large arrays in huge pages. A cycle over a million responses fills
** tables of tens of megabytes once; in 4 KiB pages that was over ten
** thousand page faults, a fifth of the cycle's time on a virtual machine.
** Asking for transparent huge pages on such a region makes it a few
** dozen. Only a hint: where the system has none (or is not Linux), the
** memory is the same, faulted in small pages.
*/
/* madvise and MADV_HUGEPAGE are not POSIX. */
#define _DEFAULT_SOURCE
#include "config.h"

#include <stdint.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "util.h"

/* Below this the faults saved do not pay for the rounding to 2 MiB. */
enum { HUGE_MIN = 2u << 20 };

void mj__huge_pages(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (!p || n < HUGE_MIN)
    return;
  long ps = sysconf(_SC_PAGESIZE);
  if (ps <= 0)
    return;
  uintptr_t page = (uintptr_t)ps;
  uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(page - 1);
  if (hi > lo)
    (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}
