const HUES = [210, 160, 280, 20, 330, 45, 190, 250];

/** A stable hue per user id, so a person keeps their colour everywhere. */
function hueOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return HUES[Math.abs(hash) % HUES.length] ?? 210;
}

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0]];
  return letters.map((p) => Array.from(p ?? '')[0] ?? '').join('').toUpperCase() || '?';
}

export function Avatar({ name, id, size = 'medium' }: { name: string; id: string; size?: 'small' | 'medium' }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ ['--avatar-hue' as string]: hueOf(id) }} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
