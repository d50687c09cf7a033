/** A form's inline result: the server's error as it said it, or a short confirmation. */
export function ActionFeedback(props: { error: string | null; done?: string | null }) {
  if (props.error) {
    return (
      <p className="error" role="alert" data-testid="action-error">
        {props.error}
      </p>
    );
  }
  if (props.done) return <p className="done">✓ {props.done}</p>;
  return null;
}
