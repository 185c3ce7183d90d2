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
import { MAIN_SCOPE, type ScenarioStore } from './scenario-store';

/** The query parameter naming the scope a link's scenario belongs to, when not the page's. */
export const SCOPE_PARAM = 'scope';

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
  const { scenario, defaults } = store.getState();
  const params = encodeScenarioToParams(scenario, defaults);
  if (scope !== MAIN_SCOPE) params.set(SCOPE_PARAM, scope);
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

const syncing = new Set<string>();

/**
 * Restores `scope`'s scenario from the current URL, then writes every change
 * back to it. Runs once per scope; returns a function that stops it.
 */
export function startUrlSync(
  scope: string,
  store: ScenarioStore,
  win: Window = window,
): () => void {
  if (syncing.has(scope)) return () => undefined;
  syncing.add(scope);

  const restore = (reportNotices: boolean) => {
    const params = paramsFor(scope, win.location.search);
    if (!params) return;
    const { scenario, notices } = decodeScenarioFromParams(params, store.getState().defaults);
    restoring = true;
    store.setState({ scenario });
    restoring = false;
    if (reportNotices && notices.length) {
      linkNotices.setState({ notices: [...linkNotices.getState().notices, ...notices] });
    }
  };

  let restoring = false;
  let lastChange = -Infinity;
  restore(true);

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
      store.setState({ scenario: store.getState().defaults });
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
