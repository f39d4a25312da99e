/** Shown on every page in sandbox mode so nobody mistakes the simulator for Azure. */
export function SandboxBanner() {
  return (
    <div
      role="note"
      aria-label="Sandbox mode"
      className="border-b border-amber-300 bg-amber-100 px-4 py-2 text-center text-sm text-amber-950"
    >
      <strong className="font-semibold">Sandbox mode.</strong> Sign-in uses a local identity provider and changes go to
      a local APIM simulator — nothing here touches Azure. Users and passwords are in{" "}
      <code className="font-mono">.data/sandbox.json</code>.
    </div>
  );
}
