// Gunicorn's master and workers as processes with FD tables, and the database
// sockets they point at, animated from the engine's trace: fork copies the FD
// table (and, with preload_app, the pool with its idle connection), so a
// socket can end up used by two processes at once; the event list shows the
// interleaving's errors with the real texts. Toggles: preload_app,
// master_connects, post_fork, post_worker_init, session_scope, tls.
// Semantics: https://docs.sqlalchemy.org/en/20/core/pooling.html#using-connection-pools-with-multiprocessing-or-os-fork
// https://man7.org/linux/man-pages/man2/fork.2.html ; https://docs.gunicorn.org/en/stable/settings.html#server-hooks
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { stateAt } from '../engine/index';
import { useScenario } from '../state/use-page-scenario';
import { ErrorStrip } from './parts/fork/ErrorStrip';
import { fdCopiesAt, forkMoment, recentForkEvents } from './parts/fork/fork-events';
import { forkSummary, forkView } from './parts/fork/fork-view';
import { ForkPicture } from './parts/fork/ForkPicture';
import { FieldControl } from './parts/FieldControl';
import { Playback, usePlayback } from './parts/Playback';
import { usePrefersReducedMotion } from './parts/reduced-motion';
import { RunStatus } from './parts/RunStatus';
import { RunTotals } from './parts/RunTotals';
import { useSimulation } from './parts/use-simulation';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

export const FORK_CONTROLS = [
  'app.preload_app',
  'app.master_connects',
  'app.post_fork',
  'app.post_worker_init',
  'app.session_scope',
  'network.tls',
];

export interface ForkExplorerProps extends WidgetProps {
  /** Key paths of the controls to offer (default: the six fork toggles). */
  controls?: string[];
}

export default function ForkExplorer({ controls = FORK_CONTROLS, ...frame }: ForkExplorerProps) {
  return (
    <WidgetFrame title="Fork explorer: processes, FD tables and sockets" {...frame}>
      <ForkExplorerView controls={controls} />
    </WidgetFrame>
  );
}

function ForkExplorerView({ controls }: { controls: string[] }) {
  const scenario = useScenario((s) => s.scenario);
  const run = useSimulation(scenario, true);
  const trace = run.result?.trace;
  const report = run.result?.report;
  const timeUs = useStore(usePlayback(), (s) => s.timeUs);
  const playing = useStore(usePlayback(), (s) => s.playing);
  const reduced = usePrefersReducedMotion();
  const snapshot = useMemo(() => (trace ? stateAt(trace, timeUs) : null), [trace, timeUs]);
  const view = useMemo(() => (snapshot ? forkView(snapshot) : null), [snapshot]);
  const copies = useMemo(() => (trace ? fdCopiesAt(trace, timeUs) : []), [trace, timeUs]);
  const startUs = useMemo(() => (trace ? forkMoment(trace) : 0), [trace]);
  const samples = report?.error_samples;
  const events = useMemo(
    () => (trace && samples ? recentForkEvents(trace, timeUs, samples) : []),
    [trace, timeUs, samples],
  );

  return (
    <div className="poollab-fork">
      <div className="poollab-controls-grid">
        {controls.map((path) => (
          <FieldControl key={path} path={path} />
        ))}
      </div>
      <RunStatus run={run} />
      {trace && snapshot && view && report && (
        <>
          <Playback trace={trace} startUs={startUs} />
          <div className="poollab-fork__stage">
            <ForkPicture view={view} snapshot={snapshot} copies={copies} animate={!reduced} />
          </div>
          <ForkLegend />
          <ErrorStrip trace={trace} tUs={timeUs} />
          <p
            className="poollab-summary poollab-fork__summary"
            aria-live={playing ? 'off' : 'polite'}
          >
            {forkSummary(view)}
          </p>
          {events.length > 0 && (
            <ol className="poollab-events" aria-label="Recent fork and socket events">
              {events.map((line) => (
                <li key={line.index} className={line.error ? 'poollab-events__error' : ''}>
                  <span className="poollab-events__t">{(line.tUs / 1e6).toFixed(3)} s</span>{' '}
                  {line.text}
                </li>
              ))}
            </ol>
          )}
          <RunTotals report={report} />
          <p className="poollab-runtotals">
            Forks: {report.fork.forks}; pooled connections inherited at fork:{' '}
            {report.fork.inherited_connections}; uses of a socket another process opened:{' '}
            {report.fork.shared_socket_uses}.
          </p>
        </>
      )}
    </div>
  );
}

function ForkLegend() {
  return (
    <ul className="poollab-fork__legend" aria-label="Legend">
      <li>
        <span className="poollab-fork__swatch poollab-fork__swatch--own" /> a socket one pool uses
      </li>
      <li>
        <span className="poollab-fork__swatch poollab-fork__swatch--shared" /> shared: two or more
        pools use one socket
      </li>
      <li>
        <span className="poollab-fork__swatch poollab-fork__swatch--held" /> descriptor copied by
        fork, not in this pool (“unused”)
      </li>
      <li>
        <span className="poollab-fork__swatch poollab-fork__swatch--dead" /> dead: the connection
        has ended
      </li>
      <li>
        <span className="poollab-fork__swatch poollab-fork__swatch--active" /> in use now (a query
        on it); ● backend running a query
      </li>
      <li>
        row tags: <b>fork</b> the descriptor came from the parent, <b>own</b> opened by this process
      </li>
    </ul>
  );
}
