/*
** An e-mail of one event: its addresses and its MIME text.
*/
#ifndef MJ_MAIL_MESSAGE_H
#define MJ_MAIL_MESSAGE_H

#include "mejora/plugin.h"

/* Longest address kept (RFC 5321: 254), and a display name. */
#define MJ_MAIL_ADDR_MAX 255
#define MJ_MAIL_NAME_MAX 256

typedef struct mj_mail_addr {
  char name[MJ_MAIL_NAME_MAX]; /* display name, UTF-8, "" if none */
  char addr[MJ_MAIL_ADDR_MAX]; /* local@domain, ASCII */
} mj_mail_addr;

/*
** Parse "local@domain" or "Display Name <local@domain>" (the name may be
** quoted, and UTF-8) from the first n bytes of s. 1 when it is one
** address mejora can send to, else 0 with why filled (a short phrase):
** addresses are ASCII, one '@', no spaces, controls or specials.
*/
int mj__mail_addr_parse(const char *s, size_t n, mj_mail_addr *a,
                        char *why, size_t why_len);

/*
** Whether s is a link the message may carry in a header and an href:
** http:, https: or mailto:, printable ASCII without spaces, quotes or
** angle brackets.
*/
int mj__mail_link_safe(const char *s);

/*
** The whole message for ev, from `from` to the n addresses in `to`, with
** Message-ID <key@from's domain>, CRLF line ends, ready for SMTP DATA.
** The meta "unsubscribe", when mj__mail_link_safe, gives List-Unsubscribe
** (and List-Unsubscribe-Post for https) and a link in both parts.
** NULL when out of memory; free it with free().
*/
char *mj__mail_build(const mj_event *ev, const char *key,
                     const mj_mail_addr *from, const mj_mail_addr *to,
                     size_t n);

#endif
