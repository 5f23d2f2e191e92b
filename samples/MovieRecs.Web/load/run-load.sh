#!/usr/bin/env bash
# Load test of the sample service on loopback with wrk (Debian package wrk): GET /users/{id}/recommendations for
# random users of a model trained on the synthetic ml-1m preset, at 16 and 64 connections, then at 64 connections
# while the model file is replaced every two seconds (every fourth replacement a damaged file, which must be
# rejected). Bounded: three 20 s runs plus a warm-up, about 2 minutes with data generation and training.
#
#   samples/MovieRecs.Web/load/run-load.sh [work-folder]      (default: a temporary folder, deleted at the end)
#
# Environment: DURATION (seconds per run, default 20), PORT (default 5080), THREADS (wrk threads, default 2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
duration="${DURATION:-20}"
port="${PORT:-5080}"
threads="${THREADS:-2}"
url="http://127.0.0.1:$port"
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }

if [ $# -ge 1 ]; then work="$1"; mkdir -p "$work"; keep=1; else work="$(mktemp -d)"; keep=0; fi
server=""
swapper=""
cleanup() {
  [ -n "$swapper" ] && kill "$swapper" 2> /dev/null || true
  [ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server" 2> /dev/null || true
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
dotnet build "$repo/samples/MovieRecs.Web/MovieRecs.Web.csproj" -c Release -v q -nologo > /dev/null
dotnet build "$repo/samples/MovieRecs.Cli/MovieRecs.Cli.csproj" -c Release -v q -nologo > /dev/null
cli=(dotnet "$repo/samples/MovieRecs.Cli/bin/Release/net10.0/MovieRecs.Cli.dll")

if [ ! -f "$work/model-a.mrals" ]; then
  echo "== synthetic ml-1m and two models (100 factors, 15 iterations)"
  "${cli[@]}" generate --preset ml-1m --out "$work/data"
  "${cli[@]}" train "$work/data" --out "$work/model-a.mrals" --seed 1 | tail -n 2
  "${cli[@]}" train "$work/data" --out "$work/model-b.mrals" --seed 2 | tail -n 1
fi
# The users with a rating >= 3 (the model's users), for the requests.
awk -F'::' '$3 >= 3 { print $1 }' "$work/data/ratings.dat" | sort -un > "$work/users.txt"
head -c 100000 "$work/model-b.mrals" > "$work/model-damaged.mrals"
cp "$work/model-a.mrals" "$work/model.mrals"

echo "== start the service on $url"
(cd "$repo/samples/MovieRecs.Web" && exec dotnet bin/Release/net10.0/MovieRecs.Web.dll \
  --model "$work/model.mrals" --data "$work/data" --urls "$url" \
  --Logging:LogLevel:Default=Warning --MovieRecs:ReloadDelayMilliseconds=200 --MovieRecs:RetryDelayMilliseconds=1000) > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  kill -0 "$server" 2> /dev/null || { echo "the service did not start:"; cat "$work/server.log"; exit 1; }
  curl -fs "$url/health" > /dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$url/health" | grep -qF "\"path\":\"$work/model.mrals\"" \
  || { echo "$url answers, but not with $work/model.mrals (is another server on port $port?)"; exit 1; }

run() { # name connections seconds
  echo "-- $1: $2 connections, $3 s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  wrk -t"$threads" -c"$2" -d"$3s" --timeout 2s -s "$here/recommendations.lua" "$url" -- "$work/users.txt" | tee "$work/$1.txt" | grep RESULT
}

swap_every_2s() { # a, b, a, damaged, b, a, b, damaged, ...
  local i=0
  while true; do
    sleep 2
    i=$((i + 1))
    if [ $((i % 4)) = 0 ]; then source="$work/model-damaged.mrals"; elif [ $((i % 2)) = 0 ]; then source="$work/model-a.mrals"; else source="$work/model-b.mrals"; fi
    cp "$source" "$work/model.mrals.new" && mv -f "$work/model.mrals.new" "$work/model.mrals"
  done
}

echo "== warm-up"
wrk -t"$threads" -c16 -d5s -s "$here/recommendations.lua" "$url" -- "$work/users.txt" > /dev/null
echo "== runs"
run c16 16 "$duration"
run c64 64 "$duration"
before=$(curl -fs "$url/health")
swap_every_2s &
swapper=$!
run c64-swaps 64 "$duration"
kill "$swapper"; wait "$swapper" 2> /dev/null || true; swapper=""
sleep 1
after=$(curl -fs "$url/health")
echo "health before the swaps: $before"
echo "health after the swaps:  $after"
