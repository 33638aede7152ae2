#!/bin/sh
# The browser of the browser tests: finds it, or installs Debian's chromium, and says how it got it.
# npm runs it before the tests, once: `pretest`, so a missing browser stops `npm test` at once, and
# `pretest:browser` for `npm run test:browser` alone (npm test sets POSENC_CHROMIUM_ENSURED=1 to
# skip that second run); test/browser/chromium.ts asks it (--path) which browser to launch, so the
# tests launch exactly the browser reported here.
#
#   sh scripts/ensure-chromium.sh          find a browser, else install Debian's chromium (as root or
#                                          with sudo, through apt-get), else fail with one line that
#                                          names what is missing and both fixes
#   sh scripts/ensure-chromium.sh --path   find only: print the browser's path on stdout
#
# Where it looks, in this order:
#   1. CHROMIUM=/path/to/browser  an existing Chromium or Chrome, taken as given (an unusable one
#                                 is an error, never silently replaced by another browser);
#   2. chromium, chromium-browser, google-chrome, google-chrome-stable on PATH (Debian's chromium is
#      /usr/bin/chromium; Ubuntu's is /usr/bin/chromium-browser).
# A browser counts when `<browser> --version` succeeds (Ubuntu's chromium-browser may be a stub
# for a snap that is not installed). Nothing here downloads a browser from anywhere but apt.
set -u

say() { echo "ensure-chromium: $*"; }
fail() {
  echo "ensure-chromium: $*" >&2
  exit 1
}
FIXES="fix: install it (Debian/Ubuntu: sudo apt-get install -y chromium), or point CHROMIUM=/path/to/chromium at an installed Chromium or Chrome"

# Sets FOUND (path) and VERSION when a candidate works.
usable() {
  VERSION=$("$1" --version 2>/dev/null) || return 1
  FOUND=$1
}

find_browser() {
  if [ -n "${CHROMIUM:-}" ]; then
    [ -f "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || fail "CHROMIUM=$CHROMIUM is not an executable file; set CHROMIUM to an installed Chromium or Chrome, or unset it to let this script find or install one"
    usable "$CHROMIUM" || fail "CHROMIUM=$CHROMIUM does not run (\`$CHROMIUM --version\` failed); set CHROMIUM to a working Chromium or Chrome, or unset it"
    HOW="from CHROMIUM"
    return 0
  fi
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    path=$(command -v "$name" 2>/dev/null) || continue
    case $path in /*) ;; *) continue ;; esac # an alias or function, not a file
    if usable "$path"; then
      HOW="found $name on PATH"
      return 0
    fi
  done
  return 1
}

if [ "${1:-}" = "--path" ]; then
  find_browser || fail "no Chromium for the browser tests: CHROMIUM is unset and none of chromium, chromium-browser, google-chrome is on PATH; run sh scripts/ensure-chromium.sh to install Debian's chromium, or $FIXES"
  echo "$FOUND"
  exit 0
fi
[ $# -eq 0 ] || fail "unknown argument $1 (allowed: none, or --path)"

if find_browser; then
  say "$HOW: $FOUND ($VERSION)"
  exit 0
fi

# Nothing installed: install Debian's chromium where this user may.
MISSING="no Chromium for the browser tests (CHROMIUM is unset; none of chromium, chromium-browser, google-chrome is on PATH)"
command -v apt-get >/dev/null 2>&1 || fail "$MISSING, and no apt-get to install Debian's chromium; $FIXES"
if [ "$(id -u)" = 0 ]; then
  SUDO=
  AS="as root"
elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
  # Passwordless sudo, or a terminal where sudo can ask for the password.
  SUDO=sudo
  AS="with sudo"
else
  fail "$MISSING, and this user cannot install packages (not root, no usable sudo); $FIXES"
fi
as_root() {
  if [ -n "$SUDO" ]; then sudo "$@"; else "$@"; fi
}

say "$MISSING: installing Debian's chromium $AS (apt-get update; apt-get install chromium)"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || fail "apt-get update failed (output above); $FIXES"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium ||
  fail "apt-get install chromium failed (output above); $FIXES"
find_browser || fail "apt-get installed chromium but no working chromium is on PATH; $FIXES"
say "installed Debian's chromium (apt-get, $AS): $FOUND ($VERSION)"
