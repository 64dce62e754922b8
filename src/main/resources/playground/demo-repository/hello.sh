#!/bin/sh
# Greets the world once per line of greetings.txt.
cd "$(dirname "$0")" || exit 1
while IFS= read -r greeting; do
    [ -n "$greeting" ] && printf '%s, world!\n' "$greeting"
done < greetings.txt
