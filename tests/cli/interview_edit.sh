#!/bin/sh
# Line editing in the interview: in a pseudo-terminal, the left and right
# arrows, Ctrl-A and Ctrl-E move in the answer, Backspace deletes and the
# up arrow adds nothing, an accented letter is one character to move over;
# the answers stored are the edited ones. Through a pipe, lines are taken
# as they come, with the prompts as before.
. "$top_srcdir/tests/cli/tap.sh"
plan 9
scratch
mkdir -p "$tmp/ed"
cd "$tmp/ed"
cat > playbook.lua <<'LUA'
segment "a" {}
customer "C1" { segment = "a", lang = "en" }
customer "C2" { segment = "a", lang = "en" }
questionnaire "q" {
  question "edad" { type = "number", min = 18, max = 99, integer = true,
    text = { en = "How old are you?" } },
  question "nota" { type = "text", text = { en = "Anything else?" } },
  question "nps" { type = "nps", required = true,
    text = { en = "Would you recommend us?" } },
}
LUA

# The driver: runs the command in a pseudo-terminal of 80x24 and, for each
# pair of arguments after "--", waits for the pattern and types the keys
# (Python escapes). The screen goes to pty.out; the exit status is its own.
cat > drive.py <<'PY'
import os, pty, re, select, struct, sys, time, fcntl, termios
sep = sys.argv.index("--")
cmd, steps = sys.argv[1:sep], sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
seen, pos = b"", 0
def read(timeout):
    global seen
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    seen += data
    return bool(data)
status = 0
for pat, keys in zip(steps[0::2], steps[1::2]):
    end = time.time() + 10
    m = None
    while time.time() < end:
        m = re.compile(pat.encode()).search(seen, pos)
        if m or not read(0.1):
            break
    if not m:
        m = re.compile(pat.encode()).search(seen, pos)
    if not m:
        sys.stderr.write("timed out waiting for %r\n" % pat)
        status = 2
        break
    pos = m.end()
    os.write(fd, keys.encode().decode("unicode_escape").encode("latin-1"))
end = time.time() + 10
while time.time() < end and read(0.1):
    pass
open("pty.out", "wb").write(seen)
_, st = os.waitpid(pid, 0)
sys.exit(status or os.waitstatus_to_exitcode(st))
PY

# 4, left, 5 gives 54. "año", left twice, X gives aXño; then Ctrl-A,
# ¡, Ctrl-E, the up arrow, !, x and Backspace give ¡aXño!. 1, left,
# right, 0 gives 10.
HOME=$tmp/ed LC_ALL=C.UTF-8 TERM=xterm \
  python3 drive.py "$MEJORA" interview playbook.lua q --customer C1 -- \
  '(?s)\[1/3\].*?> ' '4\x1b[D5\r' \
  '(?s)\[2/3\].*?> ' 'a\xc3\xb1o\x1b[D\x1b[DX\x01\xc2\xa1\x05\x1b[A!x\x7f\r' \
  '(?s)\[3/3\].*?> ' '1\x1b[D\x1b[C0\r' \
  'stored' '' 2>drive.err
ok $? "the interview in a pseudo-terminal ends" || cat drive.err | sed 's/^/# /'
like "$(cat pty.out)" 'Response iv-[0-9a-f]+ stored' "the response is stored"
unlike "$(cat pty.out)" 'please answer again' "no answer was refused"
run "$MEJORA" export playbook.lua q
like "$out" ',54,¡aXño!,10' "the answers stored are the edited ones"
unlike "$out" "$(printf '\033')" "no escape sequence is stored"

# Through a pipe, a line is taken as it is: an escape sequence in it is
# part of the answer, and the prompts are printed as before.
run sh -c "printf '30\nd\033[Dc\n7\n' | '$MEJORA' interview playbook.lua q \
  --customer C2"
is "$rc" 0 "through a pipe the interview ends"
like "$out" '^> ' "with each prompt printed before its answer"
run "$MEJORA" export playbook.lua q
like "$out" ",30,d.\[Dc,7" "the escape sequence is kept in the answer"
unlike "$out" ',30,c' "and does not edit it"
done_testing
