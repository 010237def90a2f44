import { rmSync } from 'node:fs';

export default function globalTeardown() {
  rmSync(process.env.E2E_DATA_DIR!, { recursive: true, force: true });
}
