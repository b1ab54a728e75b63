# Sourced by the scripts: find_python NAME prints the path of a working interpreter NAME
# (e.g. python3.13): from PATH, else from pyenv's installed versions (pyenv's shims answer
# only for the versions it has selected). Exits 2 with a clear message when there is none.
find_python() {
  local name=$1 candidate
  if "$name" -c '' 2>/dev/null; then
    command -v "$name"
    return
  fi
  if command -v pyenv >/dev/null; then
    for candidate in "$(pyenv root)"/versions/"${name#python}"*/bin/"$name"; do
      if [ -x "$candidate" ] && "$candidate" -c '' 2>/dev/null; then
        echo "$candidate"
        return
      fi
    done
  fi
  echo "$(basename "$0"): $name not found; install it (e.g. pyenv install ${name#python})" >&2
  exit 2
}
