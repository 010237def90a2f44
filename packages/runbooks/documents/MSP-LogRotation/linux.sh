#!/bin/sh
# MSP-LogRotation (Linux). POSIX sh; parameters were matched against allowedPattern by SSM.
set -eu
# Tests point MSP_RUNBOOK_ROOT at a temporary directory standing in for /; on a node it is unset.
R="${MSP_RUNBOOK_ROOT:-}"
if [ -n "$R" ]; then R=$(realpath -e -- "$R"); fi
MODE='{{ Mode }}'
CONF='{{ ConfigPath }}'
LOG='{{ LogPath }}'
KEEP='{{ Keep }}'

# The canonical path of $1 inside the root, or nothing when it leaves the root.
inside_root() {
  c=$(realpath -m -- "$R$1")
  if [ -z "$R" ]; then printf '%s\n' "$c"; return; fi
  case "$c" in
    "$R"/*) printf '%s\n' "${c#"$R"}" ;;
    *) printf '' ;;
  esac
}

case "$MODE" in
  config)
    if [ -z "$CONF" ]; then echo "refused: ConfigPath is required in config mode" >&2; exit 2; fi
    c=$(inside_root "$CONF")
    case "$c" in
      /etc/logrotate.d/*) ;;
      *) echo "refused: $CONF is not a configuration in /etc/logrotate.d" >&2; exit 2 ;;
    esac
    if [ ! -f "$R$c" ]; then echo "refused: $CONF does not exist" >&2; exit 2; fi
    echo "forcing logrotate for $c"
    logrotate -f "$R$c"
    echo "rotated by $c"
    ;;
  file)
    if [ -z "$LOG" ]; then echo "refused: LogPath is required in file mode" >&2; exit 2; fi
    c=$(inside_root "$LOG")
    case "$c" in
      /var/log/*) ;;
      *) echo "refused: $LOG is not under /var/log" >&2; exit 2 ;;
    esac
    f="$R$c"
    # A symlink could point anywhere; only a plain file that resolves to itself is rotated.
    if [ -L "$R$LOG" ] || [ ! -f "$f" ]; then echo "refused: $LOG is not a regular file" >&2; exit 2; fi
    size=$(wc -c <"$f" | tr -d ' ')
    rm -f -- "$f.$KEEP"
    i=$((KEEP - 1))
    while [ "$i" -ge 1 ]; do
      if [ -e "$f.$i" ]; then mv -f -- "$f.$i" "$f.$((i + 1))"; fi
      i=$((i - 1))
    done
    # copytruncate: writers keep their open descriptor, so the file is copied and emptied in place.
    cp -p -- "$f" "$f.1"
    : >"$f"
    echo "rotated $c: $size bytes copied to $c.1 and truncated; keeping $KEEP"
    ;;
  *)
    echo "refused: unknown mode $MODE" >&2
    exit 2
    ;;
esac
