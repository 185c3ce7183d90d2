// The scenario a page is exploring, shared by every widget on the page: a
// framework-free zustand store (the React binding is in use-page-scenario.ts).
// It only ever holds a valid, normalised scenario: a change the schema refuses
// is not applied, and the errors are returned to the control that asked.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_SCENARIO } from '../scenario/defaults';
import { parseScenario } from '../scenario/parse';
import type { Scenario, ScenarioError } from '../scenario/types';
import { setAtPath } from './key-path';

export interface ScenarioState {
  /** The page's starting point; a share link records only what differs from it. */
  defaults: Scenario;
  scenario: Scenario;
  /** Sets one key path (e.g. `pool.pool_size`). Returns the errors, if the value was refused. */
  setField: (path: string, value: unknown) => ScenarioError[];
  /** Replaces the whole scenario (a preset, an imported file). Returns the errors, if refused. */
  replace: (input: unknown) => ScenarioError[];
  /** Back to the page's defaults. */
  reset: () => void;
}

export type ScenarioStore = StoreApi<ScenarioState>;

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
      scenario: defaults,
      setField: (path, value) => apply(setAtPath(get().scenario, path, value)),
      replace: apply,
      reset: () => set({ scenario: get().defaults }),
    };
  });
}

let pageStore: ScenarioStore | undefined;

/**
 * The one store of the current page. Islands on a page are separate React
 * roots but share this module, so they share the store.
 */
export function pageScenarioStore(): ScenarioStore {
  pageStore ??= createScenarioStore();
  return pageStore;
}
