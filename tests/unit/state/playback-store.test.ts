import { describe, expect, it } from 'vitest';
import { createPlaybackStore } from '../../../src/state/playback-store';

describe('playback store', () => {
  it('advances at its speed while playing and stops at the end', () => {
    const store = createPlaybackStore({ speed: 0.1 });
    store.getState().setEnd(1_000_000);
    store.getState().advance(100);
    expect(store.getState().timeUs).toBe(0); // paused: nothing moves
    store.getState().play();
    store.getState().advance(100); // 100 ms real at 0.1× = 10 ms virtual
    expect(store.getState().timeUs).toBe(10_000);
    store.getState().advance(60_000);
    expect(store.getState()).toMatchObject({ timeUs: 1_000_000, playing: false });
  });

  it('seeks within the run and pauses', () => {
    const store = createPlaybackStore();
    store.getState().setEnd(500);
    store.getState().play();
    store.getState().seek(900);
    expect(store.getState()).toMatchObject({ timeUs: 500, playing: false });
    store.getState().seek(-5);
    expect(store.getState().timeUs).toBe(0);
  });

  it('replays from the start when play is pressed at the end', () => {
    const store = createPlaybackStore();
    store.getState().setEnd(500);
    store.getState().seek(500);
    store.getState().play();
    expect(store.getState()).toMatchObject({ timeUs: 0, playing: true });
  });
});
