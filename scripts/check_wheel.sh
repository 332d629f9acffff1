#!/usr/bin/env bash
# `make wheel-check`: build the package as README's "Deploying" does and install it the way a new user would —
# into a fresh virtual environment in an empty directory, away from this checkout — then migrate, load the
# demo data, create a user and serve it under gunicorn on 127.0.0.1, and fetch pages in Chinese and English
# (scripts/check_wheel_pages.py). Needs only PyPI (the build requirements and the dependencies). Prints each
# check; exits non-zero on the first failure.
#
#   BUILD_PYTHON  the Python with `build` installed (default .venv/bin/python)
#   PYTHON        the Python that makes the fresh virtual environment (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
BUILD_PYTHON=${BUILD_PYTHON:-.venv/bin/python}
PYTHON=${PYTHON:-python3}

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "== wheel-check: $* =="; }
fail() {
  echo "wheel-check FAILED: $*" >&2
  exit 1
}

step "build the source distribution and the wheel from it (python -m build)"
"$BUILD_PYTHON" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || {
  cat "$work/build.log"
  fail "python -m build"
}
wheel=$(ls "$work"/dist/registry-*.whl)
echo "  ok  built $(basename "$wheel")"

step "the wheel carries every template, static file, migration and a compiled catalog"
"$PYTHON" - "$wheel" "$checkout" <<'EOF'
import sys
import zipfile
from pathlib import Path

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
checkout = Path(sys.argv[2])
missing = []
for folder in ("templates", "static", "migrations"):
    files = [p for p in (checkout / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    absent = [f"registry/_bundled/{p.relative_to(checkout)}" for p in files]
    absent = [name for name in absent if name not in names]
    missing += absent
    print(f"  {'ok ' if not absent else 'NO '} {len(files) - len(absent)} of the {len(files)} files of {folder}/")
wanted = [
    po.relative_to(checkout).with_suffix(".mo").as_posix()
    for po in sorted((checkout / "registry" / "translations").glob("*/LC_MESSAGES/*.po"))
]
for name in [*wanted, "registry/auth/common_passwords.txt"]:
    print(f"  {'ok ' if name in names else 'NO '} {name}")
    missing += [] if name in names else [name]
if not wanted or missing:
    sys.exit(f"wheel-check FAILED: {len(missing)} files missing from the wheel: " + ", ".join(missing[:10]))
EOF

step "install it into a fresh virtual environment in an empty directory"
site="$work/site"
mkdir "$site"
cd "$site"
# Nothing of the checkout or of this shell's configuration may leak in.
unset PYTHONPATH FLASK_APP VIRTUAL_ENV
while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^REGISTRY_' || true)
"$PYTHON" -m venv venv
venv/bin/python -m pip install --quiet --disable-pip-version-check "$wheel" >"$work/pip.log" 2>&1 || {
  cat "$work/pip.log"
  fail "pip install of the wheel"
}
installed=$(venv/bin/python -c 'import registry; print(registry.PACKAGE)')
case "$installed" in
  "$site"/venv/*) echo "  ok  registry imports from $installed" ;;
  *) fail "registry imports from $installed, not from the fresh virtual environment" ;;
esac

step "flask --app registry db upgrade"
venv/bin/flask --app registry db upgrade
for made in instance/registry.sqlite3 instance/secret_key; do
  [ -f "$made" ] || fail "no $made in the working directory"
done
[ ! -e "$installed/../instance" ] || fail "an instance folder was made inside site-packages"
echo "  ok  instance/registry.sqlite3 and instance/secret_key made in the working directory"

step "flask --app registry demo-data"
venv/bin/flask --app registry demo-data

step "flask --app registry users create checker --role admin"
password=$(venv/bin/flask --app registry users create checker --role admin | tail -n 1)
[ -n "$password" ] || fail "users create printed no password"
echo "  ok  user created"

step "serve under gunicorn on 127.0.0.1 and fetch pages in Chinese and English"
port=$(venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# HOME here: newer gunicorns keep a control socket under ~/.gunicorn, which must not clash with another server.
HOME="$site" venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$port" 'registry:create_app()' >"$work/gunicorn.log" 2>&1 &
server=$!
venv/bin/python "$checkout/scripts/check_wheel_pages.py" "http://127.0.0.1:$port" checker "$password" || {
  cat "$work/gunicorn.log"
  exit 1
}
echo "== wheel-check: passed =="
