#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, a runtime dependency, so `npx portcullis` works right
// after `npm install` without a build step.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
