#!/usr/bin/env sh
# The quick real-stack check (tests/reality/quick.py): a few focused cases on
# real PostgreSQL, PgBouncer and Gunicorn. It skips, saying why, where the
# stack cannot be had, except under CI, where that is a failure.
if [ -x /usr/bin/python3 ]; then
  exec /usr/bin/python3 tests/reality/quick.py
fi
echo "skipped: /usr/bin/python3 not found (the real stack runs on Debian's Python)"
[ -z "$CI" ] || exit 1
