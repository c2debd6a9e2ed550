#!/usr/bin/env bash
# ECAR backup: the database (pg_dump, custom format) and the media files (tar), in one dated folder with their
# checksums; the newest ECAR_BACKUP_KEEP folders are kept, older ones deleted. Prints the new folder.
#   DATABASE_URL        the PostgreSQL database to dump (required; the server itself, not PgBouncer)
#   ECAR_MEDIA_ROOT     media folder (default: DJANGO_MEDIA_ROOT, else var/media)
#   ECAR_BACKUP_DIR     where backups go (default: var/backups)
#   ECAR_BACKUP_KEEP    how many backups to keep (default: 14, one a day for two weeks)
# Restore with deploy/restore.sh FOLDER. Run it daily from cron or a systemd timer (README « Mise en production »).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
database="${DATABASE_URL:?DATABASE_URL doit désigner la base PostgreSQL à sauvegarder}"
media="${ECAR_MEDIA_ROOT:-${DJANGO_MEDIA_ROOT:-$root/var/media}}"
backups="${ECAR_BACKUP_DIR:-$root/var/backups}"
keep="${ECAR_BACKUP_KEEP:-14}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "ECAR_BACKUP_KEEP doit être un entier positif : $keep" >&2; exit 2; }

umask 077  # customers' data: readable by the owner only
stamp="$(date -u +%Y%m%dT%H%M%S%NZ | cut -c1-18)Z"
target="$backups/ecar-$stamp"
partial="$target.partial"
trap 'rm -rf "$partial"' EXIT
mkdir -p "$partial"

pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$database" --file="$partial/database.dump"
if [[ -d "$media" ]]; then
  tar -czf "$partial/media.tar.gz" -C "$media" .
else
  tar -czf "$partial/media.tar.gz" --files-from /dev/null
fi
(cd "$partial" && sha256sum database.dump media.tar.gz >SHA256SUMS)
mv "$partial" "$target"  # a folder without .partial is complete

# Rotation: names sort by date; keep the newest $keep complete backups.
mapfile -t old < <(find "$backups" -maxdepth 1 -type d -name 'ecar-2*' ! -name '*.partial' | sort | head -n "-$keep")
((${#old[@]} == 0)) || rm -rf -- "${old[@]}"
echo "$target"
