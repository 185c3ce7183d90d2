// What breaks connections during a run, so that pool_pre_ping and pool_recycle matter.
// - terminate_backends: every app backend ends, like a failover or pg_terminate_backend();
//   the app sees "server closed the connection unexpectedly" on next use (FACTS.md §11).
// - postgres_restart: every backend ends; connects are refused ("Connection refused")
//   for down_s; other clients reconnect when it is back.
// - pgbouncer_restart: every client (and server) connection of PgBouncer ends; logins
//   are refused for down_s.
// - idle_timeout: a firewall, NAT or load balancer silently drops connections idle for
//   longer than after_s; checked lazily at the next use (fd-table.ts beginUse).
// at_s counts from the start of the load (w.loadStartUs), as the rest of the run does.
// https://docs.sqlalchemy.org/en/20/core/pooling.html#dealing-with-disconnects
import { pgbDown, pgbUp } from './pgbouncer';
import { connectOtherClients, endBackends } from './postgres';
import { TT } from './trace';
import { K, type World } from './world';

export function scheduleFaults(w: World): void {
  w.sc.faults.forEach((fault, i) => {
    if (fault.kind === 'idle_timeout') return;
    const at = w.loadStartUs + Math.round(fault.at_s * 1e6);
    w.q.at(at, K.FAULT, i, 0);
    if (fault.kind !== 'terminate_backends')
      w.q.at(at + Math.round(fault.down_s * 1e6), K.FAULT, i, 1);
  });
}

export function fault(w: World, index: number, phase: number): void {
  const f = w.sc.faults[index];
  if (!f) return;
  switch (f.kind) {
    case 'terminate_backends':
      endBackends(w, false);
      return;
    case 'postgres_restart':
      if (phase === 0) {
        w.pg.up = false;
        w.tr?.emit(TT.PG_UP, 0);
        endBackends(w, true);
      } else {
        w.pg.up = true;
        w.tr?.emit(TT.PG_UP, 1);
        connectOtherClients(w);
      }
      return;
    case 'pgbouncer_restart':
      if (!w.pgb) return;
      if (phase === 0) pgbDown(w);
      else pgbUp(w);
      return;
    default:
      return;
  }
}
