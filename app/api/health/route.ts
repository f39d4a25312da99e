/** Liveness for load balancers. Public by design (see ROUTE_ACCESS): it says nothing but "ok". */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
