# MSP-DiskCleanup (Windows). Deletes files older than OlderThanDays from the Windows temp
# directories and the Windows Update download cache only; the Paths parameter is Linux-only.
$ErrorActionPreference = 'Stop'
$days = [int]'{{ OlderThanDays }}'
$cutoff = (Get-Date).AddDays(-$days)
$dirs = @("$env:SystemRoot\Temp", "$env:SystemRoot\SoftwareDistribution\Download")
$total = [int64]0
foreach ($dir in $dirs) {
  if (-not (Test-Path -LiteralPath $dir -PathType Container)) { Write-Output "skipped: $dir (no such directory)"; continue }
  $freed = [int64]0
  Get-ChildItem -LiteralPath $dir -Recurse -File -Force -ErrorAction SilentlyContinue |
    Where-Object { $_.LastWriteTime -lt $cutoff -and -not ($_.Attributes -band [IO.FileAttributes]::ReparsePoint) } |
    ForEach-Object {
      $size = $_.Length
      try { Remove-Item -LiteralPath $_.FullName -Force -ErrorAction Stop; $freed += $size } catch { }
    }
  Write-Output "freed $freed bytes in $dir"
  $total += $freed
}
Write-Output "bytes_freed=$total"
