#!/usr/bin/env sh
# The quick real-stack check, run by `npm test`:
#   1. tests/reality/quick.py: the harness's unit tests and a few focused cases on real
#      PostgreSQL, PgBouncer and Gunicorn, each against its own expectations;
#   2. the model-vs-reality comparison on a few cases (npm run reality:compare -- --quick,
#      a few minutes): the engine and the real stack side by side, within the written
#      tolerances of tests/reality/compare/tolerances.ts.
# Where the stack is missing and cannot be installed, it says so plainly and skips (exit 0),
# except under CI=true, where that is a failure. The full comparison is
# `npm run reality:compare`.
if [ ! -x /usr/bin/python3 ]; then
  echo "skipped: /usr/bin/python3 not found (the real stack runs on Debian's Python)"
  [ "$CI" = true ] && exit 1
  exit 0
fi

log=$(mktemp)
rc=$(mktemp)
trap 'rm -f "$log" "$rc"' EXIT
# quick.py's own exit status (POSIX sh has no pipefail), its output shown and kept
{
  /usr/bin/python3 tests/reality/quick.py
  echo $? >"$rc"
} | tee "$log"
[ "$(cat "$rc")" = 0 ] || exit 1
if grep -q '^skipped: ' "$log"; then
  echo "skipped: the model-vs-reality comparison needs the same stack"
  exit 0
fi

npm run --silent reality:compare -- --quick
