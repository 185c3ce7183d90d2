import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POOL_LAB_VERSION } from '../../src/version';
import { labLink } from '../../src/scenario/lab-link';
import { DEFAULT_SCENARIO } from '../../src/scenario/defaults';
import { decodeScenarioFromParams } from '../../src/scenario/url';

describe('versions and Lab links', () => {
  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(POOL_LAB_VERSION).toBe(pkg.version);
  });

  it('writes a Lab link that decodes back to the scenario, under a base path', () => {
    const scenario = { ...DEFAULT_SCENARIO, app: { ...DEFAULT_SCENARIO.app, workers: 4 }, seed: 9 };
    const link = labLink(scenario, { site: 'https://docs.example.com/', base: '/pool-lab' });
    expect(link).toBe('https://docs.example.com/pool-lab/lab/?seed=9&app.workers=4&v=1.6');
    const params = new URL(link).searchParams;
    params.delete('v');
    const decoded = decodeScenarioFromParams(params, DEFAULT_SCENARIO);
    expect(decoded).toEqual({ scenario, notices: [] });
  });

  it('names the preset a scenario started from', () => {
    expect(
      labLink(DEFAULT_SCENARIO, { site: 'http://localhost:4321', preset: 'nullpool' }),
    ).toMatch(/^http:\/\/localhost:4321\/lab\/\?preset=nullpool&/);
  });
});
