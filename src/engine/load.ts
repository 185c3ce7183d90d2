// The load: closed like `ab -n requests -c concurrency` (each virtual user sends its next
// request as soon as its last one ends), or open Poisson arrivals at rate_per_s, or phase
// by phase. Requests are spread over the servers round-robin, as a load balancer would.
// The load begins once the servers are up (w.loadStartUs), as a load test against a running
// server does; phases count from there.
// https://httpd.apache.org/docs/2.4/programs/ab.html
import { acceptRequest } from './gunicorn';
import { newRequest } from './request';
import { TT } from './trace';
import { K, type Request, type World } from './world';

export function startLoad(w: World): void {
  const load = w.sc.load;
  if (load.kind === 'closed') {
    const users = Math.min(load.concurrency, load.requests);
    for (let vu = 0; vu < users; vu++) w.q.at(w.loadStartUs, K.ARRIVAL, vu, 0);
  } else scheduleNextArrival(w, w.loadStartUs);
}

export function arrival(w: World, vu: number): void {
  const load = w.sc.load;
  if (load.kind === 'closed') {
    if (w.sent >= load.requests) return;
  } else scheduleNextArrival(w, w.now);
  w.sent++;
  const server = w.servers[w.rr++ % w.servers.length]!;
  const req = newRequest(w, server);
  req.vu = load.kind === 'closed' ? vu : -1;
  w.m.arrive(w.now);
  w.tr?.emit(TT.REQ_ARRIVE, req.id, server.index);
  acceptRequest(w, server, req);
}

/** A request ended: a closed-load user sends its next one; the run ends after the last. */
export function requestDone(w: World, req: Request): void {
  const load = w.sc.load;
  if (load.kind !== 'closed') return;
  if (w.sent < load.requests) w.q.after(0, K.ARRIVAL, req.vu, 0);
  else if (w.m.completed >= load.requests) w.stopped = true;
}

/** Poisson process: exponential gaps; at a phase boundary the new rate takes over (memoryless). */
function scheduleNextArrival(w: World, from: number): void {
  const load = w.sc.load;
  if (load.kind !== 'open') return;
  const end = w.loadStartUs + w.eff.durationUs;
  if (load.phases.length === 0) {
    if (load.rate_per_s <= 0) return;
    const at = from + Math.round(w.rng.exponential(1e6 / load.rate_per_s));
    if (at < end) w.q.at(at, K.ARRIVAL, 0, 0);
    return;
  }
  let phaseStart = w.loadStartUs;
  let t = from;
  for (const phase of load.phases) {
    const phaseEnd = phaseStart + Math.round(phase.duration_s * 1e6);
    if (t < phaseEnd) {
      if (phase.rate_per_s > 0) {
        const at = t + Math.round(w.rng.exponential(1e6 / phase.rate_per_s));
        if (at < phaseEnd) {
          if (at < end) w.q.at(at, K.ARRIVAL, 0, 0);
          return;
        }
      }
      t = phaseEnd;
    }
    phaseStart = phaseEnd;
  }
}
