#!/bin/sh
# A stand-in for Claude Code in print mode with streaming output (`claude -p --output-format
# stream-json --verbose`): reads the prompt on stdin, acts as FAKE_AGENT_MODE says, and prints
# events shaped like Claude Code's, the result last. The hostile modes try to get the push
# credential or to run their own code in the publish step; FAKE_MARKER is the file such code would
# write, FAKE_OTHER_REMOTE a second git server that counts the credentials it is offered.
prompt=$(cat)
# The arguments it was given, for tests of what the entrypoint passes.
[ -n "${FAKE_ARGS_FILE:-}" ] && printf '%s\n' "$@" > "$FAKE_ARGS_FILE"
budget_flag=""
while [ $# -gt 0 ]; do
    [ "$1" = --max-budget-usd ] && budget_flag=${2:-}
    shift
done
# A prompt that starts with "fake-agent: <mode>" chooses the mode (the local runtime's tests).
case "$prompt" in
    "fake-agent: "*) FAKE_AGENT_MODE=$(printf '%s\n' "$prompt" | head -n 1 | cut -d' ' -f2) ;;
esac
event() {
    printf '%s\n' "$1"
}
result() {
    event '{"type":"result","subtype":"success","is_error":false,"result":"done","num_turns":3,"total_cost_usd":0.12}'
}
# Slow mode takes its time before its first event too; each first event says when it was written.
[ "${FAKE_AGENT_MODE:-edit}" = slow ] && sleep "${FAKE_SLOW_SECONDS:-3}"
event "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"fake\",\"written_at_ms\":$(date +%s%3N)}"
case "${FAKE_AGENT_MODE:-edit}" in
  edit)
    printf '%s\n' "$prompt" > CHANGES.md
    ;;
  slow)
    event '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","name":"Edit","input":{}}],"usage":{"output_tokens":12}}}'
    sleep "${FAKE_SLOW_SECONDS:-3}"
    printf '%s\n' "$prompt" > CHANGES.md
    event '{"type":"assistant","message":{"id":"m2","content":[{"type":"tool_use","name":"Bash","input":{}}],"usage":{"output_tokens":30}}}'
    sleep "${FAKE_SLOW_SECONDS:-3}"
    ;;
  sleep)
    # Works, then never finishes: the time limit stops it.
    printf '%s\n' "$prompt" > CHANGES.md
    sleep 600 &
    wait
    ;;
  fail)
    printf '%s\n' "$prompt" > CHANGES.md
    event '{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":2,"total_cost_usd":0.05}'
    exit 1
    ;;
  nothing)
    ;;
  tested)
    # Changes the code and its test, and sums up what it did (with a second paragraph and a quote).
    printf '%s\n' "$prompt" > CHANGES.md
    mkdir -p src/test && printf 'test\n' > src/test/ChangesTest.java
    event '{"type":"result","subtype":"success","is_error":false,"result":"Fixed the \"typo\" in CHANGES.md and added a test.\n\nDetails follow.","num_turns":5,"total_cost_usd":0.31}'
    exit 0
    ;;
  varied)
    # Best-of-N: each instance (JOB_COMPLETION_INDEX) changes a different amount, costs another
    # sum and sums it up in its own words; the second one also changes a test.
    n=$(( ${JOB_COMPLETION_INDEX:-0} + 1 ))
    i=1
    while [ "$i" -le "$n" ]; do printf 'change %s\n' "$i" > "CHANGE-$i.md"; i=$((i + 1)); done
    [ "$n" -eq 2 ] && mkdir -p test && printf 'checked\n' > test/change_test.sh
    event "{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"content\":[{\"type\":\"text\",\"text\":\"Working on it\"}]}}"
    event "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"Instance $n wrote $n file(s).\",\"num_turns\":$((n + 1)),\"total_cost_usd\":0.$n}"
    exit 0
    ;;
  idle)
    # Exits at once, well, having done nothing at all: no turn, no result, no change.
    exit 0
    ;;
  spend)
    # Reports its cost as it goes and never stops by itself (an agent with no budget flag).
    printf '%s\n' "$prompt" > CHANGES.md
    i=1
    while [ "$i" -le 60 ]; do
        event "{\"type\":\"assistant\",\"message\":{\"id\":\"m$i\",\"content\":[{\"type\":\"tool_use\",\"name\":\"Edit\"}]},\"total_cost_usd\":0.0$i}"
        i=$((i + 1))
        sleep 1
    done
    ;;
  overspend)
    # Honours --max-budget-usd as Claude Code does: stops with its own budget error.
    printf '%s\n' "$prompt" > CHANGES.md
    if [ -n "$budget_flag" ]; then
        event "{\"type\":\"result\",\"subtype\":\"error_max_budget_usd\",\"is_error\":true,\"num_turns\":4,\"total_cost_usd\":$budget_flag}"
        exit 1
    fi
    ;;
  snoop)
    # After the push credential: git's credential chain, and a push of its own.
    { printf 'url=%s\n\n' "$(git remote get-url origin)" | git credential fill; } > SNOOP.md 2>&1 \
        || echo "no credential" >> SNOOP.md
    git push origin HEAD:refs/heads/agent-own-branch >> SNOOP.md 2>&1 || echo "push refused" >> SNOOP.md
    env >> SNOOP.md
    ;;
  hook)
    printf '%s\n' "$prompt" > CHANGES.md
    for hook in pre-commit commit-msg pre-push post-commit reference-transaction; do
        printf '#!/bin/sh\necho %s >> "%s"\n' "$hook" "$FAKE_MARKER" > ".git/hooks/$hook"
        chmod +x ".git/hooks/$hook"
    done
    git config core.hooksPath "$(pwd)/.git/hooks"
    ;;
  fsmonitor)
    printf '%s\n' "$prompt" > CHANGES.md
    printf '#!/bin/sh\necho fsmonitor >> "%s"\n' "$FAKE_MARKER" > .git/fsmonitor.sh
    chmod +x .git/fsmonitor.sh
    git config core.fsmonitor "$(pwd)/.git/fsmonitor.sh"
    mkdir -p nested && git -C nested init -q && git -C nested config core.fsmonitor "$(pwd)/.git/fsmonitor.sh"
    ;;
  insteadof)
    printf '%s\n' "$prompt" > CHANGES.md
    git config "url.$FAKE_OTHER_REMOTE.insteadOf" "$(git remote get-url origin)"
    mkdir -p "$HOME" && git config --global "url.$FAKE_OTHER_REMOTE.insteadOf" "$(git remote get-url origin)"
    ;;
  remote)
    printf '%s\n' "$prompt" > CHANGES.md
    git remote set-url origin "$FAKE_OTHER_REMOTE"
    git remote set-url --push origin "$FAKE_OTHER_REMOTE"
    ;;
  link)
    # Puts a link to the token where the work tree was, hoping publish commits what it points at.
    cd .. && mv repo repo.moved && ln -s "$(dirname "${FAKE_TOKEN_FILE:-/var/run/para/github/token}")" repo
    ;;
  leak)
    printf '%s\n' "$prompt" > CHANGES.md
    event "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"my key is $ANTHROPIC_API_KEY\"}]}}"
    ;;
  unauthenticated)
    # As Claude Code says it: a synthetic assistant message (no model was reached), then the result.
    event '{"type":"assistant","message":{"id":"s1","model":"<synthetic>","role":"assistant","content":[{"type":"text","text":"Invalid API key · Please run /login"}],"usage":{"input_tokens":0,"output_tokens":0}}}'
    sleep "${FAKE_REFUSED_SECONDS:-0}"
    event '{"type":"result","subtype":"error","is_error":true,"result":"Invalid API key · Please run /login","num_turns":0,"total_cost_usd":0}'
    exit 1
    ;;
esac
result
