#!/bin/sh
# para-dispatch session entrypoint: the pod contract of DESIGN §5, in POSIX sh and git only.
#
# Inputs (env): PARA_SESSION_ID, PARA_SESSION_SLUG, PARA_CLONE_URL, PARA_SOURCE_BRANCH,
# PARA_BRANCH_BASE, PARA_INSTANCES, PARA_GIT_NAME, PARA_GIT_EMAIL, PARA_AGENT_COMMAND,
# PARA_MAX_TURNS, JOB_COMPLETION_INDEX (set by Kubernetes for Indexed Jobs).
# Files (the session Secret, mounted without subPath so a refreshed token arrives):
# $PARA_SESSION_DIR/token, $PARA_SESSION_DIR/prompt, and optionally anthropic-api-key or
# claude-oauth-token.
#
# Exit codes, mapped to reasons by the service: 0 ok (pushed, or nothing to change),
# 2 bad configuration, 3 agent not authenticated, 4 agent failed, 5 git failed.
set -u

EXIT_CONFIG=2
EXIT_AGENT_AUTH=3
EXIT_AGENT=4
EXIT_GIT=5

SESSION_DIR=${PARA_SESSION_DIR:-/var/run/para/session}
WORKSPACE=${PARA_WORKSPACE:-/workspace}
TERMINATION_LOG=${PARA_TERMINATION_LOG:-/dev/termination-log}
TOKEN_FILE="$SESSION_DIR/token"
PROMPT_FILE="$SESSION_DIR/prompt"

index=$(( ${JOB_COMPLETION_INDEX:-0} + 1 ))
if [ "${PARA_INSTANCES:-1}" -gt 1 ]; then
    branch="${PARA_BRANCH_BASE:-}-$index"
else
    branch="${PARA_BRANCH_BASE:-}"
fi
head=""
pushed=false
cost=null
turns=null

json_escape() {
    printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g'
}

# Writes the termination message (JSON, at most 4 KiB) and exits with the given code.
finish() {
    printf '{"branch":"%s","head":"%s","pushed":%s,"cost":%s,"turns":%s,"reason":"%s"}' \
        "$(json_escape "$branch")" "$head" "$pushed" "$cost" "$turns" "$(json_escape "$2")" \
        | head -c 4096 > "$TERMINATION_LOG" 2>/dev/null || true
    echo "para: $2"
    exit "$1"
}

for name in PARA_SESSION_ID PARA_CLONE_URL PARA_SOURCE_BRANCH PARA_BRANCH_BASE; do
    eval "value=\${$name:-}"
    [ -n "$value" ] || finish $EXIT_CONFIG "$name is not set"
done
[ -r "$TOKEN_FILE" ] || finish $EXIT_CONFIG "the token file is missing"
[ -r "$PROMPT_FILE" ] || finish $EXIT_CONFIG "the prompt file is missing"
command -v git > /dev/null 2>&1 || finish $EXIT_CONFIG "git is not installed in the image"
agent=${PARA_AGENT_COMMAND:-claude}
command -v "$agent" > /dev/null 2>&1 || finish $EXIT_CONFIG "the agent command '$agent' is not installed in the image"

# Git reads the token through this helper on every call, so a token the service rotates during a
# long run is used by the next push. The token never enters the remote URL or .git/config, and the
# helper is named only on the clone and the push: the agent's own git calls get no credential.
para_dir="$WORKSPACE/.para"
mkdir -p "$para_dir" || finish $EXIT_CONFIG "the workspace is not writable"
helper="$para_dir/git-credential"
cat > "$helper" <<HELPER
#!/bin/sh
[ "\$1" = get ] || exit 0
printf 'username=x-access-token\npassword=%s\n' "\$(cat '$TOKEN_FILE')"
HELPER
chmod 700 "$helper"
export GIT_CONFIG_GLOBAL="$para_dir/gitconfig"
export GIT_TERMINAL_PROMPT=0
git config --global user.name "${PARA_GIT_NAME:-para-dispatch}"
git config --global user.email "${PARA_GIT_EMAIL:-para-dispatch@users.noreply.github.com}"

repo="$WORKSPACE/repo"
git -c credential.helper="$helper" clone --quiet --single-branch --branch "$PARA_SOURCE_BRANCH" "$PARA_CLONE_URL" "$repo" \
    || finish $EXIT_GIT "git clone of $PARA_SOURCE_BRANCH failed"
cd "$repo" || finish $EXIT_GIT "the clone is missing"
base=$(git rev-parse HEAD)
git checkout --quiet -b "$branch" || finish $EXIT_GIT "could not create branch $branch"

# Agent credentials given by the service arrive as files, never as pod env values.
if [ -r "$SESSION_DIR/anthropic-api-key" ]; then
    ANTHROPIC_API_KEY=$(cat "$SESSION_DIR/anthropic-api-key"); export ANTHROPIC_API_KEY
fi
if [ -r "$SESSION_DIR/claude-oauth-token" ]; then
    CLAUDE_CODE_OAUTH_TOKEN=$(cat "$SESSION_DIR/claude-oauth-token"); export CLAUDE_CODE_OAUTH_TOKEN
fi

# Before anything is spent: an agent with no credential at all is a distinct failure, not a green
# empty run. Credentials are an API key or OAuth token given as a file, or a login baked into the
# image (Claude Code keeps it in ~/.claude/.credentials.json). PARA_AGENT_AUTH_CHECK=none skips
# this for agents that authenticate otherwise.
if [ "${PARA_AGENT_AUTH_CHECK:-claude}" = claude ] && [ -z "${ANTHROPIC_API_KEY:-}" ] \
        && [ -z "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] && [ ! -s "${HOME:-/nonexistent}/.claude/.credentials.json" ]; then
    finish $EXIT_AGENT_AUTH "the agent is not authenticated: no API key, OAuth token or baked-in login"
fi

out="$para_dir/agent.json"
err="$para_dir/agent.err"
set -- -p --output-format json
[ -n "${PARA_MAX_TURNS:-}" ] && set -- "$@" --max-turns "$PARA_MAX_TURNS"
"$agent" "$@" < "$PROMPT_FILE" > "$out" 2> "$err"
agent_exit=$?
cat "$err" >&2
number() {
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([0-9.][0-9.]*\).*/\1/p" "$out" | head -n 1
}
value=$(number total_cost_usd); [ -n "$value" ] && cost=$value
value=$(number num_turns); [ -n "$value" ] && turns=$value
if [ $agent_exit -ne 0 ] || grep -q '"is_error"[[:space:]]*:[[:space:]]*true' "$out"; then
    if grep -qi -e 'not authenticated' -e 'invalid api key' -e 'please run /login' -e 'oauth token' "$out" "$err"; then
        finish $EXIT_AGENT_AUTH "the agent is not authenticated"
    fi
    finish $EXIT_AGENT "the agent failed (exit $agent_exit)"
fi

git add -A || finish $EXIT_GIT "git add failed"
if ! git diff --cached --quiet; then
    git commit --quiet -m "para: session ${PARA_SESSION_SLUG:-$PARA_SESSION_ID}, instance $index" \
        || finish $EXIT_GIT "git commit failed"
fi
head=$(git rev-parse HEAD)
if [ "$head" = "$base" ]; then
    finish 0 "nothing to change"
fi
git -c credential.helper="$helper" push --quiet origin "HEAD:refs/heads/$branch" || finish $EXIT_GIT "git push of $branch failed"
pushed=true
finish 0 "pushed $branch"
