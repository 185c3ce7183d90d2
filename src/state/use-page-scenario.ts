// The React binding of the page's scenario store.
import { useStore } from 'zustand';
import { pageScenarioStore, type ScenarioState } from './scenario-store';

/** Subscribes a component to part of the page's scenario state. */
export function usePageScenario<T>(selector: (state: ScenarioState) => T): T {
  return useStore(pageScenarioStore(), selector);
}
