import * as accessProfile from "../../app/api/v1/apis/[id]/access-profile/route";
import * as apiList from "../../app/api/v1/apis/route";
import * as changeSet from "../../app/api/v1/change-sets/[id]/route";
import * as apply from "../../app/api/v1/change-sets/[id]/apply/route";
import * as changeSets from "../../app/api/v1/change-sets/route";
import * as variablesRoute from "../../app/api/v1/environments/[name]/variables/route";
import * as secretList from "../../app/api/v1/instances/[id]/secrets/route";
import * as instanceList from "../../app/api/v1/instances/route";
import * as template from "../../app/api/v1/templates/[id]/route";
import * as templateList from "../../app/api/v1/templates/route";
import type { CliIo } from "../../cli/cli-io";
import type { PortcullisConnection, RestCall } from "../../cli/portcullis-client";
import { callRoute } from "./call-route";

/** A CliIo that keeps what a command prints. */
export function captured() {
  let out = "";
  let err = "";
  const io: CliIo = {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    readFile: () => Promise.reject(new Error("not used")),
  };
  return { io, out: () => out, err: () => err };
}

/** The CLI's REST calls, answered by the route handlers in-process. */
export function inProcess(token: string): PortcullisConnection {
  type Handler = Parameters<typeof callRoute>[0];
  const routes: Array<[string, RegExp, Handler, string?]> = [
    ["GET", /^\/instances(\?|$)/, instanceList.GET],
    ["GET", /^\/apis(\?|$)/, apiList.GET],
    ["GET", /^\/apis\/([^/?]+)\/access-profile$/, accessProfile.GET, "id"],
    // No PUT /environments/{name}/variables: the CLI changes variables only through a change set.
    ["GET", /^\/environments\/([^/?]+)\/variables$/, variablesRoute.GET, "name"],
    ["GET", /^\/instances\/([^/?]+)\/secrets(\?|$)/, secretList.GET, "id"],
    ["POST", /^\/change-sets$/, changeSets.POST],
    ["GET", /^\/change-sets\/([^/?]+)$/, changeSet.GET, "id"],
    ["POST", /^\/change-sets\/([^/?]+)\/apply$/, apply.POST, "id"],
    ["GET", /^\/templates$/, templateList.GET],
    ["GET", /^\/templates\/([^/?]+)$/, template.GET, "id"],
  ];
  const call: RestCall = async (method, resource, body) => {
    for (const [routeMethod, pattern, handler, param] of routes) {
      const match = pattern.exec(resource);
      if (routeMethod !== method || !match) continue;
      const answer = await callRoute(handler, {
        path: resource,
        method,
        token,
        body,
        params: param ? { [param]: match[1]! } : {},
      });
      return { status: answer.status, body: answer.body };
    }
    throw new Error(`no route for ${method} ${resource}`);
  };
  return { url: "http://localhost:3999", call };
}
