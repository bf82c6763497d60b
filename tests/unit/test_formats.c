/*
** Output formats: which each command takes, and the reason when not.
*/
#include <string.h>

#include "mejora.h"
#include "tap.h"

int main(void)
{
  plan(14);
  char why[128];
  is_int(MJ_OK, mj_format_check("report", "md", why, sizeof why),
         "report takes md");
  is_int(MJ_OK, mj_format_check("invitations", "csv", NULL, 0),
         "invitations take csv, why may be NULL");
  is_int(MJ_OK, mj_format_check("export", "json", why, sizeof why),
         "export takes json");
  is_int(MJ_EINVAL, mj_format_check("report", "xml", why, sizeof why),
         "report refuses xml");
  is_string("unknown format 'xml' (use text, json, md or html)", why,
            "the reason lists report's formats");
  is_int(MJ_EINVAL, mj_format_check("plans", "md", why, sizeof why),
         "plans refuse md");
  is_string("unknown format 'md' (use text or json)", why,
            "two formats read 'a or b'");
  is_int(MJ_EINVAL, mj_format_check("export", "text", why, sizeof why),
         "export refuses text");
  is_string("unknown format 'text' (use csv, json, xlsx or sav)", why,
            "export's formats");
  is_int(MJ_EINVAL, mj_format_check("report", "JSON", why, sizeof why),
         "formats are lower case");
  is_int(MJ_EINVAL, mj_format_check("report", NULL, why, sizeof why),
         "no format is not one");
  is_int(MJ_EINVAL, mj_format_check("draw", "text", why, sizeof why),
         "an unknown command");
  is_string("no command 'draw' writes output", why, "is named");
  mj_format_check("invitations", "xml", why, 20);
  is_int(19, (long long)strlen(why), "a short buffer is cut, not overrun");
  return tap_done();
}
