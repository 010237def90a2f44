// Where the chart and the Kubernetes tools live, for the chart generators and tests.
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const chartDir = path.join(repoRoot, 'charts', 'alert-whisperer-operator');
export const toolsBin = path.join(repoRoot, '.tools', 'bin');
export const helmBin = path.join(toolsBin, 'helm');
export const kubectlBin = path.join(toolsBin, 'kubectl');
