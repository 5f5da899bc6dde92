import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { RemoteConfig } from "../../remote/config.js";
import { action, type CommandContext } from "../context.js";
import { oneOf } from "../parse.js";
import { renderTable } from "../table.js";

interface AddOptions {
  backend: "local" | "s3";
  path?: string;
  bucket?: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  default?: boolean;
}

function remoteFromOptions(options: AddOptions): RemoteConfig {
  const misplaced = (flags: string[]) =>
    new UsageError(
      "REMOTE_OPTIONS_INVALID",
      `${flags.join(", ")} ${flags.length === 1 ? "does" : "do"} not apply to ` +
        `a ${options.backend} remote`,
      {
        hint: "Local remotes take --path; S3 remotes take --bucket [--prefix --endpoint --region].",
      },
    );
  if (options.backend === "local") {
    if (!options.path) {
      throw new UsageError("REMOTE_OPTIONS_INVALID", "A local remote needs --path DIR", {
        hint: "For example: `mlbuild remote add shared --backend local --path /mnt/mlbuild`.",
      });
    }
    const extra = ["bucket", "prefix", "endpoint", "region"].filter(
      (key) => options[key as keyof AddOptions] !== undefined,
    );
    if (extra.length > 0) throw misplaced(extra.map((key) => `--${key}`));
    return { backend: "local", path: options.path };
  }
  if (!options.bucket) {
    throw new UsageError("REMOTE_OPTIONS_INVALID", "An S3 remote needs --bucket NAME", {
      hint: "For example: `mlbuild remote add origin --backend s3 --bucket my-models`.",
    });
  }
  if (options.path) throw misplaced(["--path"]);
  if (options.endpoint && !/^https?:\/\/[^\s]+$/.test(options.endpoint)) {
    throw new UsageError("REMOTE_OPTIONS_INVALID", `'${options.endpoint}' is not an http(s) URL`, {
      hint: "Give the server's URL, such as http://127.0.0.1:9000.",
    });
  }
  return {
    backend: "s3",
    bucket: options.bucket,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
  };
}

/** Loads the remotes, lets `change` edit them, and writes the config back atomically. */
async function editRemotes(
  context: CommandContext,
  change: (settings: import("../../remote/config.js").RemoteSettings) => void,
): Promise<void> {
  const { readWorkspaceConfig, writeWorkspaceConfig } = await import("../../workspace.js");
  const { readRemoteSettings, writeRemoteSettings } = await import("../../remote/config.js");
  const { paths } = await context.workspace();
  const config = await readWorkspaceConfig(paths);
  const settings = readRemoteSettings(config);
  change(settings);
  await writeWorkspaceConfig(paths, writeRemoteSettings(config, settings));
}

export function registerRemote(program: Command): void {
  const remote = program.command("remote").description("places to push builds to and pull from");

  remote
    .command("add")
    .description("add a remote: a directory, or an S3 bucket (credentials from the AWS chain)")
    .argument("<name>", "the remote's name: 1-64 of [A-Za-z0-9_.-]")
    .requiredOption("--backend <backend>", "local or s3", oneOf(["local", "s3"] as const))
    .option("--path <dir>", "local: the directory")
    .option("--bucket <bucket>", "s3: the bucket")
    .option("--prefix <prefix>", "s3: a folder inside the bucket")
    .option("--endpoint <url>", "s3: an S3-compatible server (path-style addressing)")
    .option("--region <region>", "s3: the bucket's region (default: AWS_REGION or us-east-1)")
    .option("--default", "make it the default remote")
    .action(
      action(async (context, name: string, options: AddOptions) => {
        const { assertRemoteName, describeRemote } = await import("../../remote/config.js");
        const path = await import("node:path");
        assertRemoteName(name);
        const config = remoteFromOptions(options);
        if (config.backend === "local") config.path = path.resolve(config.path);
        let isDefault = false;
        await editRemotes(context, (settings) => {
          if (settings.remotes[name]) {
            throw new UsageError("REMOTE_EXISTS", `A remote named '${name}' already exists`, {
              hint: `Remove it first with \`mlbuild remote remove ${name}\`, or pick another name.`,
            });
          }
          settings.remotes[name] = config;
          if (options.default || !settings.defaultRemote) settings.defaultRemote = name;
          isDefault = settings.defaultRemote === name;
        });
        context.output.result(
          { name, ...config, default: isDefault },
          () =>
            `Added remote '${name}' (${describeRemote(config)})${isDefault ? ", the default" : ""}`,
        );
        return 0;
      }),
    );

  remote
    .command("list")
    .description("list remotes")
    .action(
      action(async (context) => {
        const { readWorkspaceConfig } = await import("../../workspace.js");
        const { readRemoteSettings, describeRemote } = await import("../../remote/config.js");
        const { paths } = await context.workspace();
        const settings = readRemoteSettings(await readWorkspaceConfig(paths));
        const entries = Object.entries(settings.remotes).sort(([a], [b]) => a.localeCompare(b));
        const json = entries.map(([name, config]) => ({
          name,
          ...config,
          default: name === settings.defaultRemote,
        }));
        context.output.result(json, () =>
          entries.length === 0
            ? "No remotes yet: `mlbuild remote add NAME --backend local --path DIR`."
            : renderTable(
                ["REMOTE", "BACKEND", "LOCATION", "DEFAULT"],
                entries.map(([name, config]) => [
                  name,
                  config.backend,
                  describeRemote(config),
                  name === settings.defaultRemote ? "*" : "",
                ]),
              ),
        );
        return 0;
      }),
    );

  remote
    .command("remove")
    .description("forget a remote (its contents are left alone)")
    .argument("<name>")
    .action(
      action(async (context, name: string) => {
        const { unknownRemote } = await import("../../remote/config.js");
        await editRemotes(context, (settings) => {
          if (!settings.remotes[name]) throw unknownRemote(name);
          delete settings.remotes[name];
          if (settings.defaultRemote === name) settings.defaultRemote = undefined;
        });
        context.output.result({ name, removed: true }, () => `Removed remote '${name}'`);
        return 0;
      }),
    );

  remote
    .command("set-default")
    .description("make a remote the one push, pull and sync use without --remote")
    .argument("<name>")
    .action(
      action(async (context, name: string) => {
        const { unknownRemote } = await import("../../remote/config.js");
        await editRemotes(context, (settings) => {
          if (!settings.remotes[name]) throw unknownRemote(name);
          settings.defaultRemote = name;
        });
        context.output.result({ name, default: true }, () => `'${name}' is now the default remote`);
        return 0;
      }),
    );
}
