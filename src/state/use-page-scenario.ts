// The React binding of the scenario stores: a widget wraps itself in
// <ScenarioScope> (its scope and preset), and every part inside reads and
// writes that scope's store through the hooks below.
import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useState,
  type ReactNode,
} from 'react';
import { useStore } from 'zustand';
import {
  MAIN_SCOPE,
  pageScenarioStore,
  scenarioStore,
  type ScenarioState,
  type ScenarioStore,
} from './scenario-store';
import { startUrlSync } from './url-sync';

const StoreContext = createContext<{ scope: string; store: ScenarioStore } | null>(null);

export interface ScenarioScopeProps {
  /** Widgets with the same scope share one scenario; the default is the page's. */
  scope?: string;
  /** Preset id giving the scope's defaults (the first widget of the scope decides). */
  preset?: string;
  /** Preset to load when the page's link names no scenario (the defaults stay the engine's). */
  startPreset?: string;
  /** Keep the URL in step with this scope (off where a page syncs several scopes itself). */
  urlSync?: boolean;
  children: ReactNode;
}

export function ScenarioScope({
  scope = MAIN_SCOPE,
  preset,
  startPreset,
  urlSync = true,
  children,
}: ScenarioScopeProps) {
  const [store] = useState(() => scenarioStore(scope, preset));
  // After hydration, so that the first render matches the HTML built from the defaults.
  useEffect(
    () => (urlSync ? startUrlSync(scope, store, window, startPreset) : undefined),
    [scope, store, startPreset, urlSync],
  );
  return createElement(StoreContext.Provider, { value: { scope, store } }, children);
}

/** The scope and store of the enclosing widget (the page's main one outside any). */
export function useScenarioScope(): { scope: string; store: ScenarioStore } {
  return useContext(StoreContext) ?? { scope: MAIN_SCOPE, store: pageScenarioStore() };
}

/** Subscribes a component to part of its scope's scenario state. */
export function useScenario<T>(selector: (state: ScenarioState) => T): T {
  return useStore(useScenarioScope().store, selector);
}

/** The page's main scenario state (kept for parts outside any scope). */
export function usePageScenario<T>(selector: (state: ScenarioState) => T): T {
  return useScenario(selector);
}
