#!/usr/bin/env bash
# Coverage-guided fuzzing of the MovieRecs file readers and model loaders: afl-fuzz (AFL++) drives the harness in
# this folder through SharpFuzz, which instruments MovieRecs.dll so that AFL sees which branches an input reaches.
#
# Setup, once per machine (Debian):
#   apt-get install -y afl++
#   dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
#
# Run:
#   tests/MovieRecs.Fuzz/fuzz.sh [SECONDS] [TARGET...]    fuzz each target for SECONDS (default 180), one at a time
#   tests/MovieRecs.Fuzz/fuzz.sh --replay [TARGET...]     replay the committed corpus only (no AFL, no instrumentation)
#
#   TARGET is one of: ratings movies users tags links npy npz implicit model knn bpr lmf (default: all of them).
#   FUZZ_WORK=DIR puts the build and the findings in DIR (default: artifacts/fuzz at the repository root, ignored
#   by git); each run starts afresh from the seeds in tests/MovieRecs.Fuzz/corpus/TARGET.
#
# What counts as a crash: the harness catches only the exceptions each API documents (InvalidDataException naming
# the file and the line for text files, ModelFileException naming the file for model and numpy files); any other
# exception, a disagreement between two ways of reading the same bytes, an allocation beyond the 512 MiB heap limit
# set below (OutOfMemoryException) or a hang of more than 5 s is reported by afl-fuzz. At the end the script prints, per target: seconds fuzzed, inputs executed, corpus size
# (AFL's queue), crashes and hangs, and replays each crashing input to show its exception. Crashing inputs are in
# $FUZZ_WORK/findings/TARGET/default/crashes; replay one with
#   dotnet $FUZZ_WORK/bin/MovieRecs.Fuzz.dll TARGET -v FILE
# and, once fixed, copy it into tests/MovieRecs.Fuzz/corpus/TARGET as a regression seed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${FUZZ_WORK:-$root/artifacts/fuzz}"
all_targets=(ratings movies users tags links npy npz implicit model knn bpr lmf)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

replay=false
seconds=180
if [[ "${1:-}" == "--replay" ]]; then
  replay=true
  shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=("${all_targets[@]}")
fi

for target in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " == *" $target "* ]]; then
    echo "unknown target '$target'; targets: ${all_targets[*]}" >&2
    exit 2
  fi
done

rm -rf "$work/bin" "$work/bin-afl"
mkdir -p "$work/findings"
dotnet publish "$here/MovieRecs.Fuzz.csproj" -c Release -o "$work/bin" --nologo -v quiet
# Replays run the plain build: the instrumented one writes coverage to memory that only afl-fuzz sets up.
harness=("dotnet" "$work/bin/MovieRecs.Fuzz.dll")

if $replay; then
  status=0
  for target in "${targets[@]}"; do
    "${harness[@]}" "$target" "$here/corpus/$target" || status=1
  done
  exit "$status"
fi

command -v afl-fuzz > /dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 2; }
sharpfuzz="$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")"
[[ -x "$sharpfuzz" ]] || { echo "sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2; exit 2; }
cp -r "$work/bin" "$work/bin-afl"
"$sharpfuzz" "$work/bin-afl/MovieRecs.dll"

# The target is 'dotnet', not an AFL-compiled binary; there is no UI without a terminal; the 2 cores are shared, so
# afl-fuzz binds to none. The GC heap limit turns a reader that allocates from a header's claims into a crash.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export DOTNET_GCHeapHardLimit=0x20000000

summary=()
for target in "${targets[@]}"; do
  out="$work/findings/$target"
  rm -rf "$out"
  case "$target" in
    ratings | npy) dictionary="$target" ;;
    movies | users | tags | links) dictionary=text ;;
    *) dictionary=zip ;;
  esac

  echo "== $target: fuzzing for $seconds s (log: $out.log)"
  afl-fuzz -i "$here/corpus/$target" -o "$out" -V "$seconds" -t 5000 -m none -x "$here/dictionaries/$dictionary.dict" \
    -- dotnet "$work/bin-afl/MovieRecs.Fuzz.dll" "$target" > "$out.log" 2>&1 || { echo "afl-fuzz failed on $target; see $out.log" >&2; tail -20 "$out.log" >&2; exit 1; }

  stats="$out/default/fuzzer_stats"
  value() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
  line=$(printf '%-9s %6s s %12s execs %8s execs/s %6s corpus %4s crashes %4s hangs' \
    "$target" "$(value run_time)" "$(value execs_done)" "$(value execs_per_sec)" "$(value corpus_count)" \
    "$(value saved_crashes)" "$(value saved_hangs)")
  summary+=("$line")
  echo "$line"

  for crash in "$out"/default/crashes/id:*; do
    [[ -e "$crash" ]] || continue
    echo "-- $crash"
    "${harness[@]}" "$target" "$crash" 2>&1 | head -8 || true
  done
done

echo
echo "target      time        executions     speed   corpus   crashes  hangs"
printf '%s\n' "${summary[@]}"
