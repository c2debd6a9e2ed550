#!/usr/bin/env bash
# The Debian/Ubuntu packages ECAR needs from the system, in one place for `make test`, `make run`, .ci/run and the
# Dockerfile. Installs only what is missing, and only as root; otherwise prints the exact command and fails.
#   deploy/system-packages.sh          what the portal needs to run (translations, WeasyPrint's libraries, fonts)
#   deploy/system-packages.sh --serve  the same plus the production stack's servers (nginx, PgBouncer): `make serve`
#   deploy/system-packages.sh --test   all of the above plus what the test suite uses (pdftotext, the compose CLI)
set -euo pipefail

RUNTIME_PACKAGES=(
  gettext                                   # compilemessages
  libpango-1.0-0 libpangoft2-1.0-0          # WeasyPrint's text layout
  libharfbuzz-subset0                       # WeasyPrint's font subsetting (small, reproducible PDFs)
  fonts-dejavu-core fonts-hosny-amiri       # Latin and Arabic glyphs of the documents
)
SERVE_PACKAGES=(nginx pgbouncer)            # make serve and the image: the reverse proxy and the connection pooler
TEST_PACKAGES=(
  poppler-utils                             # pdftotext: shaped Arabic text when the tests read PDFs back
  docker-compose                            # `docker-compose config` validates docker-compose.yml, no daemon needed
  chromium                                  # the browser tests (Playwright drives Debian's build, no download)
)

packages=("${RUNTIME_PACKAGES[@]}")
case "${1:-}" in
  --serve) packages+=("${SERVE_PACKAGES[@]}") ;;
  --test) packages+=("${SERVE_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Paquets système : dpkg-query introuvable (système non Debian), vérification ignorée." >&2
  echo "Installez l'équivalent de : ${packages[*]}" >&2
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]})) || exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Paquets système manquants : ${missing[*]}" >&2
  echo "Installez-les puis relancez :" >&2
  echo "  sudo apt-get update && sudo $command" >&2
  exit 1
fi
echo "== apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# nginx and pgbouncer must not start as system services on install: make serve and compose run their own.
policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]] && { printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"; } 2>/dev/null; then
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
