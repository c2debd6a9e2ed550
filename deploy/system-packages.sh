#!/usr/bin/env bash
# The Debian/Ubuntu packages ECAR needs from the system, in one place for `make test`, `make run`, .ci/run and the
# Dockerfile. Installs only what is missing, and only as root; otherwise prints the exact command and fails.
#   deploy/system-packages.sh          what the portal needs to run (translations, WeasyPrint's libraries, fonts)
#   deploy/system-packages.sh --test   the same plus what the test suite reads PDFs with (pdftotext)
set -euo pipefail

RUNTIME_PACKAGES=(
  gettext                                   # compilemessages
  libpango-1.0-0 libpangoft2-1.0-0          # WeasyPrint's text layout
  libharfbuzz-subset0                       # WeasyPrint's font subsetting (small, reproducible PDFs)
  fonts-dejavu-core fonts-hosny-amiri       # Latin and Arabic glyphs of the documents
)
TEST_PACKAGES=(
  poppler-utils                             # pdftotext: shaped Arabic text when the tests read PDFs back
  chromium                                  # the browser tests (Playwright drives Debian's build, no download)
)

packages=("${RUNTIME_PACKAGES[@]}")
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${TEST_PACKAGES[@]}")
fi

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
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
