export default function HomePage() {
  return (
    <div className="empty-state">
      <h2>Pick a conversation</h2>
      <p>Choose one from the list, or start a new one.</p>
    </div>
  );
}
