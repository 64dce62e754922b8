#!/bin/sh
# Every greeting is said, and English first.
cd "$(dirname "$0")/.." || exit 1
out=$(./hello.sh)
[ "$(printf '%s\n' "$out" | head -n 1)" = "Hello, world!" ] || { echo "English comes first"; exit 1; }
[ "$(printf '%s\n' "$out" | wc -l)" -eq "$(grep -c . greetings.txt)" ] || { echo "a greeting is missing"; exit 1; }
echo ok
