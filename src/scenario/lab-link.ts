// The Lab link that reproduces a scenario, for reports made outside the site
// (the CLI): the Lab's query string is written against the engine's defaults,
// or against a preset when the scenario started from one.
import { DEFAULT_SCENARIO } from './defaults';
import { parseScenario } from './parse';
import { presetById } from './presets/index';
import type { Scenario } from './types';
import { encodeScenarioToParams } from './url';
import { linkVersion, VERSION_PARAM } from './link-version';

export function labLink(
  scenario: Scenario,
  options: { site: string; base?: string; preset?: string },
): string {
  const base = (options.base ?? '/').replace(/\/?$/, '/');
  const params = new URLSearchParams();
  let against = DEFAULT_SCENARIO;
  const preset = options.preset ? presetById(options.preset) : undefined;
  if (preset) {
    const parsed = parseScenario(preset.scenario);
    if (parsed.ok) {
      against = parsed.scenario;
      params.set('preset', preset.id);
    }
  }
  for (const [key, value] of encodeScenarioToParams(scenario, against)) params.append(key, value);
  if ([...params.keys()].length > 0) params.set(VERSION_PARAM, linkVersion());
  const query = params.toString();
  return `${options.site.replace(/\/$/, '')}${base}lab/${query ? `?${query}` : ''}`;
}
