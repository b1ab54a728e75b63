# Sourced by the other scripts: make sure a virtual environment exists and holds pmsync with
# its dev tools, then put it first on PATH.
#   PMSYNC_PYTHON  the interpreter to build it with (default python3), e.g. python3.13
#   PMSYNC_VENV    where it lives (default .venv), e.g. .venv-3.13
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=${PMSYNC_VENV:-.venv}
python=${PMSYNC_PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  source scripts/_python.sh
  "$(find_python "$python")" -m venv "$venv"
fi
# Reinstall only when the project's requirements changed since the last install.
stamp=$venv/.pmsync-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e '.[dev]'
  touch "$stamp"
fi
export PATH="$PWD/$venv/bin:$PATH"
