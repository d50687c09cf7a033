/** The scribe's timeline: auto-captured entries, each with a note the scribe can edit. */
import { useEffect, useRef, useState } from 'react';
import type { ScribeEntry } from '../api.ts';
import { ActionFeedback } from './ActionFeedback.tsx';
import { api } from './api-client.ts';
import { useConsole } from './context.ts';
import { clockTime, tPlus } from './format.ts';
import { roleShort } from './role.ts';
import { useAct } from './use-act.ts';

function EntryNote(props: { entry: ScribeEntry }) {
  const { role, refresh } = useConsole();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = props.entry.id;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.note(id, role, text);
      setEditing(false);
      refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!editing) {
    return (
      <>
        <button
          type="button"
          className="link entry-note-button"
          data-testid={`note-edit-${id}`}
          onClick={() => {
            setText(props.entry.note ?? '');
            setEditing(true);
          }}
        >
          {props.entry.note ? 'edit note' : '+ note'}
        </button>
        {props.entry.note && (
          <div className="entry-note">
            <span className="note-text" data-testid={`note-${id}`}>
              {props.entry.note}
            </span>
          </div>
        )}
      </>
    );
  }
  return (
    <form
      className="entry-note editing"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <input
        data-testid={`note-input-${id}`}
        value={text}
        placeholder="what was decided, by whom"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setEditing(false);
        }}
      />
      <button type="submit" className="primary" data-testid={`note-save-${id}`} disabled={busy}>
        Save
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ActionFeedback error={error} />
    </form>
  );
}

function AddNote() {
  const [text, setText] = useState('');
  const { act, busy, error } = useAct();
  return (
    <form
      className="add-note"
      data-testid="act-note"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void act({ kind: 'note', text: text.trim() }).then((ok) => {
          if (ok) setText('');
        });
      }}
    >
      <input
        className="add-note-input"
        data-testid="note-text"
        value={text}
        placeholder="Add to the timeline: a decision, who said what…"
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="primary" disabled={busy || !text.trim()}>
        Add
      </button>
      <ActionFeedback error={error} />
    </form>
  );
}

export function ScribeTimeline(props: { entries: ScribeEntry[] }) {
  const { info } = useConsole();
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const count = props.entries.length;
  const entries = [...props.entries].sort((a, b) => a.t - b.t || a.id - b.id);

  // Follow new entries while the list is scrolled to its end; stay put while someone reads back.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the entry count changes
  useEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [count]);

  return (
    <section className="panel timeline" data-testid="scribe-timeline">
      <div className="panel-head">
        <h2>Scribe timeline</h2>
        <span className="muted">{count} entries</span>
      </div>
      <ol
        className="entries"
        ref={list}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {entries.map((e) => (
          <li
            key={e.id}
            className={`entry role-${e.role} type-${e.type.replace(/\./g, '-')}`}
            data-testid={`timeline-entry-${e.id}`}
          >
            <span className="entry-time mono" title={tPlus(e.t, info.startMs)}>
              {clockTime(e.t, info.timeZone)}
            </span>
            <span className={`entry-role badge role-${e.role}`}>{roleShort(e.role)}</span>
            <span className="entry-text">
              {e.text}
              <span className="entry-type">{e.type}</span>
            </span>
            <EntryNote entry={e} />
          </li>
        ))}
      </ol>
      <AddNote />
    </section>
  );
}
