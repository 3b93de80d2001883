#!/usr/bin/env bash
# Installs Debian/Ubuntu packages with apt-get, through sudo when not root.
# Where there is no apt-get (macOS, other Linux) it says what to install and
# fails.
#   bash scripts/apt-install.sh PACKAGE... [-- "hint where there is no apt"]
set -euo pipefail

pkgs=()
hint=""
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then hint="${2:-}"; break; fi
  pkgs+=("$1"); shift
done

[ "${#pkgs[@]}" -gt 0 ] || { echo "usage: apt-install.sh PACKAGE... [-- hint]" >&2; exit 2; }

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: ${pkgs[*]} needed, and there is no apt-get here to install it.${hint:+ $hint}" >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: installing ${pkgs[*]} needs root: run as root, or install sudo, or run: apt-get install ${pkgs[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi
printf '==> apt-get install %s%s\n' "${pkgs[*]}" "${as_root:+ (with sudo)}" >&2
"${as_root[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600
# Waits for another apt or dpkg run to finish instead of failing on its lock.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${pkgs[@]}" >/dev/null
