#!/usr/bin/env node
// Parse Mermaid diagrams with Mermaid's own parser, as a browser would before rendering.
// Input on stdin: a JSON array of diagram texts. Output on stdout: a JSON array with, for
// each text, {"ok": true, "type": "<diagram type>"} or {"ok": false, "error": "<message>"}.
// Mermaid's sanitizer needs a DOM, so a jsdom window stands in for the browser's.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const texts = JSON.parse(input);
if (!Array.isArray(texts)) {
  console.error("parse.mjs: expected a JSON array of diagram texts on stdin");
  process.exit(2);
}
const results = [];
for (const text of texts) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({ ok: false, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
