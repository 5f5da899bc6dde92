import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { action } from "../context.js";
import { renderTable, shortId } from "../table.js";

export function registerTag(program: Command): void {
  const tag = program.command("tag").description("movable names for builds, with history");

  tag
    .command("create")
    .description("point a tag at a build (--force to move an existing tag)")
    .argument("<ref>", "the build")
    .argument("<name>", "the tag: 1-128 of [A-Za-z0-9_.-]")
    .option("-f, --force", "move the tag if it exists")
    .action(
      action(async (context, reference: string, name: string, options: { force?: boolean }) => {
        const { assertTagName } = await import("../../registry/tags.js");
        assertTagName(name);
        const workspace = await context.workspace();
        const { registry } = workspace;
        const build = await registry.resolve(reference);
        const result = await registry.transaction((tx) =>
          registry.tags.set(tx, name, build.buildId, { force: options.force }),
        );
        context.output.result({ tag: name, build_id: build.buildId, ...result }, () =>
          !result.changed
            ? `Tag '${name}' already points at ${shortId(build.buildId)}; nothing changed`
            : result.previous
              ? `Moved tag '${name}' from ${shortId(result.previous)} to ${shortId(build.buildId)}`
              : `Tagged ${shortId(build.buildId)} as '${name}'`,
        );
        return 0;
      }),
    );

  tag
    .command("list")
    .description("list tags")
    .action(
      action(async (context) => {
        const workspace = await context.workspace();
        const tags = await workspace.registry.tags.list();
        const json = tags.map((entry) => ({
          name: entry.name,
          build_id: entry.buildId,
          updated_at: entry.updatedAt,
        }));
        context.output.result(json, () =>
          tags.length === 0
            ? "No tags yet: `mlbuild tag create REF NAME`."
            : renderTable(
                ["TAG", "BUILD", "UPDATED"],
                tags.map((entry) => [entry.name, shortId(entry.buildId), entry.updatedAt]),
              ),
        );
        return 0;
      }),
    );

  tag
    .command("show")
    .description("show a tag and every move it made")
    .argument("<name>")
    .action(
      action(async (context, name: string) => {
        const workspace = await context.workspace();
        const current = await workspace.registry.tags.get(name);
        const history = await workspace.registry.tags.history(name);
        if (!current && history.length === 0) {
          throw new UsageError("TAG_UNKNOWN", `No tag named '${name}'`, {
            hint: "Run `mlbuild tag list` to see the tags.",
          });
        }
        const json = {
          name,
          build_id: current?.buildId ?? null,
          history: history.map((move) => ({
            seq: move.seq,
            action: move.action,
            build_id: move.buildId,
            previous_build_id: move.previousBuildId,
            moved_at: move.movedAt,
          })),
        };
        context.output.result(json, () => {
          const head = current ? `tag ${name} -> ${current.buildId}` : `tag ${name} (deleted)`;
          const rows = history.map((move) => [
            String(move.seq),
            move.action,
            move.previousBuildId ? shortId(move.previousBuildId) : "-",
            move.buildId ? shortId(move.buildId) : "-",
            move.movedAt,
          ]);
          const table = renderTable(["#", "ACTION", "FROM", "TO", "WHEN"], rows, { indent: "  " });
          return `${head}\n${table}`;
        });
        return 0;
      }),
    );

  tag
    .command("delete")
    .description("delete a tag (its history is kept)")
    .argument("<name>")
    .action(
      action(async (context, name: string) => {
        const workspace = await context.workspace();
        const { registry } = workspace;
        const removed = await registry.transaction((tx) => registry.tags.delete(tx, name));
        context.output.result(
          { tag: name, deleted: true, build_id: removed.buildId },
          () => `Deleted tag '${name}' (was ${shortId(removed.buildId)})`,
        );
        return 0;
      }),
    );
}
