import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import type { DeliveryView } from "@/lib/notifications/schemas";

const STATUS: Record<DeliveryView["status"], { label: string; tone: BadgeTone }> = {
  pending: { label: "pending", tone: "info" },
  delivered: { label: "delivered", tone: "success" },
  failed: { label: "failed, will retry", tone: "warning" },
  given_up: { label: "given up", tone: "danger" },
};

/** A webhook's latest deliveries: what was sent, how it went, and what comes next. */
export function DeliveryLog({ webhookUrl, deliveries }: { webhookUrl: string; deliveries: DeliveryView[] }) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-600">Nothing sent yet.</p>;
  return (
    <DataTable
      caption={`Latest deliveries to ${webhookUrl}`}
      columns={["Event", "Created", "Status", "Attempts", "Last answer", "Next attempt"]}
    >
      {deliveries.map((delivery) => (
        <tr key={delivery.id} className="border-t border-slate-100" data-testid="delivery-row">
          <td className="px-3 py-2 font-mono text-xs">{delivery.eventType}</td>
          <td className="px-3 py-2">
            <DateTime value={delivery.createdAt} />
          </td>
          <td className="px-3 py-2">
            <Badge tone={STATUS[delivery.status].tone}>{STATUS[delivery.status].label}</Badge>
          </td>
          <td className="px-3 py-2">{delivery.attempts}</td>
          <td className="px-3 py-2">
            {delivery.lastError ?? (delivery.lastStatus === null ? "—" : `answered ${delivery.lastStatus}`)}
          </td>
          <td className="px-3 py-2">{delivery.nextAttemptAt ? <DateTime value={delivery.nextAttemptAt} /> : "—"}</td>
        </tr>
      ))}
    </DataTable>
  );
}
