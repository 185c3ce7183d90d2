// Playback controls shared by the animated widgets: play, pause, step one
// event back or forward, a timeline to scrub, speed, and the seed. The views
// draw the engine's state at the playback time (stateAt), so scrubbing back
// shows exactly what was seen going forward.
import { useEffect, useId, useRef } from 'react';
import { useStore } from 'zustand';
import { eventCountAt, type Trace } from '../../engine/index';
import { SPEEDS, playbackStore, type PlaybackStore, type Speed } from '../../state/playback-store';
import { useScenario, useScenarioScope } from '../../state/use-page-scenario';
import { usePrefersReducedMotion } from './reduced-motion';
import { formatNumber } from '../charts/format';

export function usePlayback(): PlaybackStore {
  return playbackStore(useScenarioScope().scope);
}

/** Drives the playback clock with animation frames while playing. */
function usePlaybackClock(store: PlaybackStore) {
  const playing = useStore(store, (s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      store.getState().advance(now - last);
      last = now;
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, store]);
}

const ms = (us: number) => `${formatNumber(us / 1000, 1)} ms`;
const seconds = (us: number) => `${(us / 1e6).toFixed(3)} s`;

export interface PlaybackProps {
  trace: Trace | undefined;
  /** Offer the seed and "new seed" (the scenario's seed key). */
  showSeed?: boolean;
  /** Where a new run starts, in µs (an interesting moment); the time is kept when the run changes later. */
  startUs?: number;
}

export function Playback({ trace, showSeed = true, startUs }: PlaybackProps) {
  const store = usePlayback();
  const { store: scenarioStore } = useScenarioScope();
  const seed = useScenario((s) => s.scenario.seed);
  const { timeUs, endUs, playing, speed } = useStore(store);
  const reduced = usePrefersReducedMotion();
  const id = useId();
  const endRef = useRef(0);
  usePlaybackClock(store);

  const traceEnd = trace?.endUs ?? 0;
  useEffect(() => {
    if (endRef.current === traceEnd) return;
    const first = endRef.current === 0;
    endRef.current = traceEnd;
    store.getState().setEnd(traceEnd);
    if (first && startUs !== undefined && store.getState().timeUs === 0)
      store.getState().seek(startUs);
  }, [traceEnd, store, startUs]);

  // Step to the next or previous instant at which something happens.
  const step = (direction: 1 | -1) => {
    if (!trace || trace.length === 0) return;
    const after = eventCountAt(trace, timeUs); // events at or before now
    if (direction === 1) {
      if (after < trace.length) store.getState().seek(trace.t[after] ?? timeUs);
      return;
    }
    const before = eventCountAt(trace, timeUs - 1); // events strictly before now
    store.getState().seek(before > 0 ? (trace.t[before - 1] ?? 0) : 0);
  };

  return (
    <div className="poollab-playback" role="group" aria-label="Playback">
      <button
        type="button"
        onClick={() => (playing ? store.getState().pause() : store.getState().play())}
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" onClick={() => step(-1)} aria-label="Step back one event">
        ◀ Step
      </button>
      <button type="button" onClick={() => step(1)} aria-label="Step forward one event">
        Step ▶
      </button>
      <label htmlFor={`${id}-time`} className="poollab-playback__time">
        t = {seconds(timeUs)}
      </label>
      <input
        id={`${id}-time`}
        type="range"
        min={0}
        max={Math.max(endUs, 1)}
        step={1000}
        value={timeUs}
        aria-valuetext={`${seconds(timeUs)} of ${seconds(endUs)}`}
        onChange={(e) => store.getState().seek(Number(e.currentTarget.value))}
      />
      <label>
        speed{' '}
        <select
          value={speed}
          onChange={(e) => store.getState().setSpeed(Number(e.currentTarget.value) as Speed)}
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}× ({ms(s * 1e6)} per second)
            </option>
          ))}
        </select>
      </label>
      {showSeed && (
        <span className="poollab-playback__seed">
          <label htmlFor={`${id}-seed`}>
            <code>seed</code>
          </label>
          <input
            id={`${id}-seed`}
            type="number"
            min={0}
            max={4294967295}
            value={seed}
            onChange={(e) => {
              const next = Number(e.currentTarget.value);
              if (e.currentTarget.value !== '' && Number.isInteger(next))
                scenarioStore.getState().setField('seed', next);
            }}
          />
          <button
            type="button"
            onClick={() => {
              const next = crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
              scenarioStore.getState().setField('seed', next);
            }}
          >
            New seed
          </button>
        </span>
      )}
      {reduced && (
        <span className="poollab-playback__note">Reduced motion: use Step or the timeline.</span>
      )}
    </div>
  );
}
