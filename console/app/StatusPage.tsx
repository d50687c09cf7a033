/** The public status page as customers see it: the current state, then every post, newest first. */
import type { StatusPost } from '../api.ts';
import { useConsole } from './context.ts';
import { clockDate, clockTime } from './format.ts';

const HEADLINES: Record<StatusPost['state'], string> = {
  investigating: 'Investigating a problem with playback',
  identified: 'Problem identified',
  monitoring: 'Fix applied — monitoring',
  resolved: 'All systems operational',
};

const LABELS: Record<StatusPost['state'], string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export function StatusPage(props: { posts: StatusPost[] }) {
  const { info } = useConsole();
  const posts = [...props.posts].sort((a, b) => b.t - a.t);
  const current = posts[0];
  const state = current?.state ?? 'resolved';
  return (
    <section className="panel status-page" data-testid="status-page">
      <div className="panel-head">
        <h2>Public status page</h2>
        <span className="muted">as customers see it</span>
      </div>
      <div className={`status-banner state-${current ? state : 'ok'}`} data-testid="status-current">
        {current ? HEADLINES[state] : 'All systems operational'}
      </div>
      {posts.length === 0 ? (
        <p className="muted">No incident posted.</p>
      ) : (
        <ol className="status-posts">
          {posts.map((p) => (
            <li key={`${p.t}-${p.state}-${p.message}`} data-testid="status-post">
              <div className="status-post-head">
                <b className={`state-text-${p.state}`}>{LABELS[p.state]}</b>
                <span className="muted">
                  {clockDate(p.t, info.timeZone)}, {clockTime(p.t, info.timeZone, false)} {info.timeZone}
                </span>
              </div>
              <p>{p.message}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
