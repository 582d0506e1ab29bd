# Sourced by bin/serve and bin/test: make sure .venv exists and holds the pinned install.
#
# Creates .venv with Python 3.11 when it is absent, and (re)installs precinct with every
# dependency pinned by constraints.txt only when pyproject.toml or constraints.txt changed
# since the last install (a hash stamp is kept in .venv/). Then puts .venv/bin on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
cd "$ROOT"

say() { printf 'precinct: %s\n' "$*" >&2; }

is_python311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; }

if [ ! -x "$VENV/bin/python" ]; then
    if command -v python3.11 >/dev/null 2>&1; then
        PYTHON=python3.11
    elif command -v python3 >/dev/null 2>&1 && is_python311 python3; then
        PYTHON=python3
    else
        say "Python 3.11 is needed (neither python3.11 nor a python3 of version 3.11 found)."
        exit 1
    fi
    say "creating the virtual environment .venv with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

STAMP="$VENV/.precinct-install-hash"
WANTED="$("$VENV/bin/python" -c '
import hashlib, sys
digest = hashlib.sha256()
for name in sys.argv[1:]:
    digest.update(open(name, "rb").read())
print(digest.hexdigest())
' pyproject.toml constraints.txt)"

if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANTED" ]; then
    say "installing precinct and its pinned dependencies into .venv (takes a few minutes once)"
    started=$SECONDS
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c constraints.txt -e ".[dev]"
    echo "$WANTED" >"$STAMP"
    say "installed in $((SECONDS - started)) s"
else
    say "dependencies up to date (.venv)"
fi

export PATH="$VENV/bin:$PATH"
export VIRTUAL_ENV="$VENV"
