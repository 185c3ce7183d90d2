import { useSyncExternalStore } from 'react';

const noSubscription = () => () => undefined;

/**
 * False in the server's HTML and during hydration, true once the widget runs in
 * the browser (React re-renders a hydrated component whose client value differs).
 * The scope's link has been read by then (ScenarioScope's effect runs first), so
 * until it is true the widget says it is busy: what it shows may still be the
 * page's defaults rather than the linked scenario.
 */
export function useMounted(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/**
 * The attributes that say whether a widget is ready: `aria-busy` until it runs in the
 * browser, then `data-ready` (what the end-to-end tests wait for).
 */
export function useReadyMarks(): { 'aria-busy'?: true; 'data-ready'?: '' } {
  return useMounted() ? { 'data-ready': '' } : { 'aria-busy': true };
}
