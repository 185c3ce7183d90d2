// What a widget shows while the engine is still running a long scenario in
// the background: a progress bar and a way to stop it.
import type { RunState } from './use-simulation';

export function RunStatus({ run }: { run: RunState }) {
  if (run.result) return null;
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
