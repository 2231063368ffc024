// Runs the dina seed's own Postman collection (postman/seeds/, unchanged) against this app,
// as its README says to: one folder per role, each with that role's token, and the `host`
// variable as the seed shipped it, ending in `/` (so every URL has `//`). Fails unless every
// request gets the status the seed's semantics call for.
// Usage: node scripts/seed-postman.mjs BASE_URL ASSISTANT_TOKEN DIRECTOR_TOKEN PRODUCER_TOKEN
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const newman = require("newman");

const [base, assistant, director, producer] = process.argv.slice(2);
const collection = JSON.parse(readFileSync(new URL("../postman/seeds/dina-capstone.postman_collection.json", import.meta.url)));
const tokens = { "Executive Producer": producer, "Casting Director": director, "Casting Assistant": assistant };
for (const folder of collection.item) {
  folder.auth.bearer.find((b) => b.key === "token").value = tokens[folder.name];
}

// On an empty database, in the collection's order. The producer creates movie 1 (a title and
// no release date: not yet scheduled) and actor 1, edits and deletes both; the director may not
// post or delete movies, and finds movie 1 and actor 1 gone; the assistant may only read.
const expected = [
  200, 200, 200, 200, 200, 200, 200, 200,
  200, 403, 404, 403, 200, 200, 404, 404,
  200, 403, 403, 403, 200, 403, 403, 403,
];

newman.run(
  { collection, envVar: [{ key: "host", value: `${base.replace(/\/$/, "")}/` }], reporters: [] },
  (err, summary) => {
    if (err) throw err;
    const got = summary.run.executions.map((e) => e.response?.code);
    const lines = summary.run.executions.map((e, i) => {
      const url = e.request.url.toString();
      const body = e.response?.stream?.toString() ?? "";
      const mark = got[i] === expected[i] ? "ok  " : "FAIL";
      return `${mark} ${e.request.method.padEnd(6)} ${url} -> ${got[i]} (expected ${expected[i]}) ${got[i] === 404 ? body : ""}`;
    });
    console.log(lines.join("\n"));
    // A 404 must be a record that is gone, never a route the doubled slash missed.
    const routeMisses = summary.run.executions.filter((e) => e.response?.code === 404 && !/(movie|actor) 1 not found/.test(e.response.stream.toString()));
    const ok = got.length === expected.length && got.every((c, i) => c === expected[i]) && routeMisses.length === 0;
    console.log(ok ? `dina seed collection: all ${got.length} requests as expected` : "dina seed collection: FAILED");
    process.exit(ok ? 0 : 1);
  },
);
