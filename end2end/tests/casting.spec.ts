import { expect, test } from "@playwright/test";
import { api, hydrated, signIn, unique, watchProblems } from "./helpers";

test("a producer builds a cast in the UI; the API and the actor's page agree", async ({ page, request }) => {
  const problems = watchProblems(page);
  const title = unique("Cast Movie");
  const name = unique("Zelda");
  const movie = (await api(request, "producer", "POST", "/movies", { title, release_date: "2020-01-01" })).body.created_id;
  const actor = (await api(request, "producer", "POST", "/actors", { name, age: 30, gender: "female" })).body.created;

  await signIn(page, "producer");
  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await expect(page.getByText("Nobody is cast yet.")).toBeVisible();

  // Search as you type: the choices narrow to the match.
  await page.getByLabel("Find an actor").fill(name);
  // The choice after the "Choose an actor…" placeholder; nobody is chosen until the person does.
  await expect(page.locator("#cast-actor option")).toHaveCount(2);
  await expect(page.locator("#cast-actor option").nth(1)).toHaveText(`${name} (30)`);
  await page.locator("#cast-actor").selectOption(String(actor));
  await page.getByLabel("Character (optional)").fill("The Lead");
  await page.getByRole("button", { name: "Add to cast" }).click();
  await expect(page.locator("ul.cast li", { hasText: name })).toContainText("as The Lead");
  await expect(page.getByRole("status")).toContainText(`Cast ${name} as The Lead.`);

  const cast = await api(request, "assistant", "GET", `/movies/${movie}/actors`);
  expect(cast.body.actors.map((a: { id: number }) => a.id)).toEqual([actor]);

  await page.goto(`/actors/${actor}`);
  await expect(page.locator("ul.cast li", { hasText: title })).toContainText("as The Lead");

  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await page.getByRole("button", { name: `Remove ${name} from the cast` }).click();
  await expect(page.getByText("Nobody is cast yet.")).toBeVisible();
  expect((await api(request, "assistant", "GET", `/movies/${movie}/actors`)).body.total).toBe(0);
  expect(problems).toEqual([]);
});

test("an assistant sees the cast but is offered no way to change it", async ({ page, request }) => {
  const title = unique("Watched Movie");
  const name = unique("Yves");
  const movie = (await api(request, "producer", "POST", "/movies", { title, release_date: "2021-02-02" })).body.created_id;
  const actor = (await api(request, "producer", "POST", "/actors", { name, age: 50, gender: "male" })).body.created;
  await api(request, "director", "PUT", `/movies/${movie}/actors/${actor}`, { character: "Narrator" });

  await signIn(page, "assistant");
  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await expect(page.locator("ul.cast li", { hasText: name })).toContainText("as Narrator");
  await expect(page.getByRole("heading", { name: "Add to the cast" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Remove/ })).toHaveCount(0);
});
