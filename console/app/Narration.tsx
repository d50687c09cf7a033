/** What the scenario tells the room: the latest narration as a banner, injects standing out. */
import { useState } from 'react';
import type { NarrationItem } from '../api.ts';
import { useConsole } from './context.ts';
import { clockTime } from './format.ts';

export function Narration(props: { items: NarrationItem[] }) {
  const { info } = useConsole();
  const [all, setAll] = useState(false);
  if (props.items.length === 0) return null;
  const items = [...props.items].sort((a, b) => b.t - a.t);
  const shown = all ? items : items.slice(0, 1);
  return (
    <section className="narration" data-testid="narration" aria-live="polite">
      <ol>
        {shown.map((n) => (
          <li key={`${n.t}-${n.text}`} className={n.inject ? 'inject' : ''}>
            <span className="mono">{clockTime(n.t, info.timeZone)}</span>
            {n.inject && <span className="badge inject-badge">INJECT</span>}
            <span className="narration-text">{n.text}</span>
          </li>
        ))}
      </ol>
      {items.length > 1 && (
        <button type="button" className="link" onClick={() => setAll(!all)}>
          {all ? 'latest only' : `all ${items.length}`}
        </button>
      )}
    </section>
  );
}
