#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine:
#   - the npm dependencies (which bring their own Node 24, see README),
#   - a Chromium for the end-to-end tests, from Debian's packages when none is
#     found and this is a Debian/Ubuntu machine where we may use apt,
#   - the real stack the reality checks run against (PostgreSQL, PgBouncer,
#     Gunicorn, Flask-SQLAlchemy, psycopg2), from Debian's packages, likewise.
# Elsewhere it says what is missing and how to get it, and carries on.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

can_apt() {
  command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
if ! node_modules/.bin/node scripts/find-chromium.mjs >/dev/null 2>&1; then missing+=(chromium); fi
if [ -f tests/reality/apt-packages.txt ]; then
  while read -r pkg; do
    [ -z "$pkg" ] || [ "${pkg#\#}" != "$pkg" ] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done < tests/reality/apt-packages.txt
fi

if [ ${#missing[@]} -gt 0 ]; then
  if can_apt; then
    echo "Installing from Debian's packages: ${missing[*]}"
    apt_install "${missing[@]}"
  else
    echo "Not installed, and apt is not available here: ${missing[*]}" >&2
    echo "The end-to-end tests need a Chromium (run: node scripts/find-chromium.mjs for how to get one);" >&2
    echo "the reality checks need the real stack and are skipped without it." >&2
  fi
fi
node_modules/.bin/node scripts/find-chromium.mjs
