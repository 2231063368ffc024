// The web budget, measured in headless Chromium, signed in as a producer with 100 actors:
// - bytes transferred for a cold load of /actors (HTML + JS + WASM + CSS, as sent: compressed),
// - time to interactive (navigation start until the WASM has hydrated the page,
//   data-hydrated="true"), cold, on loopback and on a throttled 10 Mbit/s, 40 ms link
//   (Chromium's network emulation), median of N,
// - what a repeat visit downloads of the WASM (nothing, when it is cached).
// Usage: node bench/tti.mjs http://127.0.0.1:PORT [runs]
import { chromium } from "@playwright/test";

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 10);
if (!base) throw new Error("usage: node bench/tti.mjs BASE_URL [runs]");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
});
const setup = await browser.newContext({ baseURL: base });
const token = (await (await setup.request.post("/auth/dev-token", { data: { role: "producer" } })).json()).access_token;
for (let i = 0; i < 100; i++) {
  await setup.request.post("/actors", {
    data: { name: `Bench Actor ${i}`, age: 20 + (i % 60), gender: i % 2 ? "female" : "male" },
    headers: { Authorization: `Bearer ${token}` },
  });
}
const signin = await setup.newPage();
await signin.goto("/login");
await signin.getByRole("button", { name: "Sign in as Executive Producer" }).click();
await signin.waitForURL(/\/$/);
const storageState = await setup.storageState();
await setup.close();

const THROTTLED = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 };

/** One load of /actors in `page`; bytes on the wire by kind, and ms until hydrated. */
async function load(page, cdp) {
  const kinds = new Map();
  const bytes = { html: 0, js: 0, wasm: 0, css: 0, other: 0 };
  const onResponse = ({ requestId, response }) => {
    const url = response.url;
    const kind = url.endsWith(".wasm") ? "wasm" : url.endsWith(".js") ? "js" : url.endsWith(".css") ? "css"
      : response.mimeType === "text/html" ? "html" : "other";
    kinds.set(requestId, kind);
  };
  const onFinished = ({ requestId, encodedDataLength }) => {
    const kind = kinds.get(requestId);
    if (kind) bytes[kind] += encodedDataLength;
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.loadingFinished", onFinished);
  const started = Date.now();
  await page.goto("/actors", { waitUntil: "commit" });
  await page.locator('.layout[data-hydrated="true"]').waitFor();
  const ms = Date.now() - started;
  await page.waitForLoadState("networkidle");
  cdp.off("Network.responseReceived", onResponse);
  cdp.off("Network.loadingFinished", onFinished);
  if ((await page.locator("table.data tbody tr").count()) < 20) throw new Error("the list did not render");
  return { ms, bytes };
}

async function profile(name, conditions) {
  const samples = [];
  let cold, repeat;
  for (let i = 0; i < runs; i++) {
    // A new context has an empty HTTP cache: a first visit.
    const context = await browser.newContext({ baseURL: base, storageState });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    if (conditions) await cdp.send("Network.emulateNetworkConditions", conditions);
    const first = await load(page, cdp);
    samples.push(first.ms);
    cold = first.bytes;
    if (i === 0) repeat = (await load(page, cdp)).bytes;
    await context.close();
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`time to interactive of /actors, cold, ${name} (${runs} runs): median ${median} ms, min ${samples[0]} ms, max ${samples[samples.length - 1]} ms`);
  return { cold, repeat };
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const { cold, repeat } = await profile("loopback", null);
await profile("10 Mbit/s, 40 ms", THROTTLED);
const total = cold.html + cold.js + cold.wasm + cold.css;
console.log(`cold load of /actors transferred ${kb(total)} (budget: 350 KB): HTML ${kb(cold.html)}, JS ${kb(cold.js)}, WASM ${kb(cold.wasm)}, CSS ${kb(cold.css)}`);
console.log(`repeat visit transferred ${kb(repeat.wasm)} of WASM, ${kb(repeat.js)} of JS, ${kb(repeat.css)} of CSS`);
await browser.close();
