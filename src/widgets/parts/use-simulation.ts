// The engine's run of a scenario, for a widget: immediate for small runs (so a
// slider move redraws in the same frame), in the Web Worker for long ones,
// with progress and cancel.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { SimResult } from '../../engine/index';
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
}

const idle = () => undefined;

export function useSimulation(scenario: Scenario, trace = false): RunState {
  const small = runsOnMainThread(scenario);
  const key = runKey(scenario, trace);
  const background = useStore(backgroundRuns, (runs) => runs[key]);

  useEffect(() => {
    if (small) return;
    const started = startBackgroundRun(scenario, trace);
    return () => releaseBackgroundRun(started);
  }, [scenario, trace, small]);

  if (small)
    return { result: runNow(scenario, trace), progress: null, cancel: idle, cancelled: false };
  const result = background?.result ?? cachedRun(scenario, trace) ?? null;
  if (result) return { result, progress: null, cancel: idle, cancelled: false };
  return {
    result: null,
    progress: background?.progress ?? 0,
    cancel: background?.cancel ?? idle,
    cancelled: background?.cancelled ?? false,
  };
}
