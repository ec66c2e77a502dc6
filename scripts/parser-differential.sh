#!/usr/bin/env bash
# Long differential run of HttpParser against the llhttp inside the local node:
#   scripts/parser-differential.sh [cases-per-seed] [first-seed] [seeds]
# Every seed runs, whether or not an earlier one found mismatches; the totals come last, and the exit status is 1
# when any seed had a mismatch (or did not report).
set -uo pipefail
cd "$(dirname "$0")/.."
cases="${1:-100000}"
first="${2:-1}"
seeds="${3:-5}"
dotnet build tests/NodeHttp.Tests/NodeHttp.Tests.csproj -c Release -v q || exit 2
total_cases=0 total_errors=0 total_upgrades=0 total_mismatches=0 total_left_out=0 failed_seeds=()
for ((s = first; s < first + seeds; s++)); do
  out=$(NODEHTTP_PARSER_DIFF_CASES="$cases" NODEHTTP_PARSER_DIFF_SEED="$s" \
    dotnet test tests/NodeHttp.Tests/NodeHttp.Tests.csproj -c Release --no-build \
      --filter "FullyQualifiedName~HttpParserDifferentialTests" --logger "console;verbosity=detailed" 2>&1 \
    | grep -E "differential:|case |node:|managed:" | grep -v '^\[xUnit')
  echo "$out"
  line=$(grep -m1 "differential:" <<<"$out")
  if [[ $line =~ differential:\ ([0-9]+)\ cases.*\ ([0-9]+)\ parse\ errors,\ ([0-9]+)\ upgrades,\ ([0-9]+)\ mismatches,\ ([0-9]+)\ left ]]; then
    total_cases=$((total_cases + BASH_REMATCH[1]))
    total_errors=$((total_errors + BASH_REMATCH[2]))
    total_upgrades=$((total_upgrades + BASH_REMATCH[3]))
    total_mismatches=$((total_mismatches + BASH_REMATCH[4]))
    total_left_out=$((total_left_out + BASH_REMATCH[5]))
    ((BASH_REMATCH[4] > 0)) && failed_seeds+=("$s")
  else
    echo "seed $s: no result (the run failed before its summary)"
    failed_seeds+=("$s")
  fi
done
echo "totals: $seeds seeds, $total_cases cases, $total_errors parse errors, $total_upgrades upgrades, $total_mismatches mismatches, $total_left_out left out (llhttp 9.3.1/9.4.2 change)"
if ((${#failed_seeds[@]} > 0)); then
  echo "seeds with mismatches or no result: ${failed_seeds[*]}"
  exit 1
fi
