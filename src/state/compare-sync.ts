// The comparison page's link carries both scenarios: each side's parameters
// behind its prefix (`before.preset=memo-no-post-fork&after.app.post_fork=...`),
// written and read with the same codec as a single scenario's link.
import { readLinkVersion, linkVersion, VERSION_PARAM } from '../scenario/link-version';
import { presetById } from '../scenario/presets/index';
import type { DecodeNotice } from '../scenario/url';
import { decodeScenarioFromParams, encodeScenarioToParams } from '../scenario/url';
import { presetScenario, type ScenarioStore } from './scenario-store';
import { linkNotices } from './url-sync';

export const SIDES = ['before', 'after'] as const;
export type Side = (typeof SIDES)[number];

/** The comparison's query string for both stores. */
export function compareQuery(stores: Record<Side, ScenarioStore>): string {
  const params = new URLSearchParams();
  for (const side of SIDES) {
    const { scenario, base, basePreset } = stores[side].getState();
    if (basePreset) params.set(`${side}.preset`, basePreset);
    for (const [key, value] of encodeScenarioToParams(scenario, base))
      params.append(`${side}.${key}`, value);
  }
  params.set(VERSION_PARAM, linkVersion());
  return params.toString();
}

/** One side's parameters, prefix removed; everything else named in `stray`. */
function split(search: string): { sides: Record<Side, URLSearchParams>; rest: URLSearchParams } {
  const sides = { before: new URLSearchParams(), after: new URLSearchParams() };
  const rest = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(search)) {
    const side = SIDES.find((s) => key.startsWith(`${s}.`));
    if (side) sides[side].append(key.slice(side.length + 1), value);
    else rest.append(key, value);
  }
  return { sides, rest };
}

function restoreSide(side: Side, params: URLSearchParams, store: ScenarioStore): DecodeNotice[] {
  const notices: DecodeNotice[] = [];
  const { defaults } = store.getState();
  const id = params.get('preset');
  params.delete('preset');
  let base = defaults;
  let basePreset: string | null = null;
  if (id !== null) {
    if (presetById(id)) {
      base = presetScenario(id);
      basePreset = id;
    } else
      notices.push({
        param: `${side}.preset`,
        message: `${JSON.stringify(id.slice(0, 40))} is not a preset of this site`,
      });
  }
  const decoded = decodeScenarioFromParams(params, base);
  store.setState({ scenario: decoded.scenario, base, basePreset });
  return [...notices, ...decoded.notices.map((n) => ({ ...n, param: `${side}.${n.param}` }))];
}

/** Restores both sides from the URL (or their start presets), then keeps the URL in step. */
export function startCompareSync(
  stores: Record<Side, ScenarioStore>,
  startPresets: Record<Side, string>,
  win: Window = window,
): () => void {
  const { sides, rest } = split(win.location.search);
  const notices = readLinkVersion(rest);
  for (const [key] of rest)
    notices.push({
      param: key.slice(0, 60),
      message: 'unknown parameter (expected before.… or after.…)',
    });
  const linked = [...new URLSearchParams(win.location.search).keys()].length > 0;
  for (const side of SIDES) {
    if (linked) notices.push(...restoreSide(side, sides[side], stores[side]));
    else stores[side].getState().loadPreset(startPresets[side]);
  }
  if (notices.length)
    linkNotices.setState({ notices: [...linkNotices.getState().notices, ...notices] });
  const write = () =>
    win.history.replaceState(
      null,
      '',
      `${win.location.pathname}?${compareQuery(stores)}${win.location.hash}`,
    );
  if (!linked) write();
  const stops = SIDES.map((side) =>
    stores[side].subscribe((s, prev) => s.scenario !== prev.scenario && write()),
  );
  return () => stops.forEach((stop) => stop());
}
