#!/usr/bin/env bash
# Writes bench/results/webhook.lua: a wrk script that posts real GitHub example payloads, each
# signed with the webhook secret as GitHub signs it, with a fresh X-GitHub-Delivery per request.
#   bench/webhook-payloads.sh SECRET            # settled at intake: comments not for @para, pushes, pings
#   bench/webhook-payloads.sh SECRET processed  # processed: installation and installation_repositories
#                                               # events of 200 installations, as an App's burst of installs
set -euo pipefail
cd "$(dirname "$0")/.."
secret="$1"
mode="${2:-settled}"
out=bench/results/webhook.lua
mkdir -p bench/results
{
  echo 'local bodies, signatures, events = {}, {}, {}'
  if [ "$mode" = processed ]; then
    python3 - "$secret" <<'PY'
import hashlib, hmac, json, sys
secret = sys.argv[1].encode()
examples = "src/test/resources/github/webhooks/"
specs = [("installation", "installation.created"), ("installation_repositories", "installation_repositories.added"),
         ("installation_repositories", "installation_repositories.removed"), ("installation", "installation.new_permissions_accepted")]
i = 0
for installation in range(1, 201):
    for event, name in specs:
        payload = json.load(open(examples + name + ".json"))
        payload["installation"]["id"] = 900000000 + installation
        body = json.dumps(payload, separators=(",", ":"))
        sig = hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        i += 1
        print('bodies[%d] = [==[%s]==]\nsignatures[%d] = "sha256=%s"\nevents[%d] = "%s"' % (i, body, i, sig, i, event))
PY
  else
    i=0
    for spec in issue_comment:issue_comment.created push:push ping:ping issue_comment:issue_comment.edited; do
      event=${spec%%:*}; file=src/test/resources/github/webhooks/${spec#*:}.json
      i=$((i+1))
      # compact, as GitHub sends it
      body=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",",":")), end="")' "$file")
      sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
      printf 'bodies[%d] = [==[%s]==]\nsignatures[%d] = "sha256=%s"\nevents[%d] = "%s"\n' "$i" "$body" "$i" "$sig" "$i" "$event"
    done
  fi
  cat <<'LUA'
local n = #bodies
local counter = 0
local threads = {}
next_id = 0

-- runs in the main state once per thread; "id" becomes a global of that thread's own state
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  prefix = string.format("%08x-%04x-4%03x", math.random(0, 0x7fffffff), id, math.random(0, 0xfff))
end

function request()
  counter = counter + 1
  local k = (counter % n) + 1
  local delivery = string.format("%s-%012d", prefix, counter)
  return wrk.format("POST", "/github/webhook", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = events[k],
    ["X-GitHub-Delivery"] = delivery,
    ["X-Hub-Signature-256"] = signatures[k],
    ["User-Agent"] = "GitHub-Hookshot/bench",
  }, bodies[k])
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d errors(connect=%d read=%d write=%d status=%d timeout=%d)\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("throughput=%.0f req/s\n", summary.requests / (summary.duration / 1e6)))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s=%.2f ms\n", p, latency:percentile(p) / 1000))
  end
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, count in pairs(s) do total[code] = (total[code] or 0) + count end
  end
  for code, count in pairs(total) do io.write(string.format("status %s: %d\n", code, count)) end
end
LUA
} > "$out"
echo "$out"
