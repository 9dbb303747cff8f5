#!/usr/bin/env bash
# Extract translatable strings per app into <app>/locale/fa/LC_MESSAGES/django.po and compile
# every catalog. Needs GNU gettext (apt-get install gettext). Fill the new msgstr entries, remove
# "fuzzy" flags, then run again to compile; commit both .po and .mo.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASAD_DEBUG=true DJANGO_SETTINGS_MODULE=rasad.settings
for app in rasad/*/; do
  app=${app%/}
  # Every app, and rasad/lib (no app, but its messages reach users; LOCALE_PATHS names its catalog).
  [ -f "$app/apps.py" ] || [ "$app" = rasad/lib ] || continue
  mkdir -p "$app/locale"
  (cd "$app" && "$OLDPWD/.venv/bin/django-admin" makemessages -l fa --no-obsolete -e html,py,txt >/dev/null)
done
for po in rasad/*/locale/fa/LC_MESSAGES/django.po; do
  msgfmt --check -o "${po%.po}.mo" "$po"
done
echo "compiled: $(ls rasad/*/locale/fa/LC_MESSAGES/django.mo | tr '\n' ' ')"
