#!/usr/bin/env bash
# Create the project's virtual environment (default .venv) with the newest Python >= 3.11 found.
#
# On Debian/Ubuntu the venv module may be missing (package python3.X-venv). When we are root and
# apt-get exists, this script installs it; otherwise it says exactly what to install.
set -euo pipefail

venv=${1:-.venv}
minimum_minor=11

say() { printf '==> %s\n' "$*"; }
fail() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Prints "<minor> <path>" when the interpreter really runs and is Python 3.<minor> >= 3.11.
probe() {
  local candidate=$1 minor
  minor=$("$candidate" -c 'import sys; print(sys.version_info[1] if sys.version_info[0] == 3 else -1)' \
    2>/dev/null) || return 1
  [[ $minor =~ ^[0-9]+$ ]] && (( minor >= minimum_minor )) || return 1
  printf '%s %s\n' "$minor" "$(command -v "$candidate")"
}

newest_python() {
  local best_minor=-1 best_path="" minor path candidate
  # A PYTHON variable wins; otherwise python3.99 ... python3.11 and plain python3 are tried.
  if [[ -n ${PYTHON:-} ]]; then
    probe "$PYTHON" | cut -d' ' -f2- && return 0
    fail "PYTHON=$PYTHON is not a working Python >= 3.$minimum_minor."
  fi
  for candidate in $(seq -f 'python3.%g' 99 -1 "$minimum_minor") python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    read -r minor path < <(probe "$candidate") || continue
    if (( minor > best_minor )); then best_minor=$minor; best_path=$path; fi
  done
  [[ -n $best_path ]] || return 1
  printf '%s\n' "$best_path"
}

install_venv_package() {
  local python=$1 version
  version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    fail "Python $version cannot create virtual environments: its venv/ensurepip module is missing.
       On Debian or Ubuntu install it with:  sudo apt-get install python$version-venv
       then run this command again."
  fi
  say "Installing python$version-venv with apt-get (Python's venv module is missing)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$version-venv" >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
}

python=$(newest_python) || fail "No Python 3.$minimum_minor or newer found (tried python3.N and python3).
       Install one, e.g. on Debian or Ubuntu:  sudo apt-get install python3 python3-venv"

if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import pip' >/dev/null 2>&1; then
  exit 0
fi
rm -rf "$venv"
say "Creating $venv with $python ($("$python" --version 2>&1))"
if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
  rm -rf "$venv"
  install_venv_package "$python"
  "$python" -m venv "$venv" || { rm -rf "$venv"; fail "Creating the virtual environment failed (see above)."; }
fi
