"""An SMTP server on loopback for the e-mail notifier's tests (aiosmtpd).

    smtp_receiver.py DIR [--tls CERT KEY] [--auth USER:PASSWORD]
                     [--lifetime SECONDS] [--port PORT]

Picks a free port, writes it to DIR/port once it listens, and writes each
message it accepts to DIR/NNN.eml (envelope recipients in DIR/NNN.rcpt,
the client's port in DIR/NNN.peer).
With --tls it offers STARTTLS and requires it; with --auth it requires
AUTH (after STARTTLS). A recipient starting "bounce" is refused with 550,
one starting "later" with 451. It stops on SIGTERM or after --lifetime
seconds (60), so a test that forgets it cannot hang make check.
DIR/delay, when present, holds the seconds to wait after a message is
written before it is acknowledged (a delivery killed meanwhile never hears
the 250). --port listens on that port rather than a free one (the same
server back after a stop).
"""
import argparse
import asyncio
import os
import signal
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, folder):
        self.folder = folder
        # Back on the same folder after a stop: number on from there.
        self.n = sum(1 for f in os.listdir(folder) if f.endswith(".eml"))

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("bounce"):
            return "550 5.1.1 <%s>: no such user" % address
        if address.startswith("later"):
            return "451 4.3.0 <%s>: mailbox busy, try later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.folder, "%03d" % self.n)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        # The client's port: messages over one connection share it.
        with open(base + ".peer", "w") as f:
            f.write("%s\n" % (session.peer[1],))
        os.rename(base + ".tmp", base + ".eml")
        try:
            with open(os.path.join(self.folder, "delay")) as f:
                await asyncio.sleep(float(f.read().strip() or 0))
        except FileNotFoundError:
            pass
        return "250 2.0.0 accepted"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    # aiosmtpd 1.4 warns of its own deprecated Session.login_data.
    warnings.simplefilter("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--auth")
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    kw = {}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.tls)
        kw.update(tls_context=ctx, require_starttls=True)
    if a.auth:
        user, password = a.auth.split(":", 1)

        def check(server, session, envelope, mechanism, data):
            good = (isinstance(data, LoginPassword)
                    and data.login.decode() == user
                    and data.password.decode() == password)
            return AuthResult(success=good, handled=False)

        kw.update(authenticator=check, auth_required=True,
                  auth_require_tls=bool(a.tls))
    port = a.port or free_port()
    ctl = Controller(Keep(a.dir), hostname="127.0.0.1", port=port,
                     decode_data=False, **kw)
    ctl.start()
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % port)
    os.rename(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait(a.lifetime)
    ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
