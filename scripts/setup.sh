#!/usr/bin/env bash
# Installs what this checkout needs and is missing: npm packages from the
# lock file, and the Debian packages the archive runs (ffmpeg, espeak-ng for
# demo narration, fonts for rendered images) and tests with (chromium,
# redis-server).
# Safe to run again: it only installs what is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}" # run | test

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils) # PDF page images (media pipeline)
fc-list 2>/dev/null | grep -qi "dejavu sans" || missing+=(fonts-dejavu-core)
if [ "$mode" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) # the Redis job queue and shared limits tests start their own
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "› installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
