#!/usr/bin/env bash
# Long differential run of HttpParser against the llhttp inside the local node:
#   scripts/parser-differential.sh [cases-per-seed] [first-seed] [seeds]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-100000}"
first="${2:-1}"
seeds="${3:-5}"
dotnet build tests/NodeHttp.Tests/NodeHttp.Tests.csproj -v q
for ((s = first; s < first + seeds; s++)); do
  NODEHTTP_PARSER_DIFF_CASES="$cases" NODEHTTP_PARSER_DIFF_SEED="$s" \
    dotnet test tests/NodeHttp.Tests/NodeHttp.Tests.csproj --no-build \
      --filter "FullyQualifiedName~HttpParserDifferentialTests" --logger "console;verbosity=detailed" \
    | grep -E "differential:|case |node:|managed:|Passed!|Failed!"
done
