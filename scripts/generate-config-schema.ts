/**
 * Writes schema/mlbuild.config.schema.json from the zod schema of the CI config, for editors
 * (`# yaml-language-server: $schema=...` or `"$schema"` in JSON). A test fails when the
 * committed file and the schema drift apart: run `npm run config-schema` after changing it.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configJsonSchema } from "../src/ci/schema.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const file = path.join(root, "schema", "mlbuild.config.schema.json");
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(root, file)}`);
