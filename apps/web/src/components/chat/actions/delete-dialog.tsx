'use client';
import { Modal } from '../../modal.tsx';

/** Asks before deleting: a deletion is for everyone and cannot be undone. */
export function DeleteDialog({ preview, onConfirm, onClose }: { preview: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal title="Delete message" onClose={onClose}>
      <p>Delete this message for everyone? This can’t be undone.</p>
      <blockquote className="delete-preview">{preview}</blockquote>
      <div className="modal-actions">
        <button type="button" className="button button-quiet" data-autofocus onClick={onClose}>Cancel</button>
        <button
          type="button"
          className="button button-danger-solid"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          Delete
        </button>
      </div>
    </Modal>
  );
}
