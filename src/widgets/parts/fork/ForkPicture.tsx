// The ForkExplorer's picture: Gunicorn processes on the left, each with its FD
// table (one row per socket descriptor), the sockets and their PostgreSQL
// backends on the right, and a line from every descriptor to its socket. React
// owns the SVG; d3 gives the scales and the link curves. The picture is
// aria-hidden: the widget's text summary says the same.
import { scaleLinear } from 'd3-scale';
import { linkHorizontal } from 'd3-shape';
import type { Snapshot } from '../../../engine/index';
import type { FdCopy } from './fork-events';
import type { ForkView, ProcView, SocketView } from './fork-view';

const WIDTH = 400;
const PROC_W = 184;
const SOCK_X = 246;
const SOCK_W = WIDTH - SOCK_X;
const HEAD_H = 38;
const ROW_H = 22;
const GAP = 12;
const SOCK_H = 56;

interface Layout {
  procY: Map<number, number>;
  rowY: Map<string, number>;
  sockY: Map<number, number>;
  height: number;
}

const rowKey = (proc: number, socket: number) => `${proc}:${socket}`;

function layout(view: ForkView): Layout {
  const procY = new Map<number, number>();
  const rowY = new Map<string, number>();
  let y = 0;
  for (const p of view.processes) {
    procY.set(p.id, y);
    p.rows.forEach((row, i) => rowY.set(rowKey(p.id, row.socket), y + HEAD_H + i * ROW_H));
    y += HEAD_H + Math.max(1, p.rows.length) * ROW_H + 6 + GAP;
  }
  // Each socket sits level with the first descriptor pointing at it, pushed down to avoid overlap.
  const sockY = new Map<number, number>();
  let next = 0;
  const wanted = view.sockets
    .map((s) => {
      const ys = s.holders.map((h) => rowY.get(rowKey(h, s.id))).filter((v) => v !== undefined);
      return { id: s.id, y: ys.length ? Math.min(...ys) : 0 };
    })
    .sort((a, b) => a.y - b.y || a.id - b.id);
  for (const w of wanted) {
    const top = Math.max(next, w.y - SOCK_H / 2 + ROW_H / 2);
    sockY.set(w.id, top);
    next = top + SOCK_H + 8;
  }
  return { procY, rowY, sockY, height: Math.max(y - GAP, next - 8, 60) };
}

const link = linkHorizontal<
  { source: [number, number]; target: [number, number] },
  [number, number]
>()
  .source((d) => d.source)
  .target((d) => d.target);

function socketState(s: SocketView): string {
  if (!s.alive) return `dead: ${s.cause}`;
  if (s.shared) return `shared by ${s.users.length} pools`;
  if (s.heldOnly) return `${s.holders.length} FD tables, ${s.users.length} pool`;
  return s.users.length === 1 ? 'one pool' : 'no pool';
}

function socketClass(s: SocketView): string {
  if (!s.alive) return 'dead';
  if (s.shared) return 'shared';
  if (s.heldOnly) return 'held';
  return 'own';
}

function poolText(snapshot: Snapshot, p: ProcView): string {
  const pool = snapshot.processes.find((q) => q.id === p.id)?.pool;
  const disposed =
    p.disposed === 'close_false'
      ? 'disposed (close=False)'
      : p.disposed === 'close_true'
        ? 'disposed (close=True)'
        : null;
  const counts = pool
    ? `pool: ${pool.idle.length} idle, ${pool.checked_out.length} out`
    : 'no pool';
  return disposed ? `${disposed}; ${counts.replace('pool: ', '')}` : counts;
}

export function ForkPicture({
  view,
  snapshot,
  copies,
  animate,
}: {
  view: ForkView;
  snapshot: Snapshot;
  copies: FdCopy[];
  animate: boolean;
}) {
  const L = layout(view);
  const x = scaleLinear().domain([0, 1]).range([0, PROC_W]);
  const socketById = new Map(view.sockets.map((s) => [s.id, s]));
  const landing = new Set(copies.filter((c) => c.progress < 1).map((c) => rowKey(c.to, c.socket)));

  return (
    <svg
      className="poollab-fork__picture"
      viewBox={`-2 -2 ${WIDTH + 4} ${L.height + 4}`}
      aria-hidden="true"
    >
      {/* lines first, under the boxes */}
      {view.processes.flatMap((p) =>
        p.rows.map((row) => {
          const y = L.rowY.get(rowKey(p.id, row.socket));
          const sy = L.sockY.get(row.socket);
          const s = socketById.get(row.socket);
          if (y === undefined || sy === undefined || !s) return null;
          const cls = [
            'poollab-fork__link',
            `poollab-fork__link--${socketClass(s)}`,
            row.inPool ? '' : 'poollab-fork__link--unused',
            row.inUse ? 'poollab-fork__link--active' : '',
          ].join(' ');
          return (
            <path
              key={`l${p.id}:${row.socket}`}
              className={cls}
              d={
                link({
                  source: [PROC_W, y + ROW_H / 2],
                  target: [SOCK_X, sy + SOCK_H / 2],
                }) ?? ''
              }
            />
          );
        }),
      )}
      {view.processes.map((p) => {
        const top = L.procY.get(p.id) ?? 0;
        const h = HEAD_H + Math.max(1, p.rows.length) * ROW_H + 6;
        return (
          <g key={p.id} className={`poollab-fork__proc poollab-fork__proc--${p.role}`}>
            <rect x={0} y={top} width={PROC_W} height={h} rx={4} className="poollab-fork__box" />
            <text x={8} y={top + 16} className="poollab-fork__title">
              {p.label}
            </text>
            <text x={8} y={top + 31} className="poollab-fork__sub">
              {poolText(snapshot, p)}
            </text>
            {p.rows.length === 0 && (
              <text x={8} y={top + HEAD_H + 15} className="poollab-fork__sub">
                FD table: no database socket
              </text>
            )}
            {p.rows.map((row, i) => {
              const y = top + HEAD_H + i * ROW_H;
              const key = rowKey(p.id, row.socket);
              const cls = [
                'poollab-fork__row',
                row.inPool ? '' : 'poollab-fork__row--unused',
                row.dead ? 'poollab-fork__row--dead' : '',
                row.inUse ? 'poollab-fork__row--active' : '',
                landing.has(key) ? 'poollab-fork__row--landing' : '',
              ].join(' ');
              return (
                <g key={row.socket}>
                  <rect
                    x={4}
                    y={y + 1}
                    width={PROC_W - 8}
                    height={ROW_H - 3}
                    rx={2}
                    className={cls}
                  />
                  <text x={10} y={y + 15} className="poollab-fork__rowtext">
                    fd → socket {row.socket}
                  </text>
                  <text x={PROC_W - 10} y={y + 15} textAnchor="end" className="poollab-fork__tag">
                    {[
                      row.inherited ? 'fork' : 'own',
                      row.inPool ? (row.inUse ? 'in use' : '') : 'unused',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      {animate &&
        copies
          .filter((c) => c.progress < 1)
          .map((c) => {
            const from = L.rowY.get(rowKey(c.from, c.socket));
            const to = L.rowY.get(rowKey(c.to, c.socket));
            if (from === undefined || to === undefined) return null;
            const y = from + (to - from) * c.progress;
            return (
              <rect
                key={`copy${c.to}:${c.socket}`}
                x={x(0.02) + 10 * Math.sin(Math.PI * c.progress)}
                y={y + 1}
                width={PROC_W - 8}
                height={ROW_H - 3}
                rx={2}
                className="poollab-fork__ghost"
              />
            );
          })}
      {view.sockets.map((s) => {
        const top = L.sockY.get(s.id) ?? 0;
        return (
          <g key={s.id} className={`poollab-fork__sock poollab-fork__sock--${socketClass(s)}`}>
            <rect x={SOCK_X} y={top} width={SOCK_W} height={SOCK_H} rx={SOCK_H / 2} />
            <text x={SOCK_X + 16} y={top + 18} className="poollab-fork__title">
              socket {s.id}
            </text>
            <text x={SOCK_X + 16} y={top + 33} className="poollab-fork__sub">
              → {s.peer === 'postgres' ? 'backend' : 'PgBouncer client'} {s.peerId}
              {s.backendBusy ? ' ● query' : ''}
            </text>
            <text x={SOCK_X + 16} y={top + 47} className="poollab-fork__sub">
              {socketState(s)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
