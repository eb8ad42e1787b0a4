//! Unit tests of the schema → TypeScript mapping ([`super::types`]): every field type on read and
//! on write, the Record/Create/Update shapes, auth and view collections, select unions,
//! multiple relations and files, expand types and the `Collections` map.

use serde_json::{Value, json};

use super::types::{modifiers, read_type, render, write_type};
use crate::schema::collection::Collection;
use crate::schema::defaults::scaffold;
use crate::schema::field::Field;

fn field(v: Value) -> Field {
    Field::from_json(&v).unwrap_or_else(|e| panic!("{v}: {:?}", e.into_map()))
}

/// A collection of `kind` with `id`/`name`: the scaffold's system fields, then `fields`.
fn collection(kind: &str, id: &str, name: &str, fields: Value) -> Collection {
    let mut c = scaffold(kind);
    c["id"] = json!(id);
    c["name"] = json!(name);
    let mut all = c["fields"].as_array().cloned().unwrap_or_default();
    all.extend(fields.as_array().cloned().unwrap_or_default());
    c["fields"] = Value::Array(all);
    if kind == "view" {
        c["viewQuery"] = json!("SELECT id FROM x");
    }
    Collection::from_json(&c).unwrap_or_else(|e| panic!("{name}: {:?}", e.into_map()))
}

/// The body of `export interface {name} { … }` in `text`, one trimmed line per member.
fn interface(text: &str, name: &str) -> Vec<String> {
    let start = format!("export interface {name} {{\n");
    let Some(at) = text.find(&start) else {
        panic!("no interface {name} in:\n{text}")
    };
    let rest = &text[at + start.len()..];
    let end = rest.find("\n}\n").map_or(rest.len(), |e| e);
    rest[..end].lines().map(|l| l.trim().to_string()).collect()
}

#[test]
fn every_field_type_on_read_and_on_write() {
    let rows: &[(Value, Option<&str>, Option<&str>)] = &[
        (
            json!({"name": "a", "type": "text"}),
            Some("string"),
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "editor"}),
            Some("string"),
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "email"}),
            Some("string"),
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "url"}),
            Some("string"),
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "date"}),
            Some("string"),
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "autodate", "onCreate": true}),
            Some("string"),
            None,
        ),
        (
            json!({"name": "a", "type": "number"}),
            Some("number"),
            Some("number"),
        ),
        (
            json!({"name": "a", "type": "bool"}),
            Some("boolean"),
            Some("boolean"),
        ),
        (
            json!({"name": "a", "type": "json"}),
            Some("unknown"),
            Some("unknown"),
        ),
        (
            json!({"name": "a", "type": "geoPoint"}),
            Some("{ lon: number; lat: number }"),
            Some("{ lon: number; lat: number }"),
        ),
        (
            json!({"name": "a", "type": "password"}),
            None,
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "relation", "collectionId": "c1", "maxSelect": 1}),
            Some("string"),
            Some("string"),
        ),
        (
            json!({"name": "a", "type": "relation", "collectionId": "c1", "maxSelect": 3}),
            Some("string[]"),
            Some("string[]"),
        ),
        (
            json!({"name": "a", "type": "file", "maxSelect": 1}),
            Some("string"),
            Some("File | Blob"),
        ),
        (
            json!({"name": "a", "type": "file", "maxSelect": 4}),
            Some("string[]"),
            Some("(File | Blob)[]"),
        ),
        (
            json!({"name": "a", "type": "select", "values": ["x", "y"], "maxSelect": 1}),
            Some(r#""x" | "y" | """#),
            Some(r#""x" | "y" | """#),
        ),
        (
            json!({"name": "a", "type": "select", "values": ["x", "y"], "maxSelect": 1, "required": true}),
            Some(r#""x" | "y" | """#),
            Some(r#""x" | "y""#),
        ),
        (
            json!({"name": "a", "type": "select", "values": ["x", "y"], "maxSelect": 2}),
            Some(r#"("x" | "y")[]"#),
            Some(r#"("x" | "y")[]"#),
        ),
        (
            json!({"name": "a", "type": "select", "values": ["only"], "maxSelect": 2, "required": true}),
            Some(r#""only"[]"#),
            Some(r#""only"[]"#),
        ),
    ];
    for (v, read, write) in rows {
        let f = field(v.clone());
        assert_eq!(read_type(&f).as_deref(), *read, "read type of {v}");
        assert_eq!(write_type(&f).as_deref(), *write, "write type of {v}");
    }
}

#[test]
fn select_values_are_quoted_as_typescript_strings() {
    let f = field(
        json!({"name": "q", "type": "select", "values": ["it's", "a \"b\"", "\\"],
        "maxSelect": 1, "required": true}),
    );
    assert_eq!(
        write_type(&f).as_deref(),
        Some(r#""it's" | "a \"b\"" | "\\""#)
    );
}

#[test]
fn modifiers_exist_where_the_server_takes_them() {
    let m = |v: Value| modifiers(&field(v));
    assert_eq!(
        m(json!({"name": "n", "type": "number"})),
        vec![
            ("n+".into(), "number".into()),
            ("n-".into(), "number".into())
        ]
    );
    assert_eq!(
        m(json!({"name": "t", "type": "select", "values": ["a", "b"], "maxSelect": 2})),
        vec![
            ("t+".into(), r#""a" | "b" | ("a" | "b")[]"#.into()),
            ("t-".into(), r#""a" | "b" | ("a" | "b")[]"#.into())
        ]
    );
    assert_eq!(
        m(json!({"name": "r", "type": "relation", "collectionId": "c", "maxSelect": 9})),
        vec![
            ("r+".into(), "string | string[]".into()),
            ("r-".into(), "string | string[]".into())
        ]
    );
    assert_eq!(
        m(json!({"name": "f", "type": "file", "maxSelect": 9})),
        vec![
            ("f+".into(), "File | Blob | (File | Blob)[]".into()),
            ("f-".into(), "string | string[]".into())
        ]
    );
    // Single values and plain types have no modifiers.
    for v in [
        json!({"name": "s", "type": "select", "values": ["a"], "maxSelect": 1}),
        json!({"name": "r", "type": "relation", "collectionId": "c", "maxSelect": 1}),
        json!({"name": "f", "type": "file", "maxSelect": 1}),
        json!({"name": "x", "type": "text"}),
        json!({"name": "b", "type": "bool"}),
    ] {
        assert!(m(v.clone()).is_empty(), "{v}");
    }
}

fn blog() -> Vec<Collection> {
    let tags = collection(
        "base",
        "tagsid000000001",
        "tags",
        json!([{"name": "label", "type": "text", "required": true}]),
    );
    let posts = collection(
        "base",
        "postsid00000001",
        "bar_posts",
        json!([
            {"name": "title", "type": "text", "required": true},
            {"name": "score", "type": "number"},
            {"name": "status", "type": "select", "values": ["draft", "live"], "maxSelect": 1, "required": true},
            {"name": "tags", "type": "relation", "collectionId": "tagsid000000001", "maxSelect": 5},
            {"name": "author", "type": "relation", "collectionId": "membersid000001", "maxSelect": 1},
            {"name": "cover", "type": "file", "maxSelect": 1},
            {"name": "gallery", "type": "file", "maxSelect": 3},
            {"name": "note", "type": "text", "hidden": true},
            {"name": "created", "type": "autodate", "onCreate": true}
        ]),
    );
    let members = collection(
        "auth",
        "membersid000001",
        "members",
        json!([{"name": "nick", "type": "text"}]),
    );
    let stats = collection(
        "view",
        "statsid00000001",
        "post_stats",
        json!([{"name": "total", "type": "number"}]),
    );
    vec![tags, posts, members, stats]
}

#[test]
fn base_collection_record_create_and_update() {
    let text = render(&blog());
    assert_eq!(
        interface(&text, "BarPostsRecord"),
        [
            r#"collectionId: "postsid00000001";"#,
            r#"collectionName: "bar_posts";"#,
            "id: string;",
            "title: string;",
            "score: number;",
            r#"status: "draft" | "live" | "";"#,
            "tags: string[];",
            "author: string;",
            "cover: string;",
            "gallery: string[];",
            "note?: string;",
            "created: string;",
            "expand?: BarPostsExpand;",
        ]
    );
    assert_eq!(
        interface(&text, "BarPostsExpand"),
        ["tags?: TagsRecord[];", "author?: MembersRecord;"]
    );
    // The id is generated when left out; required fields are required; autodates never sent.
    assert_eq!(
        interface(&text, "BarPostsCreate"),
        [
            "id?: string;",
            "title: string;",
            "score?: number;",
            r#"status: "draft" | "live";"#,
            "tags?: string[];",
            "author?: string;",
            "cover?: File | Blob;",
            "gallery?: (File | Blob)[];",
            "note?: string;",
        ]
    );
    assert_eq!(
        interface(&text, "BarPostsUpdate"),
        [
            "title?: string;",
            "score?: number;",
            r#""score+"?: number;"#,
            r#""score-"?: number;"#,
            r#"status?: "draft" | "live";"#,
            "tags?: string[];",
            r#""tags+"?: string | string[];"#,
            r#""tags-"?: string | string[];"#,
            "author?: string;",
            "cover?: File | Blob;",
            "gallery?: (File | Blob)[];",
            r#""gallery+"?: File | Blob | (File | Blob)[];"#,
            r#""gallery-"?: string | string[];"#,
            "note?: string;",
        ]
    );
}

#[test]
fn auth_collection_shapes() {
    let text = render(&blog());
    let record = interface(&text, "MembersRecord");
    assert_eq!(
        record,
        [
            r#"collectionId: "membersid000001";"#,
            r#"collectionName: "members";"#,
            "id: string;",
            "email?: string;",
            "emailVisibility: boolean;",
            "verified: boolean;",
            "nick: string;",
            "expand?: MembersExpand;",
        ],
        "no password, no tokenKey; email only when visible"
    );
    // Back-relation: posts point at members through `author`.
    assert_eq!(
        interface(&text, "MembersExpand"),
        ["bar_posts_via_author?: BarPostsRecord[];"]
    );
    let create = interface(&text, "MembersCreate");
    for line in [
        "password: string;",
        "passwordConfirm: string;",
        "email: string;",
        "emailVisibility?: boolean;",
        "verified?: boolean;",
        "nick?: string;",
    ] {
        assert!(create.iter().any(|l| l == line), "{line} in {create:?}");
    }
    assert!(
        !create.iter().any(|l| l.starts_with("tokenKey")),
        "{create:?}"
    );
    let update = interface(&text, "MembersUpdate");
    for line in [
        "password?: string;",
        "passwordConfirm?: string;",
        "oldPassword?: string;",
        "email?: string;",
    ] {
        assert!(update.iter().any(|l| l == line), "{line} in {update:?}");
    }
    assert!(!update.iter().any(|l| l.starts_with("id")), "{update:?}");
    assert!(
        text.contains(
            "  members: { type: \"auth\"; record: MembersRecord; create: MembersCreate; update: MembersUpdate };"
        ),
        "{text}"
    );
}

#[test]
fn view_collections_are_read_only() {
    let text = render(&blog());
    assert_eq!(
        interface(&text, "PostStatsRecord"),
        [
            r#"collectionId: "statsid00000001";"#,
            r#"collectionName: "post_stats";"#,
            "total: number;",
        ]
    );
    assert!(!text.contains("PostStatsCreate") && !text.contains("PostStatsUpdate"));
    assert!(
        text.contains(
            "  post_stats: { type: \"view\"; record: PostStatsRecord; create: never; update: never };"
        ),
        "{text}"
    );
}

#[test]
fn output_is_sorted_and_independent_of_input_order() {
    let mut collections = blog();
    let a = render(&collections);
    collections.reverse();
    assert_eq!(a, render(&collections));
    let order: Vec<usize> = ["bar_posts", "members", "post_stats", "tags"]
        .iter()
        .map(|n| format!("  {n}: {{ type:"))
        .map(|k| a.find(&k).unwrap_or_else(|| panic!("{k} in Collections")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(a.ends_with("export type CollectionName = keyof Collections;\n"));
}

#[test]
fn clashing_type_names_stay_unique() {
    // `bar_posts` and `barPosts` both PascalCase to `BarPosts`.
    let a = collection("base", "aaaaaaaaaaaaaa1", "bar_posts", json!([]));
    let b = collection("base", "bbbbbbbbbbbbbb2", "barPosts", json!([]));
    let text = render(&[a, b]);
    let records = text.matches("Record {\n").count();
    assert_eq!(records, 2, "{text}");
    // The OpenAPI document's names: in name order, `barPosts` < `bar_posts`.
    assert!(
        text.contains("export interface BarPostsRecord {\n  collectionId: \"bbbbbbbbbbbbbb2\""),
        "{text}"
    );
    assert!(
        text.contains("export interface BarPosts2Record {\n  collectionId: \"aaaaaaaaaaaaaa1\""),
        "{text}"
    );
    // Names the document reserves for its own schemas are avoided too.
    let job = collection("base", "jobjobjobjob001", "job", json!([]));
    assert!(render(&[job]).contains("export interface Job2Record {"));
}

#[test]
fn relation_to_an_unknown_collection_is_a_plain_object() {
    let c = collection(
        "base",
        "lonely000000001",
        "lonely",
        json!([{"name": "ghost", "type": "relation", "collectionId": "nowhere00000001", "maxSelect": 2}]),
    );
    let text = render(&[c]);
    assert_eq!(
        interface(&text, "LonelyExpand"),
        ["ghost?: Record<string, unknown>[];"]
    );
}
