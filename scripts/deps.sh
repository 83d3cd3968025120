#!/usr/bin/env bash
# Installs what Cunzhi needs to build and test on Debian 12, and nothing when all of
# it is already present. Safe to run repeatedly.
set -euo pipefail

packages=(
  build-essential pkg-config
  libmicrohttpd-dev libulfius-dev libjansson-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libsodium-dev libqrencode-dev libxlsxwriter-dev libzip-dev libexpat1-dev libxml2-dev
  libjpeg62-turbo-dev libpng-dev libwebp-dev
  libcmocka-dev clang
  zbar-tools wrk
  chromium fonts-noto-cjk
  espeak-ng
  python3-fonttools python3-brotli
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js may come from another repackaging that already includes npm.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node packages used by the test suite and the web UI, from their lock files.
for dir in tests/api tests/openapi tests/ui ui tools/holidays; do
  if [ -f "$dir/package-lock.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "deps: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
