/**
 * `deno task web`: build the web lab into `web/dist/` — index.html, style.css, the font, and two
 * bundles made by `deno bundle --platform browser` (the page, `app.js`, and the training worker,
 * `worker.js`). The worker runs lib/train's job loop itself; the page runs lib/model and lib/io.
 * The result is a static site that works from any static host (`deno task serve` is one).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runMain } from "../lib/cli.ts";
import { UserError } from "../lib/errors.ts";

/** The declaration of `deno task web`: no flags. */
const WEB = { name: "deno task web", flags: {} } as const;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "web", "dist");

/** The static files copied as they are: source path (from the repo) → name in dist. */
const STATIC: [string, string][] = [
  ["web/index.html", "index.html"],
  ["web/style.css", "style.css"],
  ["lib/plot/fonts/DejaVuSans.ttf", "DejaVuSans.ttf"],
  ["lib/plot/fonts/LICENSE", "DejaVuSans-LICENSE.txt"],
  ["lib/plot/fonts/NotoSansCJKsc-subset.otf", "NotoSansCJKsc-subset.otf"],
  ["lib/plot/fonts/NotoSansCJK-LICENSE", "NotoSansCJK-LICENSE.txt"],
];

/** The two bundles: entry point → name in dist. */
const BUNDLES: [string, string][] = [
  ["web/src/main.ts", "app.js"],
  ["web/src/worker.ts", "worker.js"],
];

await runMain(WEB, async () => {
  await Deno.mkdir(DIST, { recursive: true });
  for (const [from, to] of STATIC) await Deno.copyFile(join(ROOT, from), join(DIST, to));
  for (const [entry, out] of BUNDLES) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--minify",
        "--import-map",
        join(ROOT, "web", "import_map.json"),
        "-o",
        join(DIST, out),
        join(ROOT, entry),
      ],
      cwd: ROOT,
      stdout: "inherit",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new UserError(`bundling ${entry} failed:\n${new TextDecoder().decode(stderr)}`);
    }
  }
  const sizes = [];
  for (const [, name] of [...BUNDLES, ...STATIC]) {
    sizes.push(`${name} ${((await Deno.stat(join(DIST, name))).size / 1024).toFixed(1)} KB`);
  }
  console.log(`built ${DIST}: ${sizes.join(", ")}`);
});
