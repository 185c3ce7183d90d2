// The engine gives the same run in Chromium as in Node: same trace hash, same figures.
// The engine and scenario modules are bundled with esbuild (as the site bundles them),
// evaluated in Node (vm) and in a blank Chromium page, and the results compared with
// each other and with the engine imported from source.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PRESET_IDS = [
  'memo-production',
  'memo-no-post-fork',
  'pgbouncer-transaction-default-max-client-conn',
];

interface Figures {
  id: string;
  hash: string;
  events: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  p99: number;
  checkedOutPeak: number;
  pgPeak: number;
}

interface PoolLabBundle {
  runPresets(ids: string[]): Figures[];
}

async function bundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `
        import { simulate } from './src/engine/index';
        import { parseScenario, presetById } from './src/scenario/index';
        export function runPresets(ids) {
          return ids.map((id) => {
            const parsed = parseScenario(presetById(id).scenario);
            if (!parsed.ok) throw new Error(id + ' is invalid');
            const r = simulate(parsed.scenario).report;
            return {
              id,
              hash: r.sim.trace_hash,
              events: r.sim.events,
              ok: r.requests.ok,
              failed: r.requests.failed,
              errors: r.requests.errors,
              p99: r.latency_ms.p99,
              checkedOutPeak: r.pool.checked_out_peak,
              pgPeak: r.postgres.connections_peak,
            };
          });
        }`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'PoolLab',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

test('trace hash and figures are the same in Chromium and in Node', async ({ page }) => {
  test.setTimeout(120_000);
  const code = await bundle();

  const sandbox: { PoolLab?: PoolLabBundle } = {};
  runInNewContext(`${code}\nthis.PoolLab = PoolLab;`, sandbox);
  const inNode = sandbox.PoolLab!.runPresets(PRESET_IDS);

  await page.setContent(
    '<!doctype html><html><head><title>engine</title></head><body></body></html>',
  );
  await page.addScriptTag({ content: code });
  const inChromium = await page.evaluate(
    (ids) => (globalThis as unknown as { PoolLab: PoolLabBundle }).PoolLab.runPresets(ids),
    PRESET_IDS,
  );

  expect(inChromium).toEqual(inNode);
  for (const f of inNode) {
    expect(f.hash, f.id).toMatch(/^[0-9a-f]{16}$/);
    expect(f.ok, f.id).toBeGreaterThan(0);
  }

  // And the bundle agrees with the engine as Node runs it from source.
  const { simulate } = await import('../../src/engine/index');
  const { parseScenario } = await import('../../src/scenario/parse');
  for (const f of inNode) {
    const file = JSON.parse(readFileSync(`${root}/src/scenario/presets/${f.id}.json`, 'utf8')) as {
      scenario: unknown;
    };
    const parsed = parseScenario(file.scenario);
    if (!parsed.ok) throw new Error(f.id);
    expect(simulate(parsed.scenario).report.sim.trace_hash, f.id).toBe(f.hash);
  }
});
