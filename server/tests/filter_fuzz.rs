//! Property and fuzz checks for the filter language, bounded in time so they run in CI:
//! the parser never panics on arbitrary input; filters built from the language's own tokens
//! never make the server answer 500 (only 200, 400 or 403), and never change data.

mod common;

use cairn::query::parse;
use common::TestServer;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_arbitrary_text(input in "\\PC{0,300}") {
        let _ = parse(&input);
    }

    #[test]
    fn parser_never_panics_on_token_soup(tokens in proptest::collection::vec(prop_oneof![
        Just("title"), Just("author.name"), Just("@request.auth.id"), Just("'x'"), Just("\"y\\\"z\""), Just("1"), Just("-2.5"),
        Just("("), Just(")"), Just("&&"), Just("||"), Just("="), Just("?="), Just("!~"), Just(">="), Just("f("), Just(","),
        Just("tags:each"), Just("@now"), Just("//c\n"), Just("'"), Just("null"),
    ], 0..40)) {
        let _ = parse(&tokens.join(" "));
    }
}

const ATOMS: &[&str] = &[
    "id",
    "title",
    "views",
    "active",
    "meta",
    "meta.a",
    "meta.a.0",
    "tags",
    "tags:length",
    "tags:each",
    "title:lower",
    "author",
    "author.name",
    "author.email",
    "author.nope",
    "comments_via_post.text",
    "posts_via_author.title",
    "@now",
    "@todayStart",
    "@year",
    "@request.auth.id",
    "@request.body.title:isset",
    "@request.query.x",
    "@collection.posts.title",
    "@collection.posts:p.views",
    "'text'",
    "''",
    "\"q\\\"uote\"",
    "'%'",
    "'_'",
    "'\\\\'",
    "0",
    "-1",
    "3.14",
    "true",
    "false",
    "null",
    "secret",
    "strftime('%Y', created)",
    "geoDistance(1, 2, 3, 4)",
    "nope",
    "1abc",
    "@collection",
    "@request.headers.x_token",
];
const OPS: &[&str] = &[
    "=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~",
    "==", "<>",
];

fn random_filter(rng: &mut StdRng, depth: u32) -> String {
    let expr = |rng: &mut StdRng| {
        format!(
            "{} {} {}",
            ATOMS[rng.random_range(0..ATOMS.len())],
            OPS[rng.random_range(0..OPS.len())],
            ATOMS[rng.random_range(0..ATOMS.len())]
        )
    };
    match (depth, rng.random_range(0..6)) {
        (0, _) | (_, 0..=2) => expr(rng),
        (_, 3) => format!("({})", random_filter(rng, depth - 1)),
        (_, 4) => format!(
            "{} && {}",
            random_filter(rng, depth - 1),
            random_filter(rng, depth - 1)
        ),
        _ => format!(
            "{} || {}",
            random_filter(rng, depth - 1),
            random_filter(rng, depth - 1)
        ),
    }
}

#[tokio::test]
async fn random_filters_never_500() {
    let s = TestServer::start().await;
    s.su_patch(
        "/api/collections/users",
        json!({"listRule": "", "viewRule": ""}),
    )
    .await;
    s.create_collection(json!({"name": "posts", "type": "base", "listRule": "", "viewRule": "", "fields": [
        {"name": "title", "type": "text"}, {"name": "views", "type": "number"}, {"name": "active", "type": "bool"},
        {"name": "meta", "type": "json"}, {"name": "secret", "type": "text", "hidden": true},
        {"name": "tags", "type": "select", "values": ["a", "b"], "maxSelect": 2},
        {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
        {"name": "created", "type": "autodate", "onCreate": true}]}))
    .await;
    let posts_id = cairn::schema::ids::collection_id("base", "posts");
    s.create_collection(json!({"name": "comments", "type": "base", "listRule": "", "fields": [
        {"name": "text", "type": "text"}, {"name": "post", "type": "relation", "collectionId": posts_id, "maxSelect": 1}]}))
    .await;
    for i in 0..5 {
        s.su_post(
            "/api/collections/posts/records",
            json!({"title": format!("t{i}"), "views": i, "meta": {"a": [i]}, "tags": ["a"]}),
        )
        .await;
    }
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..400 {
        let filter = random_filter(&mut rng, 3);
        let sort = [
            "",
            "-views",
            "title,-id",
            "author.name",
            "@random",
            "nope",
            "meta.a",
        ][i % 7];
        let token = if i % 2 == 0 {
            None
        } else {
            Some(s.token.as_str())
        };
        let mut rb = s
            .client
            .get(format!("{}/api/collections/posts/records", s.base))
            .query(&[("filter", filter.as_str()), ("sort", sort)]);
        if let Some(t) = token {
            rb = rb.header("Authorization", t);
        }
        let r = TestServer::finish(rb).await;
        assert!(
            matches!(r.status, 200 | 400 | 403),
            "filter {filter:?} sort {sort:?} → {} {}",
            r.status,
            r.body
        );
        *statuses.entry(r.status).or_insert(0) += 1;
    }
    // The generator must exercise both accepted and rejected filters.
    assert!(
        statuses.get(&200).copied().unwrap_or(0) > 20,
        "{statuses:?}"
    );
    assert!(
        statuses.get(&400).copied().unwrap_or(0) > 20,
        "{statuses:?}"
    );
    assert_eq!(s.count_rows("posts"), 5);
}
