/*
** Plugin host internals shared by plugin_host.c, plugin_ffi.c and
** plugin_static.c: the built-in plugin table and the prepared FFI exports.
*/
#ifndef MJ_PLUGIN_STATIC_H
#define MJ_PLUGIN_STATIC_H

#include "plugin_host.h"

/* Entry points of the plugins compiled into libmejora. */
const mj_plugin_desc *mj_plugin_sqlite_entry(void);
const mj_plugin_desc *mj_plugin_csv_entry(void);

/*
** The built-in plugins (like Lua's linit.c loadedlibs): a constant table
** ending with NULL. They are searched before any plugin folder and go
** through the same descriptor checks as files.
*/
const mj_plugin_entry_fn *mj__builtin_plugins(void);

/*
** A plugin's exports, parsed and prepared for libffi once when the plugin
** is loaded (plugin_ffi.c). Opaque outside plugin_ffi.c.
*/
typedef struct mj_ffi_lib mj_ffi_lib;

/*
** Parse every export's signature and prepare its call interface. where
** names the plugin in messages (its path). *out is NULL when the plugin
** exports nothing. A signature outside the whitelist is MJ_EPLUGIN with
** the plugin, the function and the offending token in err.
*/
int mj__ffi_prepare(const mj_plugin_desc *d, const char *where,
                    mj_ffi_lib **out, mj_error *err);
void mj__ffi_free(mj_ffi_lib *lib);

/* The prepared exports of a registered plugin, or NULL (plugin_host.c). */
const mj_ffi_lib *mj__plugin_ffi(const mj_plugin *p);

#endif
