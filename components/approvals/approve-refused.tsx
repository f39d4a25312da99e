import { buttonStyles } from "@/components/ui/button-styles";
import type { ApprovalRefusal } from "@/lib/deployments/approval/approval-rules";

/**
 * Where Approve would be, for a viewer whose approval would be refused (approvalRefusal: they made
 * it, or wrote what it brings): the control is shown unavailable rather than offered, and why is
 * said beside it in words. It is `aria-disabled`, not `disabled`, so that it stays in the tab
 * order and a screen reader announces the reason with it (aria-describedby); pressing it does
 * nothing. The server refuses such an approval anyway: this spares the viewer the round trip.
 */
export function ApproveRefused({
  id,
  label,
  noun,
  refusal,
}: {
  /** Unique on the page: the reason's element is `${id}-reason`. */
  id: string;
  label: string;
  noun: "plan" | "change set";
  refusal: ApprovalRefusal;
}) {
  const reasonId = `${id}-reason`;
  return (
    <div className="space-y-2">
      <button
        type="button"
        id={id}
        aria-disabled="true"
        aria-describedby={reasonId}
        className={`${buttonStyles.primary} cursor-not-allowed opacity-60 hover:bg-blue-700`}
      >
        {label}
      </button>
      <div id={reasonId} className="space-y-1 text-sm text-slate-700">
        <RefusalReason noun={noun} refusal={refusal} />
      </div>
    </div>
  );
}

function RefusalReason({ noun, refusal }: { noun: "plan" | "change set"; refusal: ApprovalRefusal }) {
  switch (refusal.because) {
    case "author":
      return <p>You made this {noun}: another admin must approve it. You may reject it to withdraw it.</p>;
    case "contributed":
      return (
        <>
          <p>
            You cannot approve this {noun}: you wrote what it brings to {noun === "plan" ? "its API" : "its APIs"},
          </p>
          <ul className="list-disc pl-5">
            {refusal.contributed.map((wrote) => (
              <li key={wrote}>{wrote}</li>
            ))}
          </ul>
          <p>so your approval would be of your own change. An admin who wrote none of its inputs must approve it.</p>
        </>
      );
    case "automation":
      return <p>{refusal.message}</p>;
  }
}
