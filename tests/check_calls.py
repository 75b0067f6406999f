#!/usr/bin/env python3
"""check_calls.py — every `check WHAT COMMAND...` in tests/integration/*.sh is one command: in
`check "x" [ a ] && grep -q b f` only `[ a ]` is counted (check returns 0 either way), so the
grep could never fail the test. Exit 1 naming each such call (file:line), else 0.

Usage: check_calls.py DIR   (the tests/integration folder)"""
import glob
import os
import re
import shlex
import sys

CHAINS = {"&&", "||", ";", "|", "&"}


def calls(path):
    """(line number, text) of each check call in a script, continuation lines joined."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if re.match(r"^\s*check\s", lines[i]):
            start, text = i, lines[i]
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text[:-1] + " " + lines[i]
            yield start + 1, text
        i += 1


def chained(text):
    """True when the call chains another command after check's own."""
    lex = shlex.shlex(text, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    try:
        return any(tok in CHAINS for tok in lex)
    except ValueError:          # an unbalanced quote: not ours to judge here
        return False


def main():
    bad = 0
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.sh"))):
        for line, text in calls(path):
            if chained(text):
                bad += 1
                print(f"{path}:{line}: a command chained after check is never counted: "
                      f"{text.strip()[:120]}")
    print(f"{bad} chained check calls")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
