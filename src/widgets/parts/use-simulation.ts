// The engine's run of a scenario, for a widget: immediate for small runs, in the
// Web Worker for long ones, with progress and cancel. The run follows the
// scenario as a deferred value: after a slider move React first redraws the
// controls, then re-runs the views in an interruptible render, so a dragged
// slider stays fluid on a page of many views and skips the steps it passed.
import { useDeferredValue, useEffect } from 'react';
import { useStore } from 'zustand';
import type { SimResult } from '../../engine/index';
import { useMounted } from './use-mounted';
import type { Scenario } from '../../scenario/types';
import {
  backgroundRuns,
  cachedRun,
  releaseBackgroundRun,
  runKey,
  runNow,
  runsOnMainThread,
  startBackgroundRun,
} from '../../state/runs';

export interface RunState {
  result: SimResult | null;
  /** 0..1 while a background run is going, null otherwise. */
  progress: number | null;
  cancel: () => void;
  cancelled: boolean;
  /** The result is for an earlier scenario; the run for the current one is on its way. */
  stale: boolean;
}

const idle = () => undefined;

export function useSimulation(current: Scenario, trace = false): RunState {
  const scenario = useDeferredValue(current);
  const mounted = useMounted();
  const stale = scenario !== current;
  const small = runsOnMainThread(scenario);
  const key = runKey(scenario, trace);
  const background = useStore(backgroundRuns, (runs) => runs[key]);

  useEffect(() => {
    if (small) return;
    const started = startBackgroundRun(scenario, trace);
    return () => releaseBackgroundRun(started);
  }, [scenario, trace, small]);

  if (small)
    return {
      result: runNow(scenario, trace),
      progress: null,
      cancel: idle,
      cancelled: false,
      stale,
    };
  // While hydrating, what the server rendered: it runs no background runs, so a result the
  // browser already has from another widget's run would not match its HTML. (The runs
  // store itself reads as empty while hydrating.)
  const result = background?.result ?? (mounted ? cachedRun(scenario, trace) : undefined) ?? null;
  if (result) return { result, progress: null, cancel: idle, cancelled: false, stale };
  return {
    result: null,
    progress: background?.progress ?? 0,
    cancel: background?.cancel ?? idle,
    cancelled: background?.cancelled ?? false,
    stale,
  };
}
