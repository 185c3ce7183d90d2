// What a widget shows while the engine is still running a long scenario in
// the background: a progress bar and a way to stop it. While a short run for
// the latest change is on its way, an unannounced marker fades the old figures.
import type { RunState } from './use-simulation';

export function RunStatus({ run }: { run: RunState }) {
  if (run.result) return run.stale ? <span className="poollab-stale" data-stale="" /> : null;
  if (run.cancelled) return <p role="status">Run cancelled. Change a setting to run again.</p>;
  return (
    <div className="poollab-runstatus" role="status">
      <label>
        Simulating… <progress max={1} value={run.progress ?? 0} />
      </label>{' '}
      <button type="button" onClick={run.cancel}>
        Cancel
      </button>
    </div>
  );
}
