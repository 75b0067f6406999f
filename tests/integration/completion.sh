#!/usr/bin/env bash
# completion.sh — the bash completion (sourced, its function called with COMP_WORDS and
# COMP_CWORD as bash sets them) and the zsh completion (an interactive zsh in a pty, TAB typed)
# complete commands, each command's options, scenarios, strategies and parameters; then
# `meson install --destdir` puts the binary, racesim(1) and both completions where they belong.
# Usage: completion.sh RACESIM SOURCE-ROOT BUILD-ROOT
RACESIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
BUILD=$3
source "$(dirname "$0")/lib.sh"
skipped=0

source "$SRC/completions/racesim.bash"
# complete WORD...: the words of the line, the last one being completed; prints the replies
complete_words() {
    COMP_WORDS=("$RACESIM" "$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _racesim
    printf '%s\n' "${COMPREPLY[@]}"
}
# replies WANT WORD...: the replies are exactly WANT (space-separated, any order)
replies() {
    local want=$1
    shift
    [ "$(complete_words "$@" | sort | tr '\n' ' ')" = "$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ')" ]
}
mkdir -p "$TMP/empty" && cd "$TMP/empty"   # no files around: the strategy and file replies are the names alone
stock="atomic atomic-retry for-update for-update-retry naive naive-write-back optimistic optimistic-sells procedure serializable"
check "bash: racesim --strat<TAB> → --strategy=" replies "--strategy=" --strat
check "bash: racesim --strategy=<TAB> (= a word break) → stock's strategies" replies "$stock" --strategy = ""
check "bash: racesim --strategy=<TAB> (one word) → --strategy=NAME" \
    replies "$(sed 's/\([a-z-]*\)/--strategy=\1/g' <<<"$stock")" --strategy=
check "bash: racesim --strategy=at<TAB> → atomic atomic-retry" replies "atomic atomic-retry" --strategy = at
check "bash: --scenario=seats --strategy=n<TAB> → the seats strategies" \
    replies "naive nowait" --scenario = seats --strategy = n
check "bash: --strategy=<TAB> offers .sql files too" \
    bash -c "touch '$TMP/mine.sql' '$TMP/notes.txt'; cd '$TMP'; source '$SRC/completions/racesim.bash';
             COMP_WORDS=('$RACESIM' --strategy = m); COMP_CWORD=3; _racesim; [ \"\${COMPREPLY[*]}\" = mine.sql ]"
check "bash: racesim <TAB> → the commands" replies "run compare sweep matrix explore isolation check list help" ""
check "bash: racesim co<TAB> → compare" replies "compare" co
check "bash: racesim help <TAB> → the commands" replies "run compare sweep matrix explore isolation check list" help ""
check "bash: racesim --scenario=<TAB> → the scenarios" replies "checkout coupon isolation seats stock transfer" --scenario = ""
check "bash: compare --strat<TAB> → --strategies= (compare's option, not run's)" replies "--strategies=" compare --strat
check "bash: compare --strategies=atomic,n<TAB> → the list so far and the next name" \
    replies "atomic,naive atomic,naive-write-back" compare --strategies = atomic,n
check "bash: --sto<TAB> → the scenario parameter --stock=" replies "--stock=" --sto
check "bash: --scenario=seats --any<TAB> → --any_seat=" replies "--any_seat=" --scenario=seats --any
check "bash: check --<TAB> → check's options only" \
    replies "--baseline= --max-regression= --gate= --threshold= --format= --out= --force --quiet --help --version" check --
check "bash: check --format=<TAB> → text junit" replies "text junit" check --format = ""
check "bash: list --<TAB> → --scenario= --help --version" replies "--scenario= --help --version" list --
check "bash: every option of run's help is offered" \
    bash -c "[ \"\$('$RACESIM' run --help | grep -c '^  -')\" -le \"\$(source '$SRC/completions/racesim.bash'; COMP_WORDS=('$RACESIM' --); COMP_CWORD=1; _racesim; printf '%s\n' \"\${COMPREPLY[@]}\" | wc -l)\" ]"

# zsh: an interactive zsh in a pseudo-terminal, with the completion on its fpath
if command -v zsh >/dev/null; then
    mkdir -p "$TMP/zbin" "$TMP/zfunc"
    ln -s "$RACESIM" "$TMP/zbin/racesim"
    cp "$SRC/completions/_racesim" "$TMP/zfunc/"
    # ztab TEXT ADDED: types TEXT and a TAB in an interactive zsh, then reads what the terminal
    # shows until TEXT and later ADDED (what completion inserts) appear: no sleep, a slow machine
    # only takes longer (60 s at most); the bell and terminal escapes are removed
    ztab() {
        ZDOTDIR="$TMP" timeout 60 zsh -f -c '
            zmodload zsh/zpty
            zpty -b z "env -i HOME=$1 PATH=$1/zbin:/usr/bin:/bin TERM=dumb zsh -f -i"
            zpty -w z "fpath=($1/zfunc \$fpath); autoload -U compinit; compinit -u -D; PS1=\"%% \""
            zpty -n -w z "$2"$'"'"'\t'"'"'
            zpty -r z out "*$2*$3*"
            zpty -d z
            print -r -- "$out"' zsh "$TMP" "$1" "$2" | tr -d '\r\a' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
    }
    ztab "racesim --strat" "egy=" >"$TMP/z1"
    check "zsh: racesim --strat<TAB> → --strategy=" grep -q -- "racesim --strategy=" "$TMP/z1"
    ztab "racesim --strategy=atom" "ic" >"$TMP/z2"
    check "zsh: racesim --strategy=atom<TAB> → atomic" grep -q -- "--strategy=atomic" "$TMP/z2"
    ztab "racesim --scenario=sea" "ts" >"$TMP/z3"
    check "zsh: racesim --scenario=sea<TAB> → seats" grep -q -- "--scenario=seats" "$TMP/z3"
    ztab "racesim comp" "are" >"$TMP/z4"
    check "zsh: racesim comp<TAB> → compare" grep -q -- "racesim compare" "$TMP/z4"
else
    echo "skip - zsh is not installed: its completion is not tried (4 checks)"
    skipped=$((skipped + 4))
fi

# meson install --destdir: the binary, the man page and both completions land where they belong
if meson install -C "$BUILD" --no-rebuild --destdir "$TMP/root" >"$TMP/install.log" 2>&1; then
    check "meson install --destdir works" true
    check "the binary is installed" bash -c "ls '$TMP'/root/*/bin/racesim '$TMP'/root/*/*/bin/racesim 2>/dev/null | grep -q ."
    page=$(find "$TMP/root" -path '*/man1/racesim.1' | head -1)
    check "racesim(1) is installed in man1 ($page)" [ -n "$page" ]
    check "man -l renders the installed page" bash -c "MANWIDTH=80 man -l '$page' 2>/dev/null | grep -q '^NAME'"
    bashc=$(find "$TMP/root" -path '*/bash-completion/completions/racesim' | head -1)
    check "the bash completion is installed as completions/racesim ($bashc)" [ -n "$bashc" ]
    check "the installed bash completion completes --strat" \
        bash -c "source '$bashc'; COMP_WORDS=('$RACESIM' --strat); COMP_CWORD=1; _racesim; [ \"\${COMPREPLY[*]}\" = --strategy= ]"
    check "the zsh completion is installed in zsh/site-functions" \
        bash -c "find '$TMP/root' -path '*/zsh/site-functions/_racesim' | grep -q ."
else
    check "meson install --destdir works: $(tail -3 "$TMP/install.log")" false
fi
[ "$skipped" = 0 ] || echo "$skipped checks skipped"
finish
