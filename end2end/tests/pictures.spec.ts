import { Page, expect, test } from "@playwright/test";
import { deflateSync } from "node:zlib";
import { api, apiToken, hydrated, signIn, unique, watchProblems } from "./helpers";

/** The problems, without the browser's own line for a refused request (a test provokes a 422). */
const real = (problems: string[]) => problems.filter((p) => !p.includes("Failed to load resource"));

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function chunk(kind: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(kind, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An opaque RGB PNG of `w`×`h`, a diagonal gradient (so resizing has something to do). */
function png(w: number, h: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      row[1 + x * 3] = (x * 255) / w;
      row[2 + x * 3] = (y * 255) / h;
      row[3 + x * 3] = 120;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function newActor(page: Page): Promise<{ id: number; name: string }> {
  const name = unique("Face");
  const res = await api(page.request, "producer", "POST", "/actors", { name, age: 33, gender: "female" });
  return { id: res.body.created, name };
}

test("a director gives an actor a headshot by choosing a file; the lists and casts show the face", async ({ page }) => {
  const problems = watchProblems(page);
  const { id, name } = await newActor(page);
  const movie = (await api(page.request, "producer", "POST", "/movies", { title: unique("Faces"), release_date: "2021-01-01" })).body.created_id;
  await api(page.request, "director", "PUT", `/movies/${movie}/actors/${id}`, { character: "Lead" });
  await signIn(page, "director");
  await page.goto(`/actors/${id}`);
  await hydrated(page);
  // Nobody's photo yet: the initials.
  await expect(page.locator(".picture-card.placeholder")).toBeVisible();
  await page.getByLabel("Choose a new photo").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(900, 1200) });
  await expect(page.getByRole("img", { name: "Preview of me.png" })).toBeVisible();
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page.locator(".upload-status")).toHaveText("Photo saved.");
  const card = page.getByRole("img", { name: `Photo of ${name}` });
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute("src", /size=card&v=[0-9a-f]{32}$/);
  // Its intrinsic size is set (no layout shift) and it really loaded.
  await expect(card).toHaveAttribute("width", "240");
  await expect(card).toHaveAttribute("height", "320");
  expect(await card.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
  await expect(page.getByRole("button", { name: "Remove photo" })).toBeVisible();

  // The list: the thumbnail, lazy, beside the name.
  await page.goto(`/actors?q=${encodeURIComponent(name)}`);
  const face = page.locator(`tr[data-actor-id="${id}"] img.face`);
  await expect(face).toHaveAttribute("loading", "lazy");
  await expect(face).toHaveAttribute("src", /size=thumb/);
  await expect.poll(() => face.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(72);
  // The cast.
  await page.goto(`/movies/${movie}`);
  await expect(page.locator(`li[data-actor-id="${id}"] img.face`)).toBeVisible();
  expect(real(problems)).toEqual([]);
});

test("a dropped file is previewed; a file that is not an image is refused with a clear message", async ({ page }) => {
  const problems = watchProblems(page);
  const { id } = await newActor(page);
  await signIn(page, "director");
  await page.goto(`/actors/${id}`);
  await hydrated(page);
  // Drag and drop: the file lands in the form.
  const drop = await page.evaluateHandle((bytes: number[]) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" }));
    return data;
  }, [...png(64, 64)]);
  await page.locator(".drop-zone").dispatchEvent("dragover", { dataTransfer: drop });
  await expect(page.locator(".drop-zone")).toHaveClass(/dragging/);
  await page.locator(".drop-zone").dispatchEvent("drop", { dataTransfer: drop });
  await expect(page.getByRole("img", { name: "Preview of dropped.png" })).toBeVisible();
  await expect(page.locator(".drop-zone")).not.toHaveClass(/dragging/);
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page.locator(".upload-status")).toHaveText("Photo saved.");

  // A text file named like a picture: the server decodes it and refuses it; the page says why.
  await page.getByLabel("Choose a new photo").setInputFiles({ name: "notes.jpg", mimeType: "image/jpeg", buffer: Buffer.from("not a picture at all") });
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not a JPEG, PNG or WebP image" })).toBeVisible();
  // The photo from before is still there.
  const actor = (await api(page.request, "assistant", "GET", `/actors/${id}`)).body.actor;
  expect(actor.photo.width).toBe(64);
  // Removing it.
  await page.getByRole("button", { name: "Remove photo" }).click();
  await expect(page.locator(".upload-status")).toHaveText("Photo removed.");
  await expect(page.locator(".picture-card.placeholder")).toBeVisible();
  expect(real(problems)).toEqual([]);
});

test("a movie's poster, from the movie's page", async ({ page }) => {
  const title = unique("Poster");
  const movie = (await api(page.request, "producer", "POST", "/movies", { title, release_date: "2022-02-02" })).body.created_id;
  await signIn(page, "director");
  await page.goto(`/movies/${movie}`);
  await hydrated(page);
  await page.getByLabel("Choose a new poster").setInputFiles({ name: "poster.png", mimeType: "image/png", buffer: png(600, 900) });
  await page.getByRole("button", { name: "Upload poster" }).click();
  await expect(page.getByRole("img", { name: `Poster of ${title}` })).toBeVisible();
  await page.goto(`/movies?q=${encodeURIComponent(title)}`);
  await expect(page.locator(`tr[data-movie-id="${movie}"] img.face.poster`)).toBeVisible();
});

test("an assistant sees faces but no upload form", async ({ page }) => {
  const { id } = await newActor(page);
  const token = await apiToken(page.request, "director");
  const put = await page.request.put(`/actors/${id}/photo`, {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "image/png" },
    data: png(200, 100),
  });
  expect(put.status()).toBe(200);
  await signIn(page, "assistant");
  await page.goto(`/actors/${id}`);
  await expect(page.locator(".picture-card img")).toHaveAttribute("width", "200");
  await expect(page.locator(".picture-upload")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the upload form posts the file and the page says what happened", async ({ page }) => {
    const { id, name } = await newActor(page);
    await signIn(page, "director");
    await page.goto(`/actors/${id}`);
    await page.getByLabel("Choose a new photo").setInputFiles({ name: "plain.png", mimeType: "image/png", buffer: png(300, 300) });
    await page.getByRole("button", { name: "Upload photo" }).click();
    await expect(page).toHaveURL(new RegExp(`/actors/${id}\\?picture=saved#picture$`));
    await expect(page.locator(".upload-status")).toHaveText("Photo saved.");
    await expect(page.getByRole("img", { name: `Photo of ${name}` })).toBeVisible();

    await page.getByLabel("Choose a new photo").setInputFiles({ name: "bad.png", mimeType: "image/png", buffer: Buffer.from("<svg/>") });
    await page.getByRole("button", { name: "Upload photo" }).click();
    await expect(page).toHaveURL(/picture_error=unsupported_image/);
    await expect(page.getByRole("alert").filter({ hasText: "not a JPEG, PNG or WebP image" })).toBeVisible();
  });
});
