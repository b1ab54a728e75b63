// Render pages of HTML (GitHub's markdown, already turned to HTML by cmark-gfm) in headless
// Chromium with Mermaid, as github.com shows them, and report what a reader sees.
//
//   node render.mjs < pages.json > seen.json
//
// pages.json: [{"name": ..., "html": ...}]. For each page: every ```mermaid block is drawn
// by Mermaid (GitHub draws them the same way, in the browser); seen.json gives, per page,
// each chart's outcome ({"svg": true/false, "error": the error text or null, "text": the
// words inside the drawing}) and the page's visible text. The browser is the system's
// Chromium: $CHROMIUM, else the first of BROWSERS there is (scripts/install-chromium
// installs Debian's when there is none; GitHub's runners have Google Chrome).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const mermaidJs = join(here, "..", "mermaid", "node_modules", "mermaid", "dist", "mermaid.min.js");
const pages = JSON.parse(readFileSync(0, "utf8"));
const BROWSERS = ["/usr/bin/chromium", "/usr/bin/google-chrome", "/usr/bin/chromium-browser"];
const executablePath = process.env.CHROMIUM || BROWSERS.find((path) => existsSync(path));
if (!executablePath) {
  console.error("no Chromium found: run scripts/install-chromium, or set CHROMIUM to a Chromium or Chrome");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox"],
});
const seen = [];
try {
  const page = await browser.newPage();
  for (const { name, html } of pages) {
    await page.setContent(`<!doctype html><html><body>${html}</body></html>`);
    await page.addScriptTag({ path: mermaidJs });
    const result = await page.evaluate(async () => {
      const blocks = [...document.querySelectorAll("pre[lang=mermaid], pre > code.language-mermaid")];
      const holders = blocks.map((block) => {
        const pre = block.tagName === "PRE" ? block : block.parentElement;
        const holder = document.createElement("div");
        holder.className = "mermaid";
        holder.textContent = pre.textContent;
        pre.replaceWith(holder);
        return holder;
      });
      // eslint-disable-next-line no-undef
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
      const charts = [];
      for (const holder of holders) {
        try {
          // eslint-disable-next-line no-undef
          const { svg } = await mermaid.render(`chart${charts.length}`, holder.textContent);
          holder.innerHTML = svg;
          const drawn = holder.querySelector("svg");
          const text = drawn ? drawn.textContent : "";
          charts.push({ svg: !!drawn, error: /Syntax error/i.test(text) ? text : null, text });
        } catch (error) {
          charts.push({ svg: false, error: String(error && error.message ? error.message : error), text: "" });
        }
      }
      return { charts, text: document.body.innerText };
    });
    seen.push({ name, ...result });
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen));
