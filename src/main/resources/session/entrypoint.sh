#!/bin/sh
# para-dispatch session steps: the pod contract of DESIGN §5, in POSIX sh and git only.
#
#   entrypoint.sh clone     init container, git uid: clones with the token, hands the work tree over
#   entrypoint.sh agent     agent uid, no GitHub credential: runs the agent in the work tree
#   entrypoint.sh publish   git uid, beside the agent: waits for it, commits what it left, pushes
#   entrypoint.sh ready     the agent container's readiness probe: passes once the agent's login
#                           has been accepted (its first real turn), so a session whose login the
#                           service cannot check starts its other instances only then
#
# The agent is treated as hostile. Clone and publish keep their git directory, config, credential
# helper and token on volumes the agent container never mounts; publish reads only the work tree
# and a few validated values from the agent, and runs git with no hook, fsmonitor, system config
# or remote that the agent could have set.
#
# Inputs (env): PARA_SESSION_ID, PARA_SESSION_SLUG, PARA_CLONE_URL, PARA_SOURCE_BRANCH,
# PARA_BRANCH_BASE, PARA_INSTANCES, PARA_GIT_NAME, PARA_GIT_EMAIL, PARA_AGENT_COMMAND,
# PARA_MAX_TURNS, PARA_MODEL, PARA_AGENT_DEADLINE (epoch seconds the agent must have stopped by),
# PARA_BUDGET_USD (the most the agent may spend) and PARA_AGENT_BUDGET_FLAG (the agent's own flag
# for it, such as Claude Code's --max-budget-usd; empty when it has none),
# JOB_COMPLETION_INDEX (set by Kubernetes for Indexed Jobs).
# Files: $PARA_TOKEN_FILE (clone, publish; re-read on every git call, so a refreshed token is
# used), $PARA_SESSION_DIR/prompt and optionally anthropic-api-key or claude-oauth-token (agent).
#
# Exit codes of publish (and clone), mapped to reasons by the service: 0 ok (pushed, or nothing to
# change), 2 bad configuration, 3 agent not authenticated, 4 agent failed, 5 git failed, 6 agent
# stopped at its time limit, 7 agent stopped because the session was cancelled, 8 agent stopped
# because its reported cost passed its budget.
set -u

EXIT_CONFIG=2
EXIT_AGENT_AUTH=3
EXIT_AGENT=4
EXIT_GIT=5
EXIT_TIMED_OUT=6
EXIT_CANCELLED=7
EXIT_BUDGET=8

WORKSPACE=${PARA_WORKSPACE:-/workspace}
GIT_STATE=${PARA_GIT_STATE:-/var/run/para/git}
SESSION_DIR=${PARA_SESSION_DIR:-/var/run/para/agent}
TOKEN_FILE=${PARA_TOKEN_FILE:-/var/run/para/github/token}
TERMINATION_LOG=${PARA_TERMINATION_LOG:-/dev/termination-log}
REPO="$WORKSPACE/repo"
# The hand-over between the agent and publish: the agent's status and heartbeat. Agent-writable,
# so publish reads only values that match a strict pattern from it.
HANDOVER="$WORKSPACE/.para"

index=$(( ${JOB_COMPLETION_INDEX:-0} + 1 ))
if [ "${PARA_INSTANCES:-1}" -gt 1 ]; then
    branch="${PARA_BRANCH_BASE:-}-$index"
else
    branch="${PARA_BRANCH_BASE:-}"
fi
head=""
pushed=false
wip=false
agent_state=""
cost=null
turns=null
files=null
insertions=null
deletions=null
tests=null
summary=""

json_escape() {
    printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g'
}

# Writes the termination message (JSON, at most 4 KiB) and exits with the given code.
finish() {
    printf '{"branch":"%s","head":"%s","pushed":%s,"wip":%s,"agent":"%s","cost":%s,"turns":%s,"files":%s,"insertions":%s,"deletions":%s,"tests":%s,"summary":"%s","reason":"%s"}' \
        "$(json_escape "$branch")" "$head" "$pushed" "$wip" "$agent_state" "$cost" "$turns" \
        "$files" "$insertions" "$deletions" "$tests" "$(json_escape "$summary")" "$(json_escape "$2")" \
        | head -c 4096 > "$TERMINATION_LOG" 2>/dev/null || true
    echo "para: $2"
    exit "$1"
}

require_env() {
    for name in "$@"; do
        eval "value=\${$name:-}"
        [ -n "$value" ] || finish $EXIT_CONFIG "$name is not set"
    done
}

# git for clone and publish: nothing from a config, hook, attribute file or fsmonitor the agent
# could have written, no redirects, no credential but the one a command names itself. Options
# given with -c reach child git processes too (GIT_CONFIG_PARAMETERS) and win over any file.
trusted_git() {
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$GIT_STATE/gitconfig" GIT_ATTR_NOSYSTEM=1 \
        HOME="$GIT_STATE" XDG_CONFIG_HOME="$GIT_STATE" GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false \
        git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.commitGraph=false \
        -c core.multiPackIndex=false -c core.sshCommand=/bin/false -c credential.helper= \
        -c http.followRedirects=false -c protocol.file.allow=never -c protocol.ext.allow=never \
        -c submodule.recurse=false -c diff.ignoreSubmodules=all -c status.submoduleSummary=false \
        "$@"
}

# --- clone ---------------------------------------------------------------------------------------

clone_step() {
    require_env PARA_SESSION_ID PARA_CLONE_URL PARA_SOURCE_BRANCH PARA_BRANCH_BASE
    [ -r "$TOKEN_FILE" ] || finish $EXIT_CONFIG "the token file is missing"
    command -v git > /dev/null 2>&1 || finish $EXIT_CONFIG "git is not installed in the image"
    mkdir -p "$GIT_STATE" || finish $EXIT_CONFIG "the git state volume is not writable"

    # The helper answers only for the clone URL's own scheme and host, and only https (plain http
    # is allowed to loopback alone, for the local runtime and tests): a redirect or a rewritten
    # URL never gets the token. The token is read per call, so a refreshed one is used.
    scheme=${PARA_CLONE_URL%%://*}
    rest=${PARA_CLONE_URL#*://}
    host=${rest%%/*}
    case "$scheme:$host" in
        https:?*) ;;
        http:127.0.0.1:*|http:localhost:*|http:127.0.0.1|http:localhost) ;;
        *) finish $EXIT_CONFIG "the clone URL must be https" ;;
    esac
    case "$host" in
        *@*|*[!A-Za-z0-9.:-]*) finish $EXIT_CONFIG "the clone URL's host is not a plain host name" ;;
    esac
    helper="$GIT_STATE/git-credential"
    cat > "$helper" <<HELPER
#!/bin/sh
[ "\$1" = get ] || exit 0
protocol=""
host=""
while IFS='=' read -r key value; do
    case "\$key" in
        protocol) protocol=\$value ;;
        host) host=\$value ;;
    esac
done
[ "\$protocol" = '$scheme' ] && [ "\$host" = '$host' ] || exit 0
printf 'username=x-access-token\npassword=%s\n' "\$(cat '$TOKEN_FILE')"
HELPER
    chmod 700 "$helper" || finish $EXIT_CONFIG "the credential helper cannot be written"
    printf '[user]\n\tname = %s\n\temail = %s\n' \
        "${PARA_GIT_NAME:-para-dispatch}" "${PARA_GIT_EMAIL:-para-dispatch@users.noreply.github.com}" \
        > "$GIT_STATE/gitconfig"

    # Group-writable, so the agent (another uid, the same group) can change the work tree.
    umask 0002
    mkdir -p "$HANDOVER" || finish $EXIT_CONFIG "the workspace is not writable"
    trusted_git -c credential.helper="$helper" clone --quiet --single-branch --no-tags \
        --branch "$PARA_SOURCE_BRANCH" "$PARA_CLONE_URL" "$REPO" \
        || finish $EXIT_GIT "git clone of $PARA_SOURCE_BRANCH failed"
    trusted_git -C "$REPO" checkout --quiet -b "$branch" || finish $EXIT_GIT "could not create branch $branch"
    base=$(trusted_git -C "$REPO" rev-parse HEAD) || finish $EXIT_GIT "the clone has no HEAD"

    # Publish's own git directory, made now, before the agent runs: its config, HEAD and index are
    # copies the agent never reaches; it reads the clone's objects through an alternate.
    publish_git="$GIT_STATE/repo.git"
    trusted_git init --quiet --bare --template= "$publish_git" || finish $EXIT_GIT "git init failed"
    mkdir -p "$publish_git/objects/info"
    printf '%s\n' "$REPO/.git/objects" > "$publish_git/objects/info/alternates"
    GIT_DIR="$publish_git" trusted_git config core.bare false
    GIT_DIR="$publish_git" trusted_git update-ref "refs/heads/$branch" "$base" || finish $EXIT_GIT "git update-ref failed"
    GIT_DIR="$publish_git" trusted_git symbolic-ref HEAD "refs/heads/$branch"
    cp "$REPO/.git/index" "$publish_git/index" || finish $EXIT_GIT "the index cannot be copied"
    printf '%s\n' "$base" > "$GIT_STATE/base"
    echo "para: cloned $PARA_SOURCE_BRANCH at $base onto $branch"
}

# --- agent ---------------------------------------------------------------------------------------

# The agent's outcome for publish: written whole, then moved into place.
report_agent() {
    printf 'state=%s\nexit=%s\ncost=%s\nturns=%s\nseconds=%s\n' "$1" "$2" "${3:-}" "${4:-}" \
        "$(( $(date +%s) - ${started:-$(date +%s)} ))" > "$HANDOVER/agent.next" \
        && mv -f "$HANDOVER/agent.next" "$HANDOVER/agent"
    echo "para: agent $1 (exit $2)"
    exit 0
}

agent_step() {
    prompt_file="$SESSION_DIR/prompt"
    [ -r "$prompt_file" ] || report_agent failed "$EXIT_CONFIG"
    cd "$REPO" || report_agent failed "$EXIT_CONFIG"
    agent=${PARA_AGENT_COMMAND:-claude}
    command -v "$agent" > /dev/null 2>&1 || { echo "para: the agent command '$agent' is not installed"; report_agent failed "$EXIT_CONFIG"; }
    command -v timeout > /dev/null 2>&1 || { echo "para: timeout (coreutils) is not installed"; report_agent failed "$EXIT_CONFIG"; }

    # A read-only root: home and tmp are emptyDirs. A login baked into the image's home is copied
    # over, so it still counts.
    if ! [ -w "${HOME:-/nonexistent}" ] && [ -n "${PARA_AGENT_HOME:-}" ]; then
        for state in .claude .claude.json; do
            [ -e "${HOME:-/nonexistent}/$state" ] && cp -R "$HOME/$state" "$PARA_AGENT_HOME/" 2>/dev/null
        done
        HOME=$PARA_AGENT_HOME; export HOME
    fi
    # The work tree belongs to the git uid; the agent's own git calls may use it.
    git config --global --add safe.directory "$REPO" 2>/dev/null
    git config --global user.name "${PARA_GIT_NAME:-para-dispatch}" 2>/dev/null
    git config --global user.email "${PARA_GIT_EMAIL:-para-dispatch@users.noreply.github.com}" 2>/dev/null

    if [ -r "$SESSION_DIR/anthropic-api-key" ]; then
        ANTHROPIC_API_KEY=$(cat "$SESSION_DIR/anthropic-api-key"); export ANTHROPIC_API_KEY
    fi
    if [ -r "$SESSION_DIR/claude-oauth-token" ]; then
        CLAUDE_CODE_OAUTH_TOKEN=$(cat "$SESSION_DIR/claude-oauth-token"); export CLAUDE_CODE_OAUTH_TOKEN
    fi
    # Before anything is spent: an agent with no credential at all is a distinct failure.
    if [ "${PARA_AGENT_AUTH_CHECK:-claude}" = claude ] && [ -z "${ANTHROPIC_API_KEY:-}" ] \
            && [ -z "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] && [ ! -s "${HOME:-/nonexistent}/.claude/.credentials.json" ]; then
        echo "para: the agent is not authenticated: no API key, OAuth token or baked-in login"
        report_agent unauthenticated "$EXIT_AGENT_AUTH"
    fi

    # The agent's own limit ends it before the Job's deadline, leaving publish its time.
    limit=86400
    if [ -n "${PARA_AGENT_DEADLINE:-}" ]; then
        limit=$(( PARA_AGENT_DEADLINE - $(date +%s) ))
        [ "$limit" -gt 0 ] || report_agent timed-out 124
    fi

    # Alive while this script is: publish gives up on an agent whose heartbeat stops.
    ( while :; do date +%s > "$HANDOVER/heartbeat"; sleep 5; done ) > /dev/null 2>&1 &
    heartbeat=$!

    # Each stream-json event reaches the container log as it happens, with credentials masked.
    out="$HANDOVER/agent.jsonl"
    fifo="$HANDOVER/agent.fifo"
    rm -f "$fifo"
    mkfifo "$fifo" || report_agent failed "$EXIT_CONFIG"
    unbuffered=""
    sed -u '' < /dev/null > /dev/null 2>&1 && unbuffered=-u
    # shellcheck disable=SC2086 # $unbuffered is empty or one flag
    sed $unbuffered -e 's/sk-ant-[A-Za-z0-9_-]*/sk-ant-[REDACTED]/g' \
        -e 's/gh[opsur]_[A-Za-z0-9]\{20,\}/gh_[REDACTED]/g' < "$fifo" | tee "$out" &
    streamer=$!

    set -- -p --output-format stream-json --verbose
    [ -n "${PARA_MAX_TURNS:-}" ] && set -- "$@" --max-turns "$PARA_MAX_TURNS"
    model=$(printf '%s' "${PARA_MODEL:-}" | sed -n 's/^\([A-Za-z0-9][A-Za-z0-9._:-]\{0,99\}\)$/\1/p')
    [ -n "$model" ] && set -- "$@" --model "$model"
    budget=$(printf '%s' "${PARA_BUDGET_USD:-}" | sed -n 's/^\([0-9]\{1,6\}\(\.[0-9]\{1,6\}\)\{0,1\}\)$/\1/p')
    [ -n "$budget" ] && [ -n "${PARA_AGENT_BUDGET_FLAG:-}" ] && set -- "$@" "$PARA_AGENT_BUDGET_FLAG" "$budget"
    started=$(date +%s)
    timeout -k 10 "$limit" "$agent" "$@" < "$prompt_file" > "$fifo" &
    running=$!
    stopped=""
    trap 'stopped=cancelled; kill -TERM "$running" 2>/dev/null' TERM INT
    # Watches what the agent streams, once a second:
    # - its first real turn (an assistant event that is not Claude Code's synthetic error message)
    #   means its login was accepted: the readiness probe then passes;
    # - the budget holds even for an agent with no flag of its own: the cost it reports as it goes
    #   (any event's total_cost_usd) is watched, and the agent is stopped once it passes the budget.
    ( while kill -0 "$running" 2>/dev/null; do
        if [ ! -f "$HANDOVER/authenticated" ] && grep '"type"[[:space:]]*:[[:space:]]*"assistant"' "$out" 2>/dev/null \
                | grep -v -e '<synthetic>' | grep -qvi -e 'not authenticated' -e 'invalid api key' -e 'please run /login'; then
            : > "$HANDOVER/authenticated"
        fi
        if [ -n "$budget" ]; then
            spent=$(grep -o '"total_cost_usd"[[:space:]]*:[[:space:]]*[0-9][0-9.]*' "$out" 2>/dev/null \
                | tail -n 1 | sed 's/.*:[[:space:]]*//')
            if [ -n "$spent" ] && awk -v s="$spent" -v b="$budget" 'BEGIN { exit !(s > b) }'; then
                printf '%s\n' "$spent" > "$HANDOVER/over-budget"
                echo "para: the agent's cost \$$spent passed its budget \$$budget; stopping it"
                kill -TERM "$running" 2>/dev/null
                exit 0
            fi
        fi
        sleep 1
    done ) &
    watcher=$!
    wait "$running"
    agent_exit=$?
    while kill -0 "$running" 2>/dev/null; do
        wait "$running"
        agent_exit=$?
    done
    wait "$streamer" 2>/dev/null
    kill "$heartbeat" 2>/dev/null
    kill "$watcher" 2>/dev/null

    result=$(grep '"type"[[:space:]]*:[[:space:]]*"result"' "$out" | tail -n 1)
    number() {
        printf '%s' "$result" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([0-9][0-9.]*\).*/\1/p" | head -n 1
    }
    cost=$(number total_cost_usd)
    turns=$(number num_turns)
    if [ -n "$stopped" ]; then
        report_agent cancelled "$agent_exit" "$cost" "$turns"
    elif [ -f "$HANDOVER/over-budget" ] \
            || printf '%s' "$result" | grep -q '"subtype"[[:space:]]*:[[:space:]]*"error_max_budget[a-z_]*"'; then
        [ -n "$cost" ] || cost=$(sed -n 's/^\([0-9][0-9.]*\)$/\1/p' "$HANDOVER/over-budget" 2>/dev/null | head -n 1)
        report_agent budget-exceeded "$agent_exit" "$cost" "$turns"
    elif [ "$agent_exit" -eq 124 ] || { [ "$agent_exit" -eq 137 ] && [ $(( $(date +%s) - started )) -ge "$limit" ]; }; then
        report_agent timed-out "$agent_exit" "$cost" "$turns"
    elif [ "$agent_exit" -ne 0 ] || printf '%s' "$result" | grep -q '"is_error"[[:space:]]*:[[:space:]]*true'; then
        if grep -qi -e 'not authenticated' -e 'invalid api key' -e 'please run /login' -e 'oauth token' "$out"; then
            report_agent unauthenticated "$agent_exit" "$cost" "$turns"
        fi
        report_agent failed "$agent_exit" "$cost" "$turns"
    fi
    report_agent succeeded 0 "$cost" "$turns"
}

# --- publish -------------------------------------------------------------------------------------

# One value of the agent's report, if it matches the pattern; nothing otherwise.
agent_value() {
    sed -n "s/^$1=\($2\)\$/\1/p" "$HANDOVER/agent" 2>/dev/null | head -n 1
}

# Waits for the agent's report. Gives up when its heartbeat stops, or soon after this container
# is told to stop (a cancel, the Job's deadline): what the agent left is pushed either way.
await_agent() {
    terminating=""
    trap 'terminating=$(date +%s)' TERM INT
    while :; do
        # A symbolic link could point publish at a file of its own: only a plain file counts.
        if [ -f "$HANDOVER/agent" ] && [ ! -L "$HANDOVER/agent" ]; then
            agent_state=$(agent_value state 'succeeded\|failed\|timed-out\|cancelled\|unauthenticated\|budget-exceeded')
            cost=$(agent_value cost '[0-9]\{1,9\}\(\.[0-9]\{1,9\}\)\{0,1\}')
            turns=$(agent_value turns '[0-9]\{1,9\}')
            agent_seconds=$(agent_value seconds '[0-9]\{1,9\}')
            [ -n "$cost" ] || cost=null
            [ -n "$turns" ] || turns=null
            [ -n "$agent_state" ] || agent_state=failed
            return
        fi
        now=$(date +%s)
        beat=$(sed -n 's/^\([0-9]\{1,12\}\)$/\1/p' "$HANDOVER/heartbeat" 2>/dev/null | head -n 1)
        if [ -n "$beat" ] && [ $(( now - beat )) -gt "${PARA_HEARTBEAT_TIMEOUT:-60}" ]; then
            agent_state=failed
            echo "para: the agent stopped without a report"
            return
        fi
        if [ -n "$terminating" ] && [ $(( now - terminating )) -gt "${PARA_STOP_WAIT:-15}" ]; then
            agent_state=cancelled
            return
        fi
        sleep 1
    done
}

# What the pushed commits change, for the comparison of instances: files, lines added and removed,
# whether tests changed, and the agent's own summary (the first paragraph of its final result; its
# words, shown quoted as untrusted text; printable ASCII only, so the report stays valid JSON).
describe_change() {
    stat=$(trusted_git diff --shortstat "$base" HEAD 2>/dev/null)
    files=$(printf '%s' "$stat" | sed -n 's/^ *\([0-9][0-9]*\) files\{0,1\} changed.*/\1/p')
    insertions=$(printf '%s' "$stat" | sed -n 's/.* \([0-9][0-9]*\) insertions\{0,1\}(+).*/\1/p')
    deletions=$(printf '%s' "$stat" | sed -n 's/.* \([0-9][0-9]*\) deletions\{0,1\}(-).*/\1/p')
    files=${files:-0}
    insertions=${insertions:-0}
    deletions=${deletions:-0}
    tests=false
    if trusted_git diff --name-only "$base" HEAD 2>/dev/null \
            | grep -Eiq '(^|/)(tests?|specs?|__tests__)/|(_test|\.test|_spec|\.spec)\.[a-z]+$|tests?\.(java|kt|cs|scala|php)$'; then
        tests=true
    fi
    if [ -f "$HANDOVER/agent.jsonl" ] && [ ! -L "$HANDOVER/agent.jsonl" ]; then
        summary=$(grep '"type"[[:space:]]*:[[:space:]]*"result"' "$HANDOVER/agent.jsonl" 2>/dev/null | tail -n 1 \
            | sed -n 's/.*"result"[[:space:]]*:[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p' \
            | sed 's/\\n\\n.*//; s/\\[nrt]/ /g; s/\\u[0-9a-fA-F]\{4\}//g; s/\\\(.\)/\1/g' \
            | tr -cd '\40-\176' | cut -c1-400)
    fi
}

publish_step() {
    require_env PARA_SESSION_ID PARA_CLONE_URL PARA_BRANCH_BASE
    [ -r "$GIT_STATE/base" ] || finish $EXIT_CONFIG "the clone step left no state"
    base=$(cat "$GIT_STATE/base")
    await_agent
    trap '' TERM INT

    case "$agent_state" in
        succeeded) code=0; outcome="" ;;
        unauthenticated) finish $EXIT_AGENT_AUTH "the agent is not authenticated" ;;
        timed-out) code=$EXIT_TIMED_OUT; outcome="the agent reached its time limit" ;;
        cancelled) code=$EXIT_CANCELLED; outcome="the agent was stopped" ;;
        budget-exceeded) code=$EXIT_BUDGET; outcome="the agent passed its budget" ;;
        *) code=$EXIT_AGENT; outcome="the agent failed" ;;
    esac

    # The work tree as the agent left it, entered once: a link put in its place later is not
    # followed, and one there now is refused (it could point at this container's own files).
    if [ ! -d "$REPO" ] || [ -L "$REPO" ]; then
        finish $EXIT_GIT "${outcome:+$outcome; }the work tree is gone"
    fi
    cd -P "$REPO" || finish $EXIT_GIT "${outcome:+$outcome; }the work tree is gone"
    export GIT_DIR="$GIT_STATE/repo.git" GIT_WORK_TREE=.

    # Repositories the agent made inside the work tree are left out: git would record only a
    # commit id of each (or fail on an empty one), and none of their files.
    mkdir -p "$GIT_DIR/info"
    find . -path ./.git -prune -o -name .git -print | while IFS= read -r nested; do
        nested=${nested#./}
        nested=${nested%/.git}
        echo "para: left out the nested repository $nested"
        printf '/%s/\n' "$(printf '%s' "$nested" | sed 's/[][*?\\!#]/\\&/g')" >> "$GIT_DIR/info/exclude"
    done
    trusted_git add --all . || finish $EXIT_GIT "${outcome:+$outcome; }git add failed"
    if ! trusted_git diff --cached --quiet; then
        message="para: session ${PARA_SESSION_SLUG:-$PARA_SESSION_ID}, instance $index"
        [ -n "$outcome" ] && message="WIP: $message ($outcome)"
        trusted_git commit --quiet --no-verify -m "$message" || finish $EXIT_GIT "${outcome:+$outcome; }git commit failed"
    fi
    head=$(trusted_git rev-parse HEAD)
    if [ "$head" = "$base" ]; then
        # An agent that "succeeds" at once without a turn or a change did not run at all (a dead
        # model, a wrong command): a failure, not a success with nothing to show.
        if [ "$code" -eq 0 ] && { [ "$turns" = null ] || [ "$turns" -eq 0 ]; } \
                && [ -n "${agent_seconds:-}" ] && [ "$agent_seconds" -lt 10 ]; then
            finish $EXIT_AGENT "the agent did nothing: no turn and no change in ${agent_seconds}s"
        fi
        finish "$code" "${outcome:-nothing to change}${outcome:+; it changed nothing}"
    fi
    [ -n "$outcome" ] && wip=true
    describe_change
    helper="$GIT_STATE/git-credential"
    trusted_git -c credential.helper="$helper" push --quiet "$PARA_CLONE_URL" "HEAD:refs/heads/$branch" \
        || finish $EXIT_GIT "${outcome:+$outcome; }git push of $branch failed"
    pushed=true
    finish "$code" "${outcome:+$outcome; its work is }pushed${outcome:+ as WIP} to $branch"
}

case "${1:-}" in
    clone) clone_step ;;
    agent) agent_step ;;
    publish) publish_step ;;
    ready) [ -f "$HANDOVER/authenticated" ] ;;
    *) finish $EXIT_CONFIG "unknown step '${1:-}': clone, agent, publish or ready" ;;
esac
