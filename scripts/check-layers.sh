#!/usr/bin/env bash
# The layers and feature folders of src/ (docs/architecture.md), checked on the
# #include lines (make layers; the first step of make check). Arrows point down only:
#   util ← db ← domain ← http ← cli, main.c
# Inside domain/ and http/, a folder is the kernel or a feature:
#   - a kernel file includes no feature;
#   - a feature includes the kernel, its own headers, and of another feature only that
#     feature's main header (domain/points/points.h);
#   - nobody in domain/ includes dashboards/ or jobs.h: they sit on top and may read
#     everything, as do cli/ and main.c.
# Prints every offending line and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bad=0
fail() {
	echo "layers: $1: includes \"$2\" ($3)" >&2
	bad=1
}

while IFS= read -r file; do
	rel=${file#src/}
	layer=${rel%%/*}
	sub=${rel#*/}
	folder=
	[[ $sub == */* ]] && folder=${sub%%/*}
	while IFS= read -r inc; do
		ilayer=${inc%%/*}
		irest=${inc#*/}
		ifolder=
		[[ $irest == */* ]] && ifolder=${irest%%/*}
		iname=$(basename "$irest" .h)
		case $layer in
		util)
			case $ilayer in db | domain | http | cli) fail "$file" "$inc" "util/ knows no layer above it" ;; esac ;;
		db)
			case $ilayer in domain | http | cli) fail "$file" "$inc" "db/ knows no layer above it" ;; esac ;;
		domain | http)
			case $ilayer in
			http | cli)
				[[ $layer == domain || $ilayer == cli ]] && fail "$file" "$inc" "$layer/ knows no layer above it" ;;
			esac
			[[ $ilayer == "$layer" || ($layer == http && $ilayer == domain) ]] || continue
			# the top of domain/ (jobs) and dashboards read everything
			[[ -z $folder || $folder == dashboards ]] && continue
			# what the included file is: top level, the kernel, or a feature
			if [[ -z $ifolder ]]; then
				[[ $ilayer == domain ]] && fail "$file" "$inc" "only the top includes domain/$irest"
				continue
			fi
			[[ $ifolder == kernel || $ifolder == "$folder" ]] && continue
			if [[ $ifolder == dashboards ]]; then
				fail "$file" "$inc" "nothing but the dashboards' own routes includes the dashboards"
				continue
			fi
			if [[ $folder == kernel ]]; then
				fail "$file" "$inc" "the kernel includes no feature"
			elif [[ $iname != "$ifolder" ]]; then
				fail "$file" "$inc" "another feature's private header: include $ilayer/$ifolder/$ifolder.h"
			fi ;;
		esac
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find src -name '*.[ch]' | sort)

if [[ $bad == 0 ]]; then
	echo "layers: ok"
fi
exit $bad
