// The whole run in one line, the same wherever the link is opened: requests,
// failures by kind, seed and the trace hash that identifies the run.
import type { Report } from '../../engine/index';
import { formatNumber } from '../charts/format';

const count = (n: number) => formatNumber(n, 0);

export function RunTotals({ report }: { report: Report }) {
  const { requests, scenario, sim } = report;
  const failures = Object.entries(requests.errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${count(n)} ${kind}`);
  return (
    <p className="poollab-runtotals" data-testid="run-totals">
      Whole run: {count(requests.started)} requests, {count(requests.ok)} ok,{' '}
      {count(requests.failed)} failed
      {failures.length ? ` (${failures.join(', ')})` : ''}; seed {scenario.seed}, trace{' '}
      <code>{sim.trace_hash}</code>.
    </p>
  );
}
