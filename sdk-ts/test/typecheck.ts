// Type tests: compiled with `tsc --noEmit --strict` under NodeNext and Bundler resolution
// against the package `cairn gen sdk` wrote for the test schema. Every `@ts-expect-error`
// line must be an error (tsc fails on an unused one), so wrong collections, fields, select
// values and value types are proven to be compile errors.

import { createClient, type BarPostsRecord, type Collections } from "./generated/index.js";

const client = createClient("http://127.0.0.1:8090");

export async function checks(): Promise<void> {
  const posts = client.collection("bar_posts");
  const p: BarPostsRecord = await posts.getOne("id", { expand: "author" });
  const title: string = p.title;
  const status: "draft" | "live" | "" = p.status;
  const author: string | undefined = p.expand?.author?.name;
  void [title, status, author];

  await posts.create({ title: "t", status: "draft", tags: ["a"], score: 1, cover: new Blob(["x"]) });
  await posts.update("id", { "score+": 2, "tags-": "a", "attachments+": new Blob(["y"]) });
  const list = await posts.getList(1, 20, { filter: client.filter("score > {:n}", { n: 1 }), sort: "-created" });
  const first: BarPostsRecord | undefined = list.items[0];
  void first;
  await posts.subscribe("*", (e) => {
    const action: "create" | "update" | "delete" = e.action;
    const t: string = e.record.title;
    void [action, t];
  });
  const auth = await client.collection("members").authWithPassword("a@b.c", "pw");
  const role: "admin" | "member" | "" = auth.record.role;
  void role;
  const stats = await client.collection("post_stats").getFullList();
  void stats;
  const batch = client.createBatch();
  batch.collection("labels").create({ name: "x" });
  const names: keyof Collections = "labels";
  void names;

  // @ts-expect-error a collection that is not in the schema
  client.collection("bar_post");
  // @ts-expect-error a field that is not in the collection
  await posts.create({ title: "t", status: "draft", titel: "x" });
  // @ts-expect-error a select value that is not one of its values
  await posts.create({ title: "t", status: "published" });
  // @ts-expect-error a value of the wrong type
  await posts.update("id", { score: "ten" });
  // @ts-expect-error a required field left out
  await posts.create({ status: "draft" });
  // @ts-expect-error reading a field that does not exist
  void p.titel;
  // @ts-expect-error a view collection has no writes
  await client.collection("post_stats").create({});
  // @ts-expect-error a base collection has no sign-in
  await client.collection("labels").authWithPassword("a", "b");
  // @ts-expect-error a password is never on a read record
  void auth.record.password;
  // @ts-expect-error a file is written as File | Blob, not a name
  await posts.update("id", { cover: 42 });
  // @ts-expect-error batches cannot write to views
  batch.collection("post_stats");
}
