// Every control of the scenario, grouped the way the stack is: the app
// servers and Gunicorn, one request, each worker's pool, PgBouncer, PostgreSQL
// and the network. The load has its own controls (LoadLab), and the seed sits
// with the playback.
import { FIELDS } from '../scenario/fields';
import { useScenario } from '../state/use-page-scenario';
import { OtherClientsControl, PgBouncerToggle } from './CapacityPlanner';
import { FieldControl } from './parts/FieldControl';
import { WidgetFrame, type WidgetProps } from './parts/WidgetFrame';

const GROUPS: { title: string; prefix: string; exclude?: string }[] = [
  { title: 'Gunicorn and the app', prefix: 'app.', exclude: 'app.request.' },
  { title: 'One request', prefix: 'app.request.' },
  { title: 'SQLAlchemy pool', prefix: 'pool.' },
  { title: 'PgBouncer', prefix: 'pgbouncer.' },
  { title: 'PostgreSQL', prefix: 'postgres.' },
  { title: 'Network', prefix: 'network.' },
];

const pathsOf = (prefix: string, exclude?: string) =>
  FIELDS.filter((f) => f.path.startsWith(prefix) && !(exclude && f.path.startsWith(exclude))).map(
    (f) => f.path,
  );

export default function LabControls(props: WidgetProps) {
  return (
    <WidgetFrame title="Configuration" {...props}>
      <ControlGroups />
    </WidgetFrame>
  );
}

/** The grouped controls of the enclosing scope; `open` lists the groups shown unfolded. */
export function ControlGroups({
  open = ['app.', 'app.request.', 'pool.', 'pgbouncer.', 'postgres.'],
}: {
  open?: string[];
}) {
  return (
    <>
      {GROUPS.map((group) => (
        <details key={group.prefix} open={open.includes(group.prefix)} className="poollab-group">
          <summary>{group.title}</summary>
          <Group prefix={group.prefix} exclude={group.exclude} />
        </details>
      ))}
    </>
  );
}

function Group({ prefix, exclude }: { prefix: string; exclude?: string }) {
  const pgbouncer = useScenario((s) => s.scenario.pgbouncer !== null);
  if (prefix === 'pgbouncer.') {
    return (
      <div className="poollab-controls-grid">
        <PgBouncerToggle />
        {pgbouncer && pathsOf(prefix).map((path) => <FieldControl key={path} path={path} />)}
      </div>
    );
  }
  return (
    <div className="poollab-controls-grid">
      {pathsOf(prefix, exclude).map((path) => (
        <FieldControl key={path} path={path} />
      ))}
      {prefix === 'postgres.' && <OtherClientsControl />}
    </div>
  );
}
