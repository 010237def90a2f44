// The chart's generated files are up to date: CRDs from operator/src/api/v1alpha1/crds.ts and the
// README from values.yaml. Fix with `npm run chart:crds -w @aw/operator` / `chart:readme`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crds } from '../../src/api/v1alpha1/index.ts';
import { renderCrds } from './generate-crds.ts';
import { documentedValues, renderReadme } from './generate-readme.ts';

describe('generated chart files', () => {
  it('crds/*.yaml equal the CRD objects the operator exports', () => {
    const rendered = renderCrds();
    expect(rendered.size).toBe(crds.length);
    for (const [file, text] of rendered) {
      expect(readFileSync(file, 'utf8'), file).toBe(text);
      expect(parse(text)).toEqual(
        JSON.parse(JSON.stringify(crds.find((c) => file.endsWith(`${c.metadata.name}.yaml`)))),
      );
    }
  });

  it('README.md is generated from values.yaml', async () => {
    const committed = readFileSync(
      new URL('../../../charts/alert-whisperer-operator/README.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(await renderReadme());
  });

  it('reads `# --` comments, nested keys and defaults from values.yaml', () => {
    const docs = documentedValues(
      ['# -- top', 'a: 1', 'b:', '  # -- nested', '  # second line', '  c: [x]', '  d: no-doc', ''].join(
        '\n',
      ),
    );
    expect(docs).toEqual([
      { key: 'a', type: 'int', default: '1', description: 'top' },
      { key: 'b.c', type: 'list', default: '["x"]', description: 'nested second line' },
    ]);
  });
});
