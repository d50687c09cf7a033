/** One action as a small form: its fields, a submit button, and the server's answer inline. */
import type { ReactNode } from 'react';
import { ActionFeedback } from './ActionFeedback.tsx';
import { type ActionBody, useAct } from './use-act.ts';

export function ActForm(props: {
  /** The action kind; the form is `act-<kind>` and its button `act-<kind>-submit` for tests. */
  kind: string;
  title: string;
  hint?: string;
  submit: string;
  /** The action to post from the fields; null keeps the form as it is (nothing to post). */
  build: () => ActionBody | null;
  onDone?: () => void;
  disabled?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  const { act, busy, error, done } = useAct();
  return (
    <form
      className={`act-form ${props.className ?? ''}`}
      data-testid={`act-${props.kind}`}
      onSubmit={(e) => {
        e.preventDefault();
        const body = props.build();
        if (!body) return;
        void act(body).then((ok) => {
          if (ok) props.onDone?.();
        });
      }}
    >
      <div className="act-title">
        <span>{props.title}</span>
        {props.hint && <span className="hint">{props.hint}</span>}
      </div>
      <div className="act-fields">
        {props.children}
        <button
          type="submit"
          className="primary"
          data-testid={`act-${props.kind}-submit`}
          disabled={busy || props.disabled}
        >
          {props.submit}
        </button>
      </div>
      <ActionFeedback error={error} done={done} />
    </form>
  );
}
