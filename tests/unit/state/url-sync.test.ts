// The URL sync against a minimal window: restore, preset links, notices,
// history entries and back/forward.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScenarioStore, presetScenario } from '../../../src/state/scenario-store';
import { linkNotices, shareUrl, startUrlSync } from '../../../src/state/url-sync';

function fakeWindow(search: string) {
  const listeners = new Map<string, () => void>();
  const entries = [{ url: `/lab/${search}` }];
  let index = 0;
  const location = {
    pathname: '/lab/',
    hash: '',
    get search() {
      return new URL(entries[index]!.url, 'http://x').search;
    },
  };
  const win = {
    location,
    history: {
      pushState: (_: unknown, __: string, url: string) => {
        entries.splice(index + 1);
        entries.push({ url });
        index++;
      },
      replaceState: (_: unknown, __: string, url: string) => {
        entries[index] = { url };
      },
    },
    addEventListener: (type: string, fn: () => void) => listeners.set(type, fn),
    removeEventListener: (type: string) => listeners.delete(type),
  };
  const back = () => {
    index--;
    listeners.get('popstate')?.();
  };
  return { win: win as unknown as Window, entries, back, url: () => entries[index]!.url };
}

afterEach(() => {
  linkNotices.setState({ notices: [], owner: null });
  vi.useRealTimers();
});

describe('URL sync', () => {
  it('restores a link, names what it ignored, and writes changes back', () => {
    const store = createScenarioStore();
    const { win, url } = fakeWindow('?app.workers=3&bogus=1');
    const stop = startUrlSync('page', store, win);
    expect(store.getState().scenario.app.workers).toBe(3);
    expect(linkNotices.getState().notices).toEqual([
      { param: 'bogus', message: 'unknown parameter' },
    ]);
    store.getState().setField('pool.pool_size', 7);
    expect(url()).toBe('/lab/?app.workers=3&pool.pool_size=7&v=1.6');
    stop();
  });

  it('writes links against a preset and restores them', () => {
    const store = createScenarioStore();
    const { win } = fakeWindow('?preset=nullpool&app.threads=2');
    const stop = startUrlSync('page', store, win);
    const nullpool = presetScenario('nullpool');
    expect(store.getState().scenario).toEqual({
      ...nullpool,
      app: { ...nullpool.app, threads: 2 },
    });
    expect(shareUrl('page', store, { pathname: '/lab/', hash: '#pool' })).toBe(
      '/lab/?preset=nullpool&app.threads=2&v=1.6#pool',
    );
    stop();
  });

  it('starts from a preset when the link names nothing, without a history entry', () => {
    const store = createScenarioStore();
    const { win, entries, url } = fakeWindow('');
    const stop = startUrlSync('page', store, win, 'nullpool');
    expect(store.getState().basePreset).toBe('nullpool');
    expect(entries).toHaveLength(1);
    expect(url()).toBe('/lab/?preset=nullpool&v=1.6');
    stop();
  });

  it('makes one history entry per burst of changes; back restores the one before', () => {
    vi.useFakeTimers();
    const store = createScenarioStore();
    const { win, entries, back } = fakeWindow('');
    const stop = startUrlSync('page', store, win);
    for (const size of [6, 7, 8]) store.getState().setField('pool.pool_size', size);
    vi.advanceTimersByTime(1500);
    store.getState().setField('pool.pool_size', 9);
    expect(entries.map((e) => e.url)).toEqual([
      '/lab/',
      '/lab/?pool.pool_size=8&v=1.6',
      '/lab/?pool.pool_size=9&v=1.6',
    ]);
    back();
    expect(store.getState().scenario.pool.pool_size).toBe(8);
    back();
    expect(store.getState().scenario.pool.pool_size).toBe(5);
    stop();
  });
});

describe('link versions', () => {
  it('opens an older model revision with a notice, and a malformed version with another', async () => {
    const { readLinkVersion } = await import('../../../src/scenario/link-version');
    expect(readLinkVersion(new URLSearchParams('v=1.6'))).toEqual([]);
    expect(readLinkVersion(new URLSearchParams('a=1'))).toEqual([]);
    expect(readLinkVersion(new URLSearchParams('v=1.0'))[0]?.message).toMatch(/figures may differ/);
    expect(readLinkVersion(new URLSearchParams('v=9.9'))[0]?.message).toMatch(/newer Pool Lab/);
    expect(readLinkVersion(new URLSearchParams('v=<b>'))[0]?.message).toMatch(/is not a version/);
  });
});
