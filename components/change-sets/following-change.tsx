import type { FollowingChangeView } from "@/lib/change-sets/schemas";

type Followed = FollowingChangeView["before"];

/**
 * What a change set's API follows before → after, as one line of its "What changes" cell:
 * "(none) → X v3", "X v2 → v1" (the template named once when it stays), "X → (none)". Already
 * written when the set was made, as the set's versions are.
 */
export function FollowingChange({ following }: { following: FollowingChangeView }) {
  return <div data-testid="change-set-following">Template followed: {followingText(following)}</div>;
}

export function followingText({ before, after }: FollowingChangeView): string {
  const sameTemplate = before !== null && after !== null && before.name === after.name;
  return `${followedText(before, true)} → ${followedText(after, !sameTemplate)}`;
}

function followedText(followed: Followed, named: boolean): string {
  if (followed === null) return "(none)";
  const version = followed.version === null ? "" : `v${followed.version}`;
  return named ? `${followed.name}${version ? ` ${version}` : ""}` : version || followed.name;
}
