const DAY = 86_400_000;

export interface RotationAge {
  /** Whole days since the value was set (created, or last rotated). */
  ageDays: number;
  /** When the policy wants the next rotation; null without a policy. */
  dueAt: Date | null;
  due: boolean;
}

/** How old a typed secret's value is and whether its rotation policy (every N days) says rotate now. */
export function rotationAge(
  secret: { createdAt: Date; rotatedAt: Date | null; rotationIntervalDays: number | null },
  now: Date,
): RotationAge {
  const since = secret.rotatedAt ?? secret.createdAt;
  const ageDays = Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY));
  if (secret.rotationIntervalDays === null) return { ageDays, dueAt: null, due: false };
  const dueAt = new Date(since.getTime() + secret.rotationIntervalDays * DAY);
  return { ageDays, dueAt, due: now.getTime() >= dueAt.getTime() };
}
