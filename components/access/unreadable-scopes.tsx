/** Scopes ARM would not give, each with ARM's status, code, message and request ids to quote to Azure support. */
export function UnreadableScopes({
  scopes,
}: {
  scopes: Array<{ what: string; status: number | null; armCode: string | null; message: string; requestIds: string[] }>;
}) {
  return (
    <ul className="list-disc pl-4">
      {scopes.map((scope) => (
        <li key={scope.what}>
          {scope.what}: {scope.status ?? "no answer"} {scope.armCode ?? ""} {scope.message}
          {scope.requestIds.length > 0 ? ` (request id ${scope.requestIds.join(", ")})` : ""}
        </li>
      ))}
    </ul>
  );
}
