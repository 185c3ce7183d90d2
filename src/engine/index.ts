// The engine's public API. Pure TypeScript: no DOM, no I/O, no wall clock.
export {
  simulate,
  createSimulation,
  DEFAULT_TRACE_EVENTS,
  type SimOptions,
  type SimResult,
  type Simulation,
} from './simulation';
export type { Report, Series, LatencySummary, WaitSummary } from './report';
export {
  stateAt,
  stateAfterEvents,
  eventCountAt,
  traceEvents,
  buildCheckpoints,
  CHECKPOINT_EVERY,
} from './replay';
export type {
  Snapshot,
  ProcSnapshot,
  SocketSnapshot,
  ConnSnapshot,
  RequestSnapshot,
  BackendSnapshot,
  TraceEvent,
} from './replay';
export type { Trace } from './trace';
export { TT, PHASES, SOCK_CAUSES } from './trace';
export { ERROR_KINDS, errorText, type ErrorKind } from './errors';
export { erlangB, erlangC, erlangCMeanWait } from './queueing';
export { connectionBudget, type ConnectionBudget } from './capacity';
