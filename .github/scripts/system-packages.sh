#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a job's tests need, only those missing, the same on a
# GitHub-hosted runner (as its user, through passwordless sudo), in a root container and on a
# laptop. Downloaded .debs go to $PERFGATE_APT_CACHE so actions/cache can keep them between jobs.
#
#   system-packages.sh [--optional] pkg... [--optional pkg...]
#
# Packages after --optional may fail to install (not in this distribution's archive): the step
# warns and goes on, and the tests that need them skip, naming the missing binary.
# "chromium" is satisfied by any system Chromium or Chrome (Ubuntu runners ship Google Chrome;
# Ubuntu's chromium package is only a snap wrapper); CHROME_PATH is exported for later steps.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
cache="${PERFGATE_APT_CACHE:-$HOME/.cache/perfgate-apt}"

export_env() {
  echo "$1=$2"
  [ -z "${GITHUB_ENV:-}" ] || echo "$1=$2" >>"$GITHUB_ENV"
}

chrome_path() {
  local candidate
  for candidate in "${CHROME_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
}

installed() {
  if [ "$1" = chromium ]; then
    [ -n "$(chrome_path)" ]
  else
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
  fi
}

required=()
optional=()
mode=required
for arg in "$@"; do
  if [ "$arg" = --optional ]; then
    mode=optional
  elif ! installed "$arg"; then
    if [ "$mode" = required ]; then required+=("$arg"); else optional+=("$arg"); fi
  fi
done

apt_install() {
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    -o "Dir::Cache::Archives=$cache" "$@" >/dev/null
}

if [ "${#required[@]}" -gt 0 ] || [ "${#optional[@]}" -gt 0 ]; then
  mkdir -p "$cache/partial"
  echo "system-packages: installing ${required[*]} ${optional[*]}"
  "${sudo[@]}" apt-get update -qq
  [ "${#required[@]}" -eq 0 ] || apt_install "${required[@]}"
  for package in "${optional[@]}"; do
    apt_install "$package" ||
      echo "::warning::system-packages: $package is not installable here; the tests that need it skip and say so"
  done
  # actions/cache saves the folder as the runner's user.
  "${sudo[@]}" chown -R "$(id -u):$(id -g)" "$cache"
else
  echo "system-packages: all present ($*)"
fi

for arg in "$@"; do
  if [ "$arg" = chromium ]; then
    found="$(chrome_path)"
    [ -z "$found" ] || export_env CHROME_PATH "$found"
  fi
done
