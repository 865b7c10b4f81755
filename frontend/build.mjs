// Bundles the browser modules into dist/ (served by Django as /static/…). `node build.mjs --watch` rebuilds on change.
import * as esbuild from "esbuild";
import { rmSync } from "node:fs";

const watch = process.argv.includes("--watch");
rmSync("dist", { recursive: true, force: true });

const options = {
  entryPoints: {
    "js/shell": "src/shell.js",
    "js/board": "src/board/index.js",
    "js/storyboard": "src/storyboard/index.js",
    "js/script": "src/script/index.js",
    "js/shot": "src/renders/shot.js",
    "js/queue": "src/renders/queue.js",
    "js/previz": "src/previz/index.js",
    "css/studio": "src/styles/studio.css",
  },
  outdir: "dist",
  bundle: true,
  format: "esm",
  splitting: true,
  chunkNames: "js/chunks/[name]-[hash]",
  target: ["chrome110", "firefox115", "safari16"],
  sourcemap: true,
  minify: !watch,
  logLevel: "info",
  loader: { ".svg": "text" },
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
