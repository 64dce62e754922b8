#!/bin/sh
# A stand-in for Claude Code in print mode: reads the prompt on stdin, acts as FAKE_AGENT_MODE
# says, and prints a result shaped like `claude -p --output-format json`.
prompt=$(cat)
case "${FAKE_AGENT_MODE:-edit}" in
  edit)
    printf '%s\n' "$prompt" > CHANGES.md
    ;;
  rotate)
    printf '%s\n' "$prompt" > CHANGES.md
    # The service rotates the token while the agent works: the next git call must use the new one.
    printf '%s' "$FAKE_NEW_TOKEN" > "$PARA_SESSION_DIR/token.next" && mv "$PARA_SESSION_DIR/token.next" "$PARA_SESSION_DIR/token"
    sleep 1
    ;;
  nothing)
    ;;
  snoop)
    # An agent after the push credential: git's credential chain, and a push of its own.
    { printf 'url=%s\n\n' "$(git remote get-url origin)" | git credential fill; } > SNOOP.md 2>&1 \
        || echo "no credential" >> SNOOP.md
    git push origin HEAD:refs/heads/agent-own-branch >> SNOOP.md 2>&1 || echo "push refused" >> SNOOP.md
    ;;
  unauthenticated)
    echo '{"type":"result","subtype":"error","is_error":true,"result":"Invalid API key · Please run /login","num_turns":0,"total_cost_usd":0}'
    exit 1
    ;;
esac
echo '{"type":"result","subtype":"success","is_error":false,"result":"done","num_turns":3,"total_cost_usd":0.12}'
