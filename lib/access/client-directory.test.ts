import { describe, expect, it } from "vitest";
import { namingProbe, PROBE_CLIENT_NAME, type ClientDirectory } from "./client-directory";

const PROBE = "aaaaaaaa-1111-2222-3333-444444444444";
const OTHER = "bbbbbbbb-1111-2222-3333-444444444444";

function recording(names: Record<string, string>, problem: string | null = null) {
  const asked: string[][] = [];
  const directory: ClientDirectory = {
    source: "graph",
    displayNames: async (ids) => {
      asked.push([...ids]);
      return { names: new Map(ids.flatMap((id) => (names[id] ? [[id, names[id]] as const] : []))), problem };
    },
  };
  return { directory, asked };
}

describe("the client directory names the Portcullis probe", () => {
  it("as 'Portcullis probe' whatever the case of its id, without asking the directory for it", async () => {
    const { directory, asked } = recording({ [OTHER]: "Chat app", [PROBE]: "Portcullis (directory name)" });
    const named = namingProbe(directory, PROBE);
    const answer = await named.displayNames([PROBE.toUpperCase(), OTHER]);
    expect([...answer.names]).toEqual([
      [OTHER, "Chat app"],
      [PROBE.toUpperCase(), PROBE_CLIENT_NAME],
    ]);
    expect(asked).toEqual([[OTHER]]);
    expect(named.source).toBe("graph");
  });

  it("also when the directory failed, keeping its reason for the others", async () => {
    const { directory } = recording({}, "Microsoft Graph could not name the client applications: 403");
    const answer = await namingProbe(directory, PROBE).displayNames([PROBE, OTHER]);
    expect([...answer.names]).toEqual([[PROBE, PROBE_CLIENT_NAME]]);
    expect(answer.problem).toContain("403");
  });

  it("does not ask the directory when only the probe is asked for", async () => {
    const { directory, asked } = recording({});
    const answer = await namingProbe(directory, PROBE).displayNames([PROBE]);
    expect([...answer.names]).toEqual([[PROBE, PROBE_CLIENT_NAME]]);
    expect(asked).toEqual([]);
  });
});
