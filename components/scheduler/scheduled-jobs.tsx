import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import type { ScheduledJobView } from "@/lib/scheduler/list-scheduled-jobs";

/** Each job Portcullis runs on its own: its last run, how it ended and when it runs next. */
export function ScheduledJobs({ jobs }: { jobs: ScheduledJobView[] }) {
  if (jobs.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        Nothing has run yet. The server runs drift scans, checkpoint signing and webhook deliveries on its own once
        started (unless SCHEDULER=off).
      </p>
    );
  }
  return (
    <DataTable caption="Scheduled jobs" columns={["Job", "Last run", "Outcome", "Next run"]}>
      {jobs.map((job) => (
        <tr key={job.name} className="border-t border-slate-100 align-top">
          <th scope="row" className="px-3 py-2 font-normal">
            {job.label}
          </th>
          <td className="px-3 py-2">{job.lastRunAt ? <DateTime value={job.lastRunAt} /> : "never"}</td>
          <td className="px-3 py-2">
            {job.running ? (
              <Badge tone="info">running</Badge>
            ) : job.lastOutcome === "failed" ? (
              <Badge tone="danger">failed</Badge>
            ) : job.lastOutcome === "succeeded" ? (
              <Badge tone="success">succeeded</Badge>
            ) : (
              <Badge>not run</Badge>
            )}
            {job.lastOutcome === "failed" && job.lastError ? (
              <p className="mt-1 text-red-900">{job.lastError}</p>
            ) : job.lastSummary ? (
              <p className="mt-1 text-slate-600">{job.lastSummary}</p>
            ) : null}
          </td>
          <td className="px-3 py-2">
            <DateTime value={job.nextRunAt} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
