import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { AppConfig } from "../env";
import { PrismaClient } from "./generated/client";

export type DatabaseConfig = AppConfig["database"] | { kind: "pglite-memory" };

export interface Database {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A Prisma client on the configured engine. Connections open lazily on first query. */
export function openDatabase(config: DatabaseConfig): Database {
  if (config.kind === "postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.url, max: 10 }) });
    return { prisma, close: () => prisma.$disconnect() };
  }
  if (config.kind === "pglite") mkdirSync(config.dataDir, { recursive: true });
  const pglite = new PGlite(config.kind === "pglite" ? config.dataDir : undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
