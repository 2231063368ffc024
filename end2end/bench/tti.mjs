// Time to interactive of /actors in headless Chromium: from navigation start until the WASM
// has hydrated the page (data-hydrated="true"), signed in as a producer with 100 actors.
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
const context = await browser.newContext({ baseURL: base });
const token = (await (await context.request.post("/auth/dev-token", { data: { role: "producer" } })).json()).access_token;
for (let i = 0; i < 100; i++) {
  await context.request.post("/actors", {
    data: { name: `Bench Actor ${i}`, age: 20 + (i % 60), gender: i % 2 ? "female" : "male" },
    headers: { Authorization: `Bearer ${token}` },
  });
}
const page = await context.newPage();
await page.goto("/login");
await page.getByRole("button", { name: "Sign in as Executive Producer" }).click();
await page.waitForURL(/\/$/);

const samples = [];
for (let i = 0; i < runs; i++) {
  const started = Date.now();
  await page.goto("/actors", { waitUntil: "commit" });
  await page.locator('.layout[data-hydrated="true"]').waitFor();
  const rows = await page.locator("table.data tbody tr").count();
  if (rows < 100) throw new Error(`expected at least 100 rows, saw ${rows}`);
  samples.push(Date.now() - started);
}
await browser.close();
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
console.log(`time to interactive of /actors (${runs} runs, 100 actors): median ${median} ms, min ${samples[0]} ms, max ${samples[samples.length - 1]} ms`);
