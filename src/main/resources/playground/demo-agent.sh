#!/bin/sh
# para-dispatch playground: the DEMO AGENT. It is a stand-in, not an AI and not Claude Code: it
# reads the prompt, makes a small seeded change (instance n adds the n-th greeting of its list to
# greetings.txt; even instances also extend the test) and prints stream-json events shaped like
# Claude Code's (`claude -p --output-format stream-json --verbose`), so that a session can be seen
# end to end without an Anthropic account. It costs nothing.
prompt=$(cat)
n=$(( ${JOB_COMPLETION_INDEX:-0} + 1 ))
greeting=$(printf 'Bonjour\nHola\nHallo\nCiao\nOla\nHej\nNamaste\nSalaam\nKonnichiwa\nAhoj\n' | sed -n "${n}p")
[ -n "$greeting" ] || greeting="Hello again"
started=$(date +%s%3N)
event() {
    printf '%s\n' "$1"
}
event "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"demo-$n-$started\",\"model\":\"para-demo-agent\",\"tools\":[\"Read\",\"Edit\"]}"
sleep 1
event "{\"type\":\"assistant\",\"message\":{\"id\":\"demo-$n-1\",\"model\":\"para-demo-agent\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"I am the playground's demo agent, not Claude Code. I was asked: $(printf '%s' "$prompt" | head -n 1 | tr -cd 'A-Za-z0-9 .,:?!-' | cut -c1-80). I will add \\\"$greeting\\\" to greetings.txt.\"}],\"usage\":{\"input_tokens\":0,\"output_tokens\":24}}}"
sleep 1
printf '%s\n' "$greeting" >> greetings.txt
event "{\"type\":\"assistant\",\"message\":{\"id\":\"demo-$n-2\",\"model\":\"para-demo-agent\",\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"edit-$n\",\"name\":\"Edit\",\"input\":{\"file_path\":\"greetings.txt\"}}],\"usage\":{\"input_tokens\":0,\"output_tokens\":12}}}"
summary="Added \\\"$greeting\\\" to greetings.txt."
turns=2
if [ $((n % 2)) -eq 0 ]; then
    # shellcheck disable=SC2016 # the test's own command substitution, written as it is
    printf '[ "$(./hello.sh | grep -c "%s, world!")" -eq 1 ] || { echo "%s is missing"; exit 1; }\n' "$greeting" "$greeting" \
        >> test/hello_test.sh
    event "{\"type\":\"assistant\",\"message\":{\"id\":\"demo-$n-3\",\"model\":\"para-demo-agent\",\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"test-$n\",\"name\":\"Edit\",\"input\":{\"file_path\":\"test/hello_test.sh\"}}],\"usage\":{\"input_tokens\":0,\"output_tokens\":16}}}"
    summary="Added \\\"$greeting\\\" to greetings.txt and a test that checks it."
    turns=3
fi
sleep 1
event "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":$(( $(date +%s%3N) - started )),\"num_turns\":$turns,\"result\":\"$summary\",\"total_cost_usd\":0}"
