/**
 * The HTML report opened in real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): every request other than the file itself is blocked and must not even be
 * attempted, each chart's SVG has marks and a size, the console stays clean, user text stays
 * text, and a screenshot is saved for people to look at.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { makeMlp } from "../../src/onnx/fixtures.js";
import { saveModel } from "../../src/onnx/model.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";

const directory = temporaryDirectory("mlbuild-html-");
const registry = path.join(directory, ".mlbuild");
const cli = async (...args: string[]) => {
  const result = await runCli(["--registry", registry, ...args], { cwd: directory });
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result;
};
const hostile = `<img src="https://example.com/x.png" onerror="alert(1)">`;

async function buildAndMeasure(file: string, hidden: number[], name: string): Promise<string> {
  const model = makeMlp({ inputSize: 64, hiddenSizes: hidden, outputSize: 8, seed: 5, batch: 1 });
  await saveModel(model, path.join(directory, file));
  const built = await cli("build", "--model", file, "--name", name, "--notes", hostile, "--json");
  const buildId = parseJson<{ build_id: string }>(built).build_id;
  await cli("benchmark", buildId, "--runs", "300", "--warmup", "5");
  return buildId;
}

let htmlFile = "";

beforeAll(async () => {
  await cli("init");
  const light = await buildAndMeasure("light.onnx", [64], "light <b>model</b>");
  const heavy = await buildAndMeasure("heavy.onnx", [64, 64, 64], "heavy");
  // production: light, then heavy, then light again: a history of three builds.
  await cli("tag", "create", light, "production");
  await cli("tag", "create", heavy, "production", "--force");
  await cli("tag", "create", light, "production", "--force");
  await cli("profile", heavy);
  htmlFile = path.join(directory, "report.html");
  await cli("report", "production", heavy, "--format", "html", "-o", htmlFile);
});

describe("the HTML report in headless Chromium", () => {
  it("renders every chart offline, with a clean console and escaped user text", async () => {
    // A fresh profile per run: nothing cached or remembered from an earlier one.
    const profile = temporaryDirectory("mlbuild-chromium-profile-");
    const browser = await chromium.launchPersistentContext(profile, {
      viewport: { width: 1100, height: 900 },
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      const attempted: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        attempted.push(url);
        return route.abort();
      });
      const consoleErrors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => consoleErrors.push(error.message));
      const dialogs: string[] = [];
      page.on("dialog", async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });

      await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load" });

      const charts = await page.$$eval("figure.chart", (figures) =>
        figures.map((figure) => {
          const svg = figure.querySelector("svg");
          const box = svg?.getBoundingClientRect();
          return {
            name: figure.getAttribute("data-chart"),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: svg?.querySelectorAll("path, circle, line, rect").length ?? 0,
            markGroups: svg?.querySelectorAll("[class*='mark-']").length ?? 0,
          };
        }),
      );
      expect(charts.map((chart) => chart.name).sort()).toEqual([
        "distribution",
        "history",
        "op-types",
        "percentiles",
      ]);
      for (const chart of charts) {
        expect(chart.width, chart.name ?? "").toBeGreaterThan(100);
        expect(chart.height, chart.name ?? "").toBeGreaterThan(50);
        expect(chart.marks, chart.name ?? "").toBeGreaterThan(5);
        expect(chart.markGroups, chart.name ?? "").toBeGreaterThan(0);
      }

      // The notes are shown as text: no <img> element came from them, nothing was fetched.
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.getByText(hostile).first().isVisible()).toBe(true);
      expect(attempted).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(consoleErrors).toEqual([]);

      const screenshot = path.join(temporaryDirectory("mlbuild-screenshot-"), "report.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      writeFileSync(path.join(directory, "screenshot-path.txt"), screenshot);
      console.log(`HTML report screenshot: ${screenshot}`);
    } finally {
      await browser.close();
    }
  });
});
