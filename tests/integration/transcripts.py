#!/usr/bin/env python3
"""transcripts.py — the commands the docs show, for transcripts.sh: every line of a ```console
(after "$ ") or ```sh block of README.md and docs/*.md that runs racesim, with its mode and the
key lines of the output the doc shows under it.

A block's mode is set by an HTML comment on the line before its fence:
  <!-- transcript: run -->            run for real; the doc's verdict:, why:, invariant and
                                      "shortest anomalous schedule" lines must appear in the output
  <!-- transcript: skip: REASON -->   not run (a DSN of the reader's own, files made elsewhere)
  (none)                              run with --dry-run: everything checked, no server, exit 0
A line of such a block that needs setup of its own may end in "# transcript: skip: REASON".

Prints one record per command: FILE:LINE <TAB> MODE <TAB> COMMAND <TAB> KEY LINES (joined by
\x1f), MODE being run, dry or skip:REASON. Usage: transcripts.py SOURCE-ROOT
"""
import glob
import os
import re
import sys

KEY = re.compile(r"^(verdict:|why:|shortest anomalous schedule|  [✓✗] )")
RACESIM = re.compile(r"^(\./)?racesim(\s|$)")


def blocks(path):
    """(mode, language, [(line number, text)]) for each fenced block of path."""
    lines = open(path, encoding="utf-8").read().split("\n")
    mode, i = "dry", 0
    while i < len(lines):
        marker = re.match(r"^\s*<!--\s*transcript:\s*(.*?)\s*-->\s*$", lines[i])
        fence = re.match(r"^\s*```(\w*)\s*$", lines[i])
        if marker:
            mode = marker.group(1)
        elif fence:
            lang, body, i = fence.group(1), [], i + 1
            while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
                body.append((i + 1, lines[i]))
                i += 1
            yield mode, lang, body
            mode = "dry"
        elif lines[i].strip():
            mode = "dry"
        i += 1


def commands(path):
    for mode, lang, body in blocks(path):
        if lang not in ("console", "sh"):
            continue
        cmds = []          # [line, mode, command, key lines]
        k = 0
        while k < len(body):
            number, text = body[k]
            if lang == "console":
                if not text.startswith("$ "):
                    if cmds and KEY.match(text):
                        cmds[-1][3].append(text.rstrip())
                    k += 1
                    continue
                text = text[2:]
            while text.endswith("\\") and k + 1 < len(body):
                k += 1
                text = text[:-1] + " " + body[k][1].strip()
            k += 1
            line_mode = mode
            own = re.search(r"#\s*transcript:\s*(skip:.*)$", text)
            if own:
                line_mode = own.group(1).strip()
            text = re.sub(r"\s+#.*$", "", text).strip()
            if RACESIM.match(text):
                cmds.append([number, line_mode, text, []])
            elif cmds and lang == "console":
                cmds.append([number, "other", text, []])   # another command: its output is not ours
        for number, m, text, keys in cmds:
            if m == "other":
                continue
            m = m if m in ("run", "dry") or m.startswith("skip:") else "skip: unknown mode " + m
            yield number, m, text, keys


def main():
    root = sys.argv[1]
    files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    for path in files:
        for number, mode, text, keys in commands(path):
            rel = os.path.relpath(path, root)
            print(f"{rel}:{number}\t{mode}\t{text}\t" + "\x1f".join(keys))


main()
