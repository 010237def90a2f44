#!/bin/sh
# MSP-ServiceRestart (Linux). POSIX sh; parameters were matched against allowedPattern by SSM.
set -eu
SVC='{{ ServiceName }}'
WAIT='{{ VerifySeconds }}'
case "$SVC" in
  *.service | *.socket | *.timer | *.target | *.path) unit="$SVC" ;;
  *) unit="$SVC.service" ;;
esac
# Restarting the agent would kill this very command before it can verify anything.
case "$unit" in
  amazon-ssm-agent.service | snap.amazon-ssm-agent.*)
    echo "refused: $unit is the SSM agent running this command" >&2
    exit 2
    ;;
esac
if ! systemctl cat -- "$unit" >/dev/null 2>&1; then
  echo "refused: no such unit $unit" >&2
  exit 2
fi
echo "restarting $unit"
systemctl restart -- "$unit" || echo "systemctl restart returned $?" >&2
waited=0
while :; do
  if systemctl is-active --quiet -- "$unit"; then
    echo "active: $unit is running ${waited}s after the restart"
    exit 0
  fi
  if [ "$waited" -ge "$WAIT" ]; then break; fi
  sleep 1
  waited=$((waited + 1))
done
state=$(systemctl is-active -- "$unit" || true)
echo "failed: $unit is $state ${WAIT}s after the restart" >&2
systemctl status --no-pager --lines=20 -- "$unit" >&2 || true
exit 1
