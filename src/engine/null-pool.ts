// SQLAlchemy's NullPool: "Each checkout opens a new DBAPI connection, and each checkin
// closes it" — no idle queue, no limit, no waiting. Connections are always new, so
// pre-ping never runs. https://docs.sqlalchemy.org/en/20/core/pooling.html#switching-pool-implementations
// The checkout path is QueuePool's with the idle queue and the limit skipped
// (queue-pool.ts checks pool.nullPool); what differs on return is here.
import { dropRecord } from './queue-pool';
import type { ConnRecord, World } from './world';

/** Checkin: reset on return has run; the connection is closed (libpq Terminate). */
export function nullPoolClose(w: World, rec: ConnRecord): void {
  dropRecord(w, rec, true);
}
