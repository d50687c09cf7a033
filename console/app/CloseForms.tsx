/** Announce, root cause, follow-up, resolve and review: the forms after the mitigation. */
import { useState } from 'react';
import type { StatusPost } from '../api.ts';
import { ActForm } from './ActForm.tsx';

const STATES: StatusPost['state'][] = ['investigating', 'identified', 'monitoring', 'resolved'];

const TEMPLATES: Record<StatusPost['state'], string> = {
  investigating: 'We are investigating elevated playback problems. Next update within 30 minutes.',
  identified: 'We have identified the cause and are applying a fix; playback is recovering.',
  monitoring: 'Playback is back to normal; we are monitoring.',
  resolved: 'The issue is resolved.',
};

export function StatusForm(props: { lastState: StatusPost['state'] | null }) {
  const [state, setState] = useState<StatusPost['state']>(props.lastState ?? 'investigating');
  const [message, setMessage] = useState('');
  return (
    <ActForm
      kind="status"
      className="wide"
      title="Post a status-page update"
      hint="public: customers read this"
      submit="Publish"
      disabled={!message.trim()}
      build={() => (message.trim() ? { kind: 'status', state, message: message.trim() } : null)}
      onDone={() => setMessage('')}
    >
      <select
        data-testid="status-state"
        value={state}
        aria-label="Status"
        onChange={(e) => setState(e.target.value as StatusPost['state'])}
      >
        {STATES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <textarea
        data-testid="status-message"
        rows={2}
        value={message}
        placeholder={TEMPLATES[state]}
        onChange={(e) => setMessage(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Tab' && !message && !e.shiftKey) {
            e.preventDefault();
            setMessage(TEMPLATES[state]);
          }
        }}
      />
    </ActForm>
  );
}

export function RootCauseForm() {
  const [cause, setCause] = useState('');
  return (
    <ActForm
      kind="rootcause"
      title="Root cause"
      submit="Record"
      disabled={!cause.trim()}
      build={() => (cause.trim() ? { kind: 'rootcause', cause: cause.trim() } : null)}
      onDone={() => setCause('')}
    >
      <input
        data-testid="rootcause-cause"
        value={cause}
        placeholder="e.g. misconfigured shield-tier deploy at cdn-a EMEA"
        onChange={(e) => setCause(e.target.value)}
      />
    </ActForm>
  );
}

export function FollowupForm() {
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  return (
    <ActForm
      kind="followup"
      title="Follow-up ticket"
      hint="every mitigation needs one"
      submit="File"
      disabled={!title.trim()}
      build={() => (title.trim() ? { kind: 'followup', title: title.trim(), ...(due ? { due } : {}) } : null)}
      onDone={() => {
        setTitle('');
        setDue('');
      }}
    >
      <input
        data-testid="followup-title"
        value={title}
        placeholder="e.g. root-cause cdn-a EMEA with the CDN, then steer back"
        onChange={(e) => setTitle(e.target.value)}
      />
      <input
        data-testid="followup-due"
        type="date"
        value={due}
        aria-label="Due"
        onChange={(e) => setDue(e.target.value)}
      />
    </ActForm>
  );
}

export function ReviewForm() {
  const [when, setWhen] = useState('');
  return (
    <ActForm
      kind="review"
      title="Schedule the post-incident review"
      hint="within 5 business days"
      submit="Schedule"
      disabled={!when}
      build={() => (when ? { kind: 'review', scheduledFor: when } : null)}
    >
      <input
        data-testid="review-date"
        type="date"
        value={when}
        aria-label="Review date"
        onChange={(e) => setWhen(e.target.value)}
      />
    </ActForm>
  );
}

export function ResolveForm(props: { resolved: boolean }) {
  const [armed, setArmed] = useState(false);
  return (
    <ActForm
      kind="resolve"
      title="Resolve the incident"
      hint="after metrics hold within SLO"
      submit={armed ? 'Yes, resolve now' : 'Resolve…'}
      disabled={props.resolved}
      build={() => {
        if (!armed) {
          setArmed(true);
          return null;
        }
        setArmed(false);
        return { kind: 'resolve' };
      }}
    >
      {armed && (
        <button type="button" onClick={() => setArmed(false)}>
          Cancel
        </button>
      )}
    </ActForm>
  );
}
