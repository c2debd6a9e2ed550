#!/usr/bin/env bash
# ECAR restore of a deploy/backup.sh folder: checksums verified, then the dump into DATABASE_URL (an empty
# database: createdb first) in one transaction, and the media files into ECAR_MEDIA_ROOT.
#   deploy/restore.sh var/backups/ecar-20260101T033000Z
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
backup="${1:?usage : deploy/restore.sh DOSSIER_DE_SAUVEGARDE}"
database="${DATABASE_URL:?DATABASE_URL doit désigner la base (vide) où restaurer}"
media="${ECAR_MEDIA_ROOT:-${DJANGO_MEDIA_ROOT:-$root/var/media}}"

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "Sauvegarde altérée : $backup" >&2; exit 1; }
tables="$(psql --dbname="$database" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [[ "$tables" != "0" ]]; then
  echo "La base cible n'est pas vide ($tables tables) : restaurez dans une base neuve (createdb)." >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$database" \
  "$backup/database.dump"
mkdir -p "$media"
tar -xzf "$backup/media.tar.gz" -C "$media"
echo "Restauré : $backup"
