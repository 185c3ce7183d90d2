// Playback of a scope's run, shared by the animated widgets that show it:
// where in virtual time the views are, whether time is moving, and how fast.
// A view never advances the model itself: it asks the engine for the state at
// `timeUs` (stateAt), so scrubbing back shows exactly what was seen going forward.
import { createStore, type StoreApi } from 'zustand/vanilla';

/** Virtual seconds shown per real second. */
export const SPEEDS = [0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export type Speed = (typeof SPEEDS)[number];

export interface PlaybackState {
  /** Virtual time shown, in µs. */
  timeUs: number;
  /** End of the run being shown, in µs. */
  endUs: number;
  playing: boolean;
  speed: Speed;
  play: () => void;
  pause: () => void;
  /** Moves to `timeUs`, clamped to the run. Pauses: a scrub is a deliberate stop. */
  seek: (timeUs: number) => void;
  setSpeed: (speed: Speed) => void;
  /** A new run was loaded: keep the time where possible. */
  setEnd: (endUs: number) => void;
  /** Advances by `realMs` of wall time at the current speed; stops at the end. */
  advance: (realMs: number) => void;
}

export type PlaybackStore = StoreApi<PlaybackState>;

const clamp = (t: number, end: number) => Math.min(Math.max(0, Math.round(t)), end);

export function createPlaybackStore(
  initial: Partial<Pick<PlaybackState, 'timeUs' | 'speed'>> = {},
): PlaybackStore {
  return createStore<PlaybackState>()((set, get) => ({
    timeUs: initial.timeUs ?? 0,
    endUs: 0,
    playing: false,
    speed: initial.speed ?? 0.1,
    play: () => {
      const { timeUs, endUs } = get();
      set({ playing: true, timeUs: timeUs >= endUs ? 0 : timeUs });
    },
    pause: () => set({ playing: false }),
    seek: (timeUs) => set({ playing: false, timeUs: clamp(timeUs, get().endUs) }),
    setSpeed: (speed) => set({ speed }),
    setEnd: (endUs) => set({ endUs, timeUs: clamp(get().timeUs, endUs) }),
    advance: (realMs) => {
      const { timeUs, endUs, speed, playing } = get();
      if (!playing) return;
      const next = clamp(timeUs + realMs * 1000 * speed, endUs);
      set({ timeUs: next, playing: next < endUs });
    },
  }));
}

const stores = new Map<string, PlaybackStore>();

/** The playback of a scope on the current page (see scenario-store.ts for scopes). */
export function playbackStore(scope: string): PlaybackStore {
  if (typeof window === 'undefined') return createPlaybackStore();
  let store = stores.get(scope);
  if (!store) {
    store = createPlaybackStore();
    stores.set(scope, store);
  }
  return store;
}
