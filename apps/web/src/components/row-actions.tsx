'use client';

// The Edit and Delete buttons of a row in a settings list; Delete asks before it acts.
import { Button } from '~/components/ui';

export function EditDeleteButtons({
  name,
  what,
  onEdit,
  onDelete,
  deleting,
}: {
  /** The row's name, in the buttons' accessible names and the question. */
  name: string;
  /** What the row is, e.g. "maintenance window". */
  what: string;
  onEdit: () => void;
  onDelete: () => void;
  deleting: boolean;
}) {
  return (
    <>
      <Button variant="secondary" aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </Button>
      <Button
        variant="ghost"
        aria-label={`Delete ${name}`}
        disabled={deleting}
        onClick={() => {
          if (confirm(`Delete the ${what} “${name}”?`)) onDelete();
        }}
      >
        Delete
      </Button>
    </>
  );
}
