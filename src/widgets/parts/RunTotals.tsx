// The whole run in one line, the same wherever the link is opened: requests,
// failures by kind, seed and the trace hash that identifies the run.
import type { Report } from '../../engine/index';

export function RunTotals({ report }: { report: Report }) {
  const { requests, scenario, sim } = report;
  const failures = Object.entries(requests.errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`);
  return (
    <p className="poollab-runtotals" data-testid="run-totals">
      Whole run: {requests.started.toLocaleString('en-US')} requests,{' '}
      {requests.ok.toLocaleString('en-US')} ok, {requests.failed.toLocaleString('en-US')} failed
      {failures.length ? ` (${failures.join(', ')})` : ''}; seed {scenario.seed}, trace{' '}
      <code>{sim.trace_hash}</code>.
    </p>
  );
}
