import { existsSync } from 'node:fs';

export default function globalSetup() {
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    throw new Error('Browser tests need Debian Chromium at /usr/bin/chromium: apt-get install -y chromium');
  }
}
