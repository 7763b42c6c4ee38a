#!/bin/sh
# po/fr.po is complete: every message translated, none fuzzy, and it covers every
# translatable string in the sources listed in po/POTFILES.in (so a new string
# without a French translation fails here, not in front of a patient).
#   check-translations.sh SOURCE_DIR
set -eu

SRC="$1"
for tool in msgfmt xgettext msgcmp; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check-translations: $tool missing (apt-get install gettext)"; exit 77; }
done

stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$SRC/po/fr.po" 2>&1)
echo "fr.po: $stats"
case "$stats" in
  *untranslated*|*fuzzy*) echo "check-translations: fr.po has untranslated or fuzzy messages"; exit 1 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$SRC"
grep -v '^#' po/POTFILES.in | grep . > "$tmp/files"
# The keywords of meson's "glib" gettext preset that the sources use.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=g_dcgettext:2 -f "$tmp/files" -o "$tmp/teleconsult.pot"
if ! msgcmp po/fr.po "$tmp/teleconsult.pot"; then
  echo "check-translations: the strings above are in the sources but not in po/fr.po"
  echo "  update it: ninja -C BUILD teleconsult-update-po, then translate them"
  exit 1
fi
echo "check-translations: every source string is translated"
