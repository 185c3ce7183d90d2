// The scenario a page is exploring, shared by the widgets on the page: a
// framework-free zustand store (the React binding is in use-page-scenario.ts).
// It only ever holds a valid, normalised scenario: a change the schema refuses
// is not applied, and the errors are returned to the control that asked.
//
// A page has one scenario per scope. Widgets without a `scope` share the
// page's main one ('page'); a chapter that shows two cases side by side gives
// each its own scope. A scope's defaults are the preset of the first widget
// that asks for it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_SCENARIO } from '../scenario/defaults';
import { parseScenario } from '../scenario/parse';
import { presetById } from '../scenario/presets/index';
import type { Scenario, ScenarioError } from '../scenario/types';
import { setAtPath } from './key-path';

export interface ScenarioState {
  /** The page's starting point. */
  defaults: Scenario;
  /** What a share link is written against: the page's defaults, or the preset last loaded. */
  base: Scenario;
  /** The preset the scenario was loaded from (a share link names it), or null. */
  basePreset: string | null;
  scenario: Scenario;
  /** Sets one key path (e.g. `pool.pool_size`). Returns the errors, if the value was refused. */
  setField: (path: string, value: unknown) => ScenarioError[];
  /** Replaces the whole scenario (an imported file). Returns the errors, if refused. */
  replace: (input: unknown) => ScenarioError[];
  /** Starts from a preset: the scenario and the base of share links become the preset's. */
  loadPreset: (presetId: string) => void;
  /** Back to the page's defaults. */
  reset: () => void;
}

export type ScenarioStore = StoreApi<ScenarioState>;

export const MAIN_SCOPE = 'page';

export function createScenarioStore(defaults: Scenario = DEFAULT_SCENARIO): ScenarioStore {
  return createStore<ScenarioState>()((set, get) => {
    const apply = (input: unknown): ScenarioError[] => {
      const parsed = parseScenario(input);
      if (!parsed.ok) return parsed.errors;
      set({ scenario: parsed.scenario });
      return [];
    };
    return {
      defaults,
      base: defaults,
      basePreset: null,
      scenario: defaults,
      setField: (path, value) => apply(setAtPath(get().scenario, path, value)),
      replace: (input) => {
        const errors = apply(input);
        if (errors.length === 0) set({ base: get().defaults, basePreset: null });
        return errors;
      },
      loadPreset: (presetId) => {
        const scenario = presetScenario(presetId);
        set({ scenario, base: scenario, basePreset: presetId });
      },
      reset: () => set({ scenario: get().defaults, base: get().defaults, basePreset: null }),
    };
  });
}

/** The normalised scenario of a preset; the engine's defaults when there is none. */
export function presetScenario(presetId: string | undefined): Scenario {
  if (!presetId) return DEFAULT_SCENARIO;
  const preset = presetById(presetId);
  if (!preset) throw new Error(`unknown preset "${presetId}"`);
  const parsed = parseScenario(preset.scenario);
  if (!parsed.ok) throw new Error(`preset "${presetId}" is invalid: ${parsed.errors[0]?.message}`);
  return parsed.scenario;
}

const stores = new Map<string, ScenarioStore>();
const created = new Set<(scope: string, store: ScenarioStore) => void>();

/**
 * The store of a scope on the current page. In the browser, islands are
 * separate React roots but share this module, so they share the store. On the
 * server (the static build renders every page in one process) each render gets
 * a fresh store, so that no page's state leaks into another's HTML.
 */
export function scenarioStore(scope = MAIN_SCOPE, presetId?: string): ScenarioStore {
  if (typeof window === 'undefined') return createScenarioStore(presetScenario(presetId));
  let store = stores.get(scope);
  if (!store) {
    store = createScenarioStore(presetScenario(presetId));
    stores.set(scope, store);
    for (const listener of created) listener(scope, store);
  }
  return store;
}

/** Calls `listener` for every store created from now on (the URL sync uses it). */
export function onStoreCreated(
  listener: (scope: string, store: ScenarioStore) => void,
): () => void {
  created.add(listener);
  return () => created.delete(listener);
}

/** The page's main store. */
export function pageScenarioStore(): ScenarioStore {
  return scenarioStore(MAIN_SCOPE);
}
