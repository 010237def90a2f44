#!/bin/sh
# MSP-DiskCleanup (Linux). POSIX sh: the SSM agent runs this with /bin/sh (dash on Debian/Ubuntu).
# SSM substitutes the parameters below after matching them against the document's allowedPattern
# (no quotes, spaces or shell metacharacters can get through); they are quoted here all the same.
set -eu
# Tests point MSP_RUNBOOK_ROOT at a temporary directory standing in for /; on a node it is unset.
R="${MSP_RUNBOOK_ROOT:-}"
if [ -n "$R" ]; then R=$(realpath -e -- "$R"); fi
DAYS='{{ OlderThanDays }}'
PATHS='{{ Paths }}'
JOURNAL_MAX='{{ JournalMaxSize }}'
ALLOWED='/tmp /var/tmp /var/log /var/crash /var/cache/apt/archives /var/cache/dnf /var/cache/yum'

# Prints the canonical path (inside the root) of $1, or nothing when it leaves the root.
inside_root() {
  c=$(realpath -m -- "$R$1")
  if [ -z "$R" ]; then printf '%s\n' "$c"; return; fi
  case "$c" in
    "$R") printf '/\n' ;;
    "$R"/*) printf '%s\n' "${c#"$R"}" ;;
    *) printf '' ;;
  esac
}

allowed() {
  case "$1" in
    /tmp | /tmp/* | /var/tmp | /var/tmp/* | /var/log | /var/log/* | /var/crash | /var/crash/* | \
      /var/cache/apt/archives | /var/cache/apt/archives/* | /var/cache/dnf | /var/cache/dnf/* | \
      /var/cache/yum | /var/cache/yum/*) return 0 ;;
  esac
  return 1
}

# Check every path before deleting anything: one bad path refuses the whole run.
set -f
OLDIFS=$IFS
IFS=','
CHECKED=''
for p in $PATHS; do
  c=$(inside_root "$p")
  if [ -z "$c" ] || ! allowed "$c"; then
    echo "refused: $p is outside the allow-list ($ALLOWED)" >&2
    exit 2
  fi
  CHECKED="$CHECKED,$c"
done
IFS=$OLDIFS

total=0
IFS=','
for c in ${CHECKED#,}; do
  IFS=$OLDIFS
  d="$R$c"
  if [ ! -d "$d" ] || [ -L "$d" ]; then
    echo "skipped: $c (no such directory)"
    continue
  fi
  case "$c" in
    /var/log | /var/log/*)
      # Only rotated logs: never a live log file, never the journal.
      freed=$(find "$d" -xdev -type f ! -path "$d/journal/*" \
        \( -name '*.gz' -o -name '*.xz' -o -name '*.bz2' -o -name '*.zst' -o -name '*.old' \
        -o -name '*.[0-9]' -o -name '*.[0-9][0-9]' -o -name '*-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' \) \
        -mtime +"$DAYS" -printf '%s\n' -delete | awk '{ s += $1 } END { printf "%d", s }')
      ;;
    *)
      freed=$(find "$d" -xdev -mindepth 1 -type f -mtime +"$DAYS" -printf '%s\n' -delete |
        awk '{ s += $1 } END { printf "%d", s }')
      ;;
  esac
  echo "freed $freed bytes in $c"
  total=$((total + freed))
done
IFS=$OLDIFS

if [ "$JOURNAL_MAX" != "0" ] && command -v journalctl >/dev/null 2>&1; then
  jd="$R/var/log/journal"
  before=$(du -sb -- "$jd" 2>/dev/null | cut -f1 || true)
  journalctl --vacuum-size="$JOURNAL_MAX" >/dev/null 2>&1 || echo "journal vacuum failed" >&2
  after=$(du -sb -- "$jd" 2>/dev/null | cut -f1 || true)
  jfreed=$(( ${before:-0} - ${after:-0} ))
  if [ "$jfreed" -lt 0 ]; then jfreed=0; fi
  echo "freed $jfreed bytes in the systemd journal"
  total=$((total + jfreed))
fi

echo "bytes_freed=$total"
