#!/usr/bin/env bash
# Sets up streamdrill on a fresh Debian/Ubuntu machine with Node 20: the Debian packages the
# tests and drills need (installed only when missing) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "streamdrill needs Node.js $need_node_major or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Debian packages: chromium plays the streams in the player tests and drills; prometheus ships
# promtool, which replays drills against Prometheus rule files.
# (ffmpeg is only needed to regenerate the committed test media: origin-stub/media/make-media.sh.)
missing=()
[ -n "${STREAMDRILL_BROWSER:-}" ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)   # ships promtool (test-rules --prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund --loglevel=error
echo "streamdrill is set up: try 'npx streamdrill --help'"
