/*
** The environment variables a playbook may read: the names the operator
** lists.
*/
#include "config.h"

#include <string.h>

#include "engine.h"

int mj__env_listed(const char *list, const char *name)
{
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    size_t k = strcspn(p, ",: \t");
    if (k == n && k > 0 && memcmp(p, name, n) == 0)
      return 1;
    p += k + (p[k] != '\0');
  }
  return 0;
}
