'use client';
import { Modal } from '../modal.tsx';

/**
 * Asked before signing out with unsent messages: signing out deletes them from this device
 * (someone else may use it next), so the person chooses, knowing that staying keeps them queued.
 */
export function SignOutDialog({ unsent, onConfirm, onClose }: { unsent: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal title="Sign out?" onClose={onClose}>
      <p>{unsent} If you stay signed in, it all goes out as soon as you’re back online.</p>
      <div className="modal-actions">
        <button type="button" className="button button-quiet" data-autofocus onClick={onClose}>Stay signed in</button>
        <button
          type="button"
          className="button button-danger-solid"
          onClick={() => {
            onClose();
            onConfirm();
          }}
        >
          Delete and sign out
        </button>
      </div>
    </Modal>
  );
}
