# racesim.bash — bash completion for racesim: commands, each command's options (read from
# `racesim COMMAND --help`), scenarios, strategies and scenario parameters (read from
# `racesim list`), and the values of the options that take a fixed set.

# _racesim_options EXE COMMAND: the options COMMAND's help lists, "--name=" for those that take a
# value, "--name" for flags.
_racesim_options() {
    "$1" "$2" --help 2>/dev/null | awk '
        match($0, /^  (-[a-zA-Z], )?--[a-z][a-z-]*/) {
            line = substr($0, 1, RLENGTH); sub(/.*--/, "--", line)
            print (substr($0, RLENGTH + 1, 1) == "=" ? line "=" : line) }'
}

# _racesim_scenarios EXE: the scenario names `racesim list` prints.
_racesim_scenarios() {
    "$1" list 2>/dev/null | awk '/^[a-z0-9_-]+ — / { print $1 }'
}

# _racesim_section EXE SCENARIO SECTION: the first word of each line of SECTION
# ("strategies:" or "parameters:") of `racesim list --scenario=SCENARIO`.
_racesim_section() {
    "$1" list --scenario="$2" 2>/dev/null | awk -v s="  $3" '
        $0 == s { on = 1; next } /^  [a-z]/ { on = 0 } on && NF { print $1 }'
}

_racesim() {
    local exe=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} i w
    local commands="run compare sweep matrix explore isolation check list help"
    local cmd=run scenario=stock
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        if ((i < COMP_CWORD)) && [[ $cmd == run && $w != -* && $w != = && " $commands " == *" $w "* ]]; then
            cmd=$w
        fi
        [[ $w == --scenario=* ]] && scenario=${w#--scenario=}
        [[ $w == --scenario && ${COMP_WORDS[i + 1]} == = ]] && scenario=${COMP_WORDS[i + 2]}
    done
    [[ $cmd == isolation ]] && scenario=isolation    # its tests: strategies/isolation/
    COMPREPLY=()

    # --name=VALUE: one word (= not a word break) or three (--name, =, VALUE)
    local opt="" val="" lead=""
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*} val=${cur#*=} lead="$opt="
    elif [[ $cur == = ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 1]}
    elif ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]} val=$cur
    fi
    if [[ -n $opt ]]; then
        local words="" files=0 list=0
        case $opt in
        --scenario) words=$(_racesim_scenarios "$exe") ;;
        --strategy) words=$(_racesim_section "$exe" "$scenario" strategies:); files=2 ;;
        --strategies) words="all $(_racesim_section "$exe" "$scenario" strategies:)"; list=1 ;;
        --isolation) words="read-uncommitted read-committed repeatable-read serializable" ;;
        --isolations) words="all read-uncommitted read-committed repeatable-read serializable"; list=1 ;;
        --format) [[ $cmd == check ]] && words="text junit" || words="text json csv md"
            [[ $cmd == isolation ]] && words="text json md" ;;
        --engine) words="mariadb postgres" ;;
        --gate) words="invariants all" ;;
        --out | --chart | --baseline | --trace | --html) files=1 ;;
        esac
        local head=""
        if ((list)) && [[ $val == *,* ]]; then
            head=${val%,*}, val=${val##*,}
        fi
        local c
        for c in $(compgen -W "$words" -- "$val"); do
            COMPREPLY+=("$lead$head$c")
        done
        if ((files)); then
            for c in $(compgen -f -- "$val"); do   # --strategy: .sql files and folders only
                ((files == 1)) || [[ -d $c || $c == *.sql ]] && COMPREPLY+=("$lead$c")
            done
        fi
        return 0
    fi

    if ((COMP_CWORD == 1)) && [[ $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return 0
    fi
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
        return 0
    fi
    if [[ $cmd == check && $cur != -* ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
    fi
    local options params=""
    options=$(_racesim_options "$exe" "$cmd")
    if [[ $cmd != check && $cmd != list ]]; then
        params=$(_racesim_section "$exe" "$scenario" parameters: | sed 's/=.*/=/' | sort -u)
    fi
    COMPREPLY=($(compgen -W "$options $params" -- "$cur"))
    if [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _racesim racesim
