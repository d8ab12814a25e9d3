#!/usr/bin/env bash
# Two replicas of the mock on one redis-server: the local recipe of docs/replicas.md, run as it is
# by test/docs-replicas-recipe.test.ts. Needs redis-server, redis-cli and curl, and the mock's bin
# (createchat-mock) on PATH; the ports may come from the environment.
set -euo pipefail
REDIS_PORT="${REDIS_PORT:-6390}"
A_PORT="${A_PORT:-4011}"
B_PORT="${B_PORT:-4012}"
pids=()
# Whatever happens, every process this script started is stopped by its PID.
trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT
# Tries a command up to 100 times, a tenth of a second apart.
retry() { for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

# 1. A Redis of its own, persistence off: a mock's state is worth nothing after the run.
redis-server --port "$REDIS_PORT" --save '' --appendonly no --loglevel warning >/dev/null &
pids+=($!)
retry redis-cli -p "$REDIS_PORT" ping

# 2. Two mocks on it: the same store URL, the same prefix, the same options.
STORE="redis://127.0.0.1:$REDIS_PORT/0"
createchat-mock --store "$STORE" --store-prefix demo --port "$A_PORT" --log json >/dev/null &
pids+=($!)
createchat-mock --store "$STORE" --store-prefix demo --port "$B_PORT" --log json >/dev/null &
pids+=($!)
retry curl -sf "http://127.0.0.1:$A_PORT/__mock/health"
retry curl -sf "http://127.0.0.1:$B_PORT/__mock/health"

# 3. The same chat whichever replica is asked, and one quota between them.
chat() { curl -s -X POST "http://127.0.0.1:$1/v2/businesses/1001/chats/new" -H 'Api-Key: demo-all-methods' -H 'Content-Type: application/json' -d '{"context":{"type":"ORDER","id":11001}}'; echo; }
chat "$A_PORT"
chat "$B_PORT"
curl -s "http://127.0.0.1:$B_PORT/__mock/state" | grep -o '"used":[0-9]*' | head -1

# 4. A message sent through B is in the chat's history through A.
curl -s -X POST "http://127.0.0.1:$B_PORT/v2/businesses/1001/chats/message?chatId=1" -H 'Api-Key: demo-all-methods' -H 'Content-Type: application/json' -d '{"message":"Hello from B"}' >/dev/null
curl -s -X POST "http://127.0.0.1:$A_PORT/v2/businesses/1001/chats/history?chatId=1" -H 'Api-Key: demo-all-methods' -H 'Content-Type: application/json' -d '{}' | grep -o '"message":"[^"]*"'

# 5. The clock moved through one replica has moved for both.
curl -s -X POST "http://127.0.0.1:$A_PORT/__mock/clock" -H 'Content-Type: application/json' -d '{"now":"2030-01-01T00:00:00Z"}' >/dev/null
curl -s "http://127.0.0.1:$B_PORT/__mock/state" | grep -o '"now":"2030-01-01T00:00'
