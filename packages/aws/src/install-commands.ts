// Copy-ready commands that install the SSM agent on a server and register it with a hybrid
// activation (`amazon-ssm-agent -register -code … -id … -region …`).

export interface InstallCommands {
  linux: string;
  windows: string;
}

const SAFE = /^[\w+/=.:-]+$/;

export function installCommands(a: {
  activationCode: string;
  activationId: string;
  region: string;
}): InstallCommands {
  for (const [k, v] of Object.entries(a)) if (!SAFE.test(v)) throw new Error(`unexpected characters in ${k}`);
  const { activationCode: code, activationId: id, region } = a;
  const linux = [
    '# Run as a user with sudo on the server to enroll (Debian/Ubuntu or RHEL/Amazon Linux/SUSE, x86_64 or arm64).',
    `CODE="${code}"; ID="${id}"; REGION="${region}"`,
    'ARCH=$(uname -m | sed -e s/x86_64/amd64/ -e s/aarch64/arm64/)',
    'BASE="https://s3.$REGION.amazonaws.com/amazon-ssm-$REGION/latest"',
    'if command -v dpkg >/dev/null 2>&1; then',
    '  curl -fsSL -o /tmp/amazon-ssm-agent.deb "$BASE/debian_$ARCH/amazon-ssm-agent.deb" && sudo dpkg -i /tmp/amazon-ssm-agent.deb',
    'else',
    '  curl -fsSL -o /tmp/amazon-ssm-agent.rpm "$BASE/linux_$ARCH/amazon-ssm-agent.rpm" && sudo rpm -Uvh --replacepkgs /tmp/amazon-ssm-agent.rpm',
    'fi',
    'sudo systemctl stop amazon-ssm-agent',
    'sudo amazon-ssm-agent -register -code "$CODE" -id "$ID" -region "$REGION"',
    'sudo systemctl enable --now amazon-ssm-agent',
  ].join('\n');
  const windows = [
    '# Run in an elevated PowerShell on the server to enroll.',
    `$code = "${code}"; $id = "${id}"; $region = "${region}"`,
    '$dir = Join-Path $env:TEMP "ssm"; New-Item -ItemType Directory -Path $dir -Force | Out-Null',
    '$setup = Join-Path $dir "AmazonSSMAgentSetup.exe"',
    'Invoke-WebRequest -UseBasicParsing -Uri "https://amazon-ssm-$region.s3.$region.amazonaws.com/latest/windows_amd64/AmazonSSMAgentSetup.exe" -OutFile $setup',
    'Start-Process -FilePath $setup -ArgumentList "/S" -Wait',
    'Stop-Service AmazonSSMAgent -ErrorAction SilentlyContinue',
    '& "$env:ProgramFiles\\Amazon\\SSM\\amazon-ssm-agent.exe" -register -code $code -id $id -region $region',
    'Start-Service AmazonSSMAgent',
  ].join('\n');
  return { linux, windows };
}
