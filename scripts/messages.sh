#!/usr/bin/env bash
# Extract translatable strings per app into <app>/locale/fa/LC_MESSAGES/django.po and compile
# every catalog. Needs GNU gettext (apt-get install gettext). Fill the new msgstr entries, remove
# "fuzzy" flags, then run again to compile; commit both .po and .mo.
#
# A run changes a catalog only where its messages changed (docs/development/translations.md):
# tests' strings stay out (tests/, conftest.py, testing.py: they name messages to check them, not
# to show them); an entry's source comment names its file, not its line, so that moving code
# does not touch the catalog; wrapping is gettext's own at 79 columns, as the catalogs are kept;
# entries keep the order they had (an entry added by hand at the end stays there; a new one is
# added at the end: scripts/catalogue_order.py); a catalog whose messages did not change is left
# as it was (its source comments and time stamp too).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASAD_DEBUG=true DJANGO_SETTINGS_MODULE=rasad.settings
for app in rasad/*/; do
  app=${app%/}
  # Every app, and rasad/lib (no app, but its messages reach users; LOCALE_PATHS names its catalog).
  [ -f "$app/apps.py" ] || [ "$app" = rasad/lib ] || continue
  mkdir -p "$app/locale"
  po="$app/locale/fa/LC_MESSAGES/django.po"
  before=""
  [ -f "$po" ] && before=$(mktemp) && cp "$po" "$before"
  (cd "$app" && "$OLDPWD/.venv/bin/django-admin" makemessages -l fa --no-obsolete -e html,py,txt \
    --add-location=file --ignore=tests --ignore=conftest.py --ignore=testing.py >/dev/null)
  # Nothing but the source comments and the header's time stamp changed: the catalog stays as it was.
  if [ -n "$before" ]; then
    python3 scripts/catalogue_order.py "$before" "$po"
    if diff -q <(grep -v -e '^#:' -e '^"POT-Creation-Date: ' "$before") \
               <(grep -v -e '^#:' -e '^"POT-Creation-Date: ' "$po") >/dev/null; then
      cp "$before" "$po"
    fi
    rm -f "$before"
  fi
done
for po in rasad/*/locale/fa/LC_MESSAGES/django.po; do
  msgfmt --check -o "${po%.po}.mo" "$po"
done
echo "compiled: $(ls rasad/*/locale/fa/LC_MESSAGES/django.mo | tr '\n' ' ')"
