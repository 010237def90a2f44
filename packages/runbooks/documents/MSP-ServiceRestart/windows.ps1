# MSP-ServiceRestart (Windows). Restarts one service and waits until it reports Running.
$ErrorActionPreference = 'Stop'
$name = '{{ ServiceName }}'
$wait = [int]'{{ VerifySeconds }}'
if ($name -eq 'AmazonSSMAgent') { Write-Error "refused: $name is the SSM agent running this command"; exit 2 }
$svc = Get-Service -Name $name -ErrorAction SilentlyContinue
if (-not $svc) { Write-Error "refused: no such service $name"; exit 2 }
Write-Output "restarting $name"
Restart-Service -Name $name -Force
try {
  $svc.WaitForStatus('Running', [TimeSpan]::FromSeconds($wait))
  Write-Output "active: $name is running"
  exit 0
} catch {
  $svc.Refresh()
  Write-Error "failed: $name is $($svc.Status) ${wait}s after the restart"
  exit 1
}
