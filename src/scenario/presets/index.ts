// Presets: named scenario files, one JSON per preset in this folder (listed here explicitly
// so that Node, Vite and esbuild all bundle them; a unit test checks the list is complete).
import type { ScenarioInput } from '../types';
import dbCoresPoolSize from './db-cores-pool-size.json' with { type: 'json' };
import failoverNoPrePing from './failover-no-pre-ping.json' with { type: 'json' };
import failoverPrePing from './failover-pre-ping.json' with { type: 'json' };
import flaskSqlalchemyTimeoutTruncation from './flask-sqlalchemy-timeout-truncation.json' with { type: 'json' };
import gilThreads from './gil-threads.json' with { type: 'json' };
import idleTimeoutRecycle from './idle-timeout-recycle.json' with { type: 'json' };
import loadLabSpike from './load-lab-spike.json' with { type: 'json' };
import maxRequestsRefork from './max-requests-refork.json' with { type: 'json' };
import memoGlobalSession from './memo-global-session.json' with { type: 'json' };
import memoNoPostFork from './memo-no-post-fork.json' with { type: 'json' };
import memoPostWorkerInitDispose from './memo-post-worker-init-dispose.json' with { type: 'json' };
import memoProduction from './memo-production.json' with { type: 'json' };
import nullpoolVsQueuepool from './nullpool-vs-queuepool.json' with { type: 'json' };
import nullpool from './nullpool.json' with { type: 'json' };
import overflowChurn from './overflow-churn.json' with { type: 'json' };
import pgbouncerMaxClientConnSmall from './pgbouncer-max-client-conn-small.json' with { type: 'json' };
import pgbouncerQueryWaitTimeout from './pgbouncer-query-wait-timeout.json' with { type: 'json' };
import pgbouncerRestartNoPrePing from './pgbouncer-restart-no-pre-ping.json' with { type: 'json' };
import pgbouncerSessionPinned from './pgbouncer-session-pinned.json' with { type: 'json' };
import pgbouncerTransactionDefaultMaxClientConn from './pgbouncer-transaction-default-max-client-conn.json' with { type: 'json' };
import pgbouncerTransactionReserve from './pgbouncer-transaction-reserve.json' with { type: 'json' };
import poolTimeoutTooFewConnections from './pool-timeout-too-few-connections.json' with { type: 'json' };
import poolWaitSpike from './pool-wait-spike.json' with { type: 'json' };
import postForkDisposeCloseTrue from './post-fork-dispose-close-true.json' with { type: 'json' };
import queuepoolOverflow from './queuepool-overflow.json' with { type: 'json' };
import sessionGlobal from './session-global.json' with { type: 'json' };
import sharedSocketSyncWorkers from './shared-socket-sync-workers.json' with { type: 'json' };
import tlsSharedSocket from './tls-shared-socket.json' with { type: 'json' };
import twoServersMaxConnections100 from './two-servers-max-connections-100.json' with { type: 'json' };
import workerTimeoutSync from './worker-timeout-sync.json' with { type: 'json' };

export interface Preset {
  id: string;
  title: string;
  description: string;
  scenario: ScenarioInput;
}

export const PRESETS: readonly Preset[] = [
  memoProduction as Preset,
  memoNoPostFork as Preset,
  memoGlobalSession as Preset,
  memoPostWorkerInitDispose as Preset,
  twoServersMaxConnections100 as Preset,
  nullpool as Preset,
  nullpoolVsQueuepool as Preset,
  pgbouncerTransactionDefaultMaxClientConn as Preset,
  pgbouncerTransactionReserve as Preset,
  dbCoresPoolSize as Preset,
  failoverNoPrePing as Preset,
  failoverPrePing as Preset,
  flaskSqlalchemyTimeoutTruncation as Preset,
  gilThreads as Preset,
  idleTimeoutRecycle as Preset,
  loadLabSpike as Preset,
  maxRequestsRefork as Preset,
  overflowChurn as Preset,
  pgbouncerMaxClientConnSmall as Preset,
  pgbouncerQueryWaitTimeout as Preset,
  pgbouncerRestartNoPrePing as Preset,
  pgbouncerSessionPinned as Preset,
  poolTimeoutTooFewConnections as Preset,
  poolWaitSpike as Preset,
  postForkDisposeCloseTrue as Preset,
  queuepoolOverflow as Preset,
  sessionGlobal as Preset,
  sharedSocketSyncWorkers as Preset,
  tlsSharedSocket as Preset,
  workerTimeoutSync as Preset,
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
