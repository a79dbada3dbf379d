#!/usr/bin/env bash
# Whole-build benchmark of Cairn against Hugo on the shared synthetic corpus.
# Usage: bench/run.sh [--runs N] [--sizes 1000,10000] [--quick] [--git]   (see bench/bench.py --help)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v hugo >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing hugo (apt-get install hugo)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null
  else
    echo "hugo is not installed (apt-get install hugo); Cairn runs alone" >&2
  fi
fi
cargo build --release --quiet --bin cairn --example history_pass
exec python3 bench/bench.py "$@"
