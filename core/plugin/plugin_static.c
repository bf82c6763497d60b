/*
** The plugins compiled into libmejora (Lua's linit.c loadedlibs).
*/
#include "plugin_static.h"

/*
** SQLite storage and the CSV collector are always available, so an
** embedder has a store and an importer even without a plugin folder.
*/
static const mj_plugin_entry_fn builtins[] = {
    mj_plugin_sqlite_entry,
    mj_plugin_csv_entry,
    NULL,
};

const mj_plugin_entry_fn *mj__builtin_plugins(void)
{
  return builtins;
}
