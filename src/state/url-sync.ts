// Keeps the URL and a scope's scenario in step, as SCENARIO.md ("Share links")
// describes: the query string names by key path only what differs from the
// page's defaults; opening the link restores exactly that scenario; a bad or
// unknown parameter is ignored with a notice that names it and says why.
// A burst of changes (a slider dragged) makes one history entry, not one per
// step, so back and forward move between settled configurations.
import { createStore } from 'zustand/vanilla';
import {
  decodeScenarioFromParams,
  encodeScenarioToParams,
  type DecodeNotice,
} from '../scenario/url';
import { linkVersion, readLinkVersion, VERSION_PARAM } from '../scenario/link-version';
import { presetById } from '../scenario/presets/index';
import type { Scenario } from '../scenario/types';
import { MAIN_SCOPE, presetScenario, type ScenarioStore } from './scenario-store';

/** The query parameter naming the scope a link's scenario belongs to, when not the page's. */
export const SCOPE_PARAM = 'scope';
/** The query parameter naming the preset the other parameters change (`?preset=nullpool&app.workers=2`). */
export const PRESET_PARAM = 'preset';

/** A change later than this after the previous one starts a new history entry. */
const SETTLE_MS = 1000;

export interface NoticeState {
  notices: DecodeNotice[];
  /** The widget that shows the notices (the first on the page). */
  owner: string | null;
  dismiss: () => void;
}

/** What the link asked for that was ignored, shown once on the page. */
export const linkNotices = createStore<NoticeState>()((set) => ({
  notices: [],
  owner: null,
  dismiss: () => set({ notices: [] }),
}));

/** The URL (path, query and hash) that shares `store`'s scenario. */
export function shareUrl(
  scope: string,
  store: ScenarioStore,
  loc: { pathname: string; hash: string },
  hash = loc.hash,
): string {
  const { scenario, base, basePreset } = store.getState();
  const params = new URLSearchParams();
  if (basePreset) params.set(PRESET_PARAM, basePreset);
  for (const [key, value] of encodeScenarioToParams(scenario, base)) params.append(key, value);
  if (scope !== MAIN_SCOPE) params.set(SCOPE_PARAM, scope);
  if ([...params.keys()].length > 0) params.set(VERSION_PARAM, linkVersion());
  const query = params.toString();
  return `${loc.pathname}${query ? `?${query}` : ''}${hash}`;
}

/** The link's parameters meant for `scope`, without the scope parameter itself; null when the link is for another scope. */
function paramsFor(scope: string, search: string): URLSearchParams | null {
  const params = new URLSearchParams(search);
  const linked = params.get(SCOPE_PARAM) ?? MAIN_SCOPE;
  if (linked !== scope) return null;
  params.delete(SCOPE_PARAM);
  return params;
}

/** The scenario a link's parameters change: the preset it names, else the page's defaults. Takes the preset parameter out of `params`. */
function linkBase(
  params: URLSearchParams,
  defaults: Scenario,
): { base: Scenario; basePreset: string | null; notices: DecodeNotice[] } {
  const id = params.get(PRESET_PARAM);
  params.delete(PRESET_PARAM);
  if (id === null) return { base: defaults, basePreset: null, notices: [] };
  if (presetById(id)) return { base: presetScenario(id), basePreset: id, notices: [] };
  return {
    base: defaults,
    basePreset: null,
    notices: [
      {
        param: PRESET_PARAM,
        message: `${JSON.stringify(id.slice(0, 40))} is not a preset of this site`,
      },
    ],
  };
}

const syncing = new Set<string>();

/**
 * Restores `scope`'s scenario from the current URL, then writes every change
 * back to it. Runs once per scope; returns a function that stops it.
 */
export function startUrlSync(
  scope: string,
  store: ScenarioStore,
  win: Window = window,
  startPreset?: string,
): () => void {
  if (syncing.has(scope)) return () => undefined;
  syncing.add(scope);

  const restore = (reportNotices: boolean) => {
    const params = paramsFor(scope, win.location.search);
    if (!params) return;
    const versionNotices = readLinkVersion(params);
    const {
      base,
      basePreset,
      notices: presetNotices,
    } = linkBase(params, store.getState().defaults);
    const { scenario, notices: decoded } = decodeScenarioFromParams(params, base);
    const notices = [...versionNotices, ...presetNotices, ...decoded];
    restoring = true;
    store.setState({ scenario, base, basePreset });
    restoring = false;
    if (reportNotices && notices.length) {
      linkNotices.setState({ notices: [...linkNotices.getState().notices, ...notices] });
    }
  };

  let restoring = false;
  let lastChange = -Infinity;
  restore(true);
  // A page may start from a preset when its link names nothing (the Lab does):
  // the address then names that preset, without adding a history entry.
  if (startPreset && new URLSearchParams(win.location.search).size === 0) {
    restoring = true;
    store.getState().loadPreset(startPreset);
    restoring = false;
    win.history.replaceState(null, '', shareUrl(scope, store, win.location));
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (restoring || state.scenario === previous.scenario) return;
    const url = shareUrl(scope, store, win.location);
    const now = Date.now();
    if (now - lastChange > SETTLE_MS) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
    lastChange = now;
  });
  const onPopState = () => {
    const params = paramsFor(scope, win.location.search);
    if (params) restore(false);
    else if (scope === MAIN_SCOPE || new URLSearchParams(win.location.search).size === 0) {
      restoring = true;
      const { defaults } = store.getState();
      store.setState({ scenario: defaults, base: defaults, basePreset: null });
      restoring = false;
    }
  };
  win.addEventListener('popstate', onPopState);
  return () => {
    unsubscribe();
    win.removeEventListener('popstate', onPopState);
    syncing.delete(scope);
  };
}
