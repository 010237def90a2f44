# MSP-LogRotation (Windows). File mode only: copies WindowsLogPath to <name>.1 and empties it in place.
$ErrorActionPreference = 'Stop'
$mode = '{{ Mode }}'
$path = '{{ WindowsLogPath }}'
$keep = [int]'{{ Keep }}'
if ($mode -ne 'file') { Write-Error "refused: only file mode is supported on Windows"; exit 2 }
if (-not $path) { Write-Error "refused: WindowsLogPath is required"; exit 2 }
$full = [IO.Path]::GetFullPath($path)
if (-not ($full.StartsWith('C:\ProgramData\', 'OrdinalIgnoreCase') -or $full.StartsWith('C:\inetpub\logs\', 'OrdinalIgnoreCase'))) {
  Write-Error "refused: $path is outside C:\ProgramData and C:\inetpub\logs"; exit 2
}
$item = Get-Item -LiteralPath $full -Force
if ($item.Attributes -band [IO.FileAttributes]::ReparsePoint) { Write-Error "refused: $path is a link"; exit 2 }
Remove-Item -LiteralPath "$full.$keep" -Force -ErrorAction SilentlyContinue
for ($i = $keep - 1; $i -ge 1; $i--) {
  if (Test-Path -LiteralPath "$full.$i") { Move-Item -LiteralPath "$full.$i" -Destination "$full.$($i + 1)" -Force }
}
Copy-Item -LiteralPath $full -Destination "$full.1" -Force
Clear-Content -LiteralPath $full
Write-Output "rotated ${full}: $($item.Length) bytes copied to $full.1 and truncated; keeping $keep"
