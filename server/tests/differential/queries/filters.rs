//! Filter queries: scalar fields × plain operators × literals, multi-valued operands under all
//! sixteen operators, hand-written expressions, superuser-only identifiers, errors, and filters on
//! the other collections.

use super::{ANY_OPS, Builder, G, GU, GUS, OPS};
use crate::client::quoted;
use crate::compare::Kind;
use crate::seed::rid;

/// Scalar fields × the eight plain operators × representative literals.
pub(super) fn operator_tables(b: &mut Builder) {
    let title_values = [
        "'hello world'".to_string(),
        "\"Hello World\"".to_string(),
        "''".to_string(),
        quoted("He said \"hi\""),
        "'it\\'s'".to_string(),
        "'100%'".to_string(),
        "'_'".to_string(),
        quoted("back\\slash"),
        "'Ünïcödé'".to_string(),
        "'h%o'".to_string(),
        "null".to_string(),
        "'ZETA'".to_string(),
    ];
    let tables: Vec<(&str, Vec<String>, &[&str])> = vec![
        ("title", title_values.to_vec(), &OPS),
        (
            "views",
            ["0", "5", "-7", "9.5", "'5'", "null", "true"]
                .map(String::from)
                .to_vec(),
            &OPS,
        ),
        (
            "score",
            ["-0.5", "0", "2.25", "1000"].map(String::from).to_vec(),
            &OPS[..6],
        ),
        (
            "active",
            ["true", "false", "null", "1"].map(String::from).to_vec(),
            &OPS[..2],
        ),
        (
            "status",
            ["'published'", "'draft'", "''", "null"]
                .map(String::from)
                .to_vec(),
            &["=", "!=", "~", "!~"],
        ),
        (
            "published",
            [
                "'2024-01-02 03:04:05.000Z'",
                "'2024-01-01'",
                "''",
                "null",
                "@now",
                "@yesterday",
                "@tomorrow",
                "@todayStart",
                "@todayEnd",
                "@monthStart",
                "@monthEnd",
                "@yearStart",
                "@yearEnd",
            ]
            .map(String::from)
            .to_vec(),
            &OPS[..6],
        ),
        (
            "body",
            ["'there'", "''", "'<p>'"].map(String::from).to_vec(),
            &["=", "!=", "~", "!~"],
        ),
        (
            "id",
            [quoted(&rid("post03")), "'post1'".to_string()].to_vec(),
            &["=", "!=", ">", "<", "~", "!~"],
        ),
        (
            "meta.a",
            ["1", "'1'", "2", "null", "1.5"].map(String::from).to_vec(),
            &["=", "!=", ">", "<"],
        ),
    ];
    for (field, values, ops) in tables {
        for value in &values {
            for op in ops {
                b.filter("posts", &format!("{field} {op} {value}"), G);
            }
        }
    }
}

/// Multi-valued operands (multi relations, back-relations, `:each`, raw multi columns) and a
/// single relation under all sixteen operators.
pub(super) fn any_of_tables(b: &mut Builder) {
    let bob = quoted(&rid("bob"));
    let rows: Vec<(&str, String)> = vec![
        ("editors.name", "'Carol'".into()),
        ("tags.weight", "5".into()),
        ("tags.label", "'rust'".into()),
        ("comments_via_post.text", "'first'".into()),
        ("comments_via_post.user.name", "'Bob'".into()),
        ("pins_via_post.note", "'important'".into()),
        ("categories:each", "'news'".into()),
        ("categories", "'news'".into()),
        ("editors", bob.clone()),
        ("editors.id", bob),
        ("author.name", "'Alice'".into()),
    ];
    for (field, value) in rows {
        for op in OPS.iter().chain(ANY_OPS.iter()) {
            b.filter("posts", &format!("{field} {op} {value}"), G);
        }
    }
}

pub(super) fn hand_written(b: &mut Builder) {
    let bob = rid("bob");
    let filters: Vec<String> = vec![
        // literals and logic
        "".into(),
        "1 = 1".into(),
        "1 = 2".into(),
        "'a' = 'a'".into(),
        "null = null".into(),
        "true = true".into(),
        "views > 1 && views < 10".into(),
        "views < 1 || views > 50".into(),
        "(views > 1 && active = true) || status = 'draft'".into(),
        "views > 1 && (status = 'draft' || score < 0)".into(),
        "((views >= 5))".into(),
        "(views > 5 || score > 5) && (active = false || title ~ 'e')".into(),
        "views >= 0 && views <= 10 && score != 0 || title = ''".into(),
        "// leading comment\ntitle != ''".into(),
        "title != '' // trailing comment".into(),
        "title = 'He said \"hi\"'".into(),
        "title = \"it's\"".into(),
        "title ~ 'He said \\\"'".into(),
        "title ~ 'Al%post'".into(),
        "title ~ 'h%o w%'".into(),
        "title ~ '\\%'".into(),
        "title !~ '%'".into(),
        "title ~ 'é'".into(),
        "title ~ '日本'".into(),
        "title ~ 'CAFÉ'".into(),
        "title = 'Café au lait'".into(),
        "views = score".into(),
        "views > score".into(),
        "title = id".into(),
        "views = -7.0".into(),
        "score = 1e3".into(),
        "score = 99.90".into(),
        "views = '-7'".into(),
        "active = 'true'".into(),
        "active = 0".into(),
        "status = 'published' && active != true".into(),
        // modifiers
        "title:lower = 'hello world'".into(),
        "title:lower ~ 'mixed'".into(),
        "author.name:lower = 'alice'".into(),
        "categories:length = 2".into(),
        "categories:length > 0".into(),
        "categories:length = 0".into(),
        "tags:length >= 2".into(),
        "editors:length = 0".into(),
        "editors:length > 2".into(),
        "tags:each ?= 'tagrust'".into(),
        format!("editors:each ?= '{bob}'"),
        format!("editors:each = '{bob}'"),
        "categories:each != 'life'".into(),
        "categories:each ?~ 'e'".into(),
        "categories = '[]'".into(),
        "categories = ''".into(),
        "categories != ''".into(),
        "categories = '[\"news\",\"tech\"]'".into(),
        "title:length > 3".into(),
        "comments_via_post:length > 1".into(),
        "editors.name:length > 1".into(),
        "categories:lower ?= 'news'".into(),
        // relations
        "author = ''".into(),
        "author = null".into(),
        "author != ''".into(),
        format!("author = '{bob}'"),
        "author.role = 'admin'".into(),
        "author.role = ''".into(),
        "author.role != 'member'".into(),
        "author.age > 30".into(),
        "author.age < 0".into(),
        "author.age = 45.5".into(),
        "author.emailVisibility = true".into(),
        "author.id = author".into(),
        "author.name = ''".into(),
        "author.name != 'Alice' && author != ''".into(),
        "editors.name ?= 'dave' && editors.name ?= 'Carol'".into(),
        "editors.name = 'Alice'".into(),
        "editors.role = 'member'".into(),
        "editors.role ?= 'admin'".into(),
        "editors.age ?> 30".into(),
        "editors.name ?= author.name".into(),
        "editors.id ?= author".into(),
        "tags.label ?~ 'u'".into(),
        "tags.weight ?> 5".into(),
        "tags.weight > -3".into(),
        "tags.label = 'rust'".into(),
        "tags.label ?= ''".into(),
        "tags.weight ?< 0 && tags.label ?= 'rust'".into(),
        // back-relations
        "comments_via_post.user.name ?= 'Bob'".into(),
        "comments_via_post.text ?~ 'post'".into(),
        "comments_via_post.user.role ?= 'admin'".into(),
        "comments_via_post.id != ''".into(),
        "comments_via_post.id ?!= ''".into(),
        "comments_via_post.post ?= id".into(),
        "comments_via_post.user = author".into(),
        "comments_via_post.user ?= author".into(),
        "comments_via_post.text ~ 'i'".into(),
        "comments_via_post.locked_ref != ''".into(),
        "pins_via_post.note ?= 'important'".into(),
        "pins_via_post.note = ''".into(),
        "pins_via_post.id ?!= ''".into(),
        "pins_via_post.id = ''".into(),
        "pins_via_post.post.title ?~ 'hello'".into(),
        // JSON paths
        "meta.arr.1 = 2".into(),
        "meta.arr.1 = 'y'".into(),
        "meta.arr.0 > 5".into(),
        "meta.arr.5 = null".into(),
        "meta.color = 'red'".into(),
        "meta.color ~ 'e'".into(),
        "meta.nested.k = 'v'".into(),
        "meta.nested = null".into(),
        "meta.nope = null".into(),
        "meta = null".into(),
        "meta != null".into(),
        "meta = ''".into(),
        "meta.a = null".into(),
        "meta.a != null".into(),
        "meta = 42".into(),
        "meta = true".into(),
        "meta = 'scalar string'".into(),
        "meta ~ 'scalar'".into(),
        "meta ~ 'red'".into(),
        "loc.lon > 0".into(),
        "loc.lat < 45 && loc.lat > 0".into(),
        "loc.lon = 0".into(),
        // functions
        "strftime('%Y', published) = '2024'".into(),
        "strftime('%Y-%m', published) = '2024-01'".into(),
        "strftime('%Y', published) = ''".into(),
        "strftime('%m', published) > '06'".into(),
        "strftime('%Y', published) = strftime('%Y', @now)".into(),
        "strftime('%Y', created) = strftime('%Y', @now)".into(),
        "strftime('%d', published, 'start of month') = '01'".into(),
        "geoDistance(loc.lon, loc.lat, 23.3, 42.7) < 10".into(),
        "geoDistance(loc.lon, loc.lat, 23.3, 42.7) < 3000".into(),
        "geoDistance(loc.lon, loc.lat, 23.3, 42.7) > 1000".into(),
        "geoDistance(loc.lon, loc.lat, 0, 0) = 0".into(),
        "geoDistance(23.3, 42.7, 23.3, 42.7) = 0".into(),
        // datetime macros
        "@second >= 0 && @second < 60".into(),
        "@minute < 60".into(),
        "@hour < 24".into(),
        "@weekday < 7 && @weekday >= 0".into(),
        "@day >= 1".into(),
        "@month <= 12".into(),
        "@year > 2000".into(),
        "@year = 1999".into(),
        "@now > '2000-01-01'".into(),
        "@now < @tomorrow && @yesterday < @now".into(),
        "@todayStart <= @todayEnd && @monthStart < @monthEnd && @yearStart < @yearEnd".into(),
        "created > @yesterday".into(),
        "created < @tomorrow".into(),
        "updated >= @todayStart".into(),
        "published >= @todayStart && published <= @todayEnd".into(),
        "published > @now".into(),
        "published < @yearStart && published != ''".into(),
        "published >= @monthStart && published <= @monthEnd".into(),
        "strftime('%Y', published) = @year".into(),
        // literal on the left, any-of on plain columns, nested back-relations
        "'Hello World' = title".into(),
        "5 < views".into(),
        "null = author".into(),
        "'' != meta.color".into(),
        "views ?> 5".into(),
        "title ?= 'it\\'s'".into(),
        "title > 5".into(),
        "meta.arr.1 ?= 2".into(),
        "meta.a ?= 1".into(),
        "categories ?~ 'ne'".into(),
        "author.comments_via_user.text ?= 'first'".into(),
        "author.posts_via_author.status ?= 'draft'".into(),
        "editors.comments_via_user.post ?= id".into(),
        // size limits: more than 200 expressions, more than 3500 characters
        vec!["id != ''"; 201].join(" && "),
        vec!["id != ''"; 200].join(" && "),
        format!("title = '{}'", "x".repeat(3500)),
        format!("title != '{}'", "x".repeat(3300)),
    ];
    for f in filters {
        b.filter("posts", &f, G);
    }
    // Role-sensitive but rule-free: the same filter as each role.
    for f in [
        "status = 'draft'",
        "author.name ?= 'Bob' || editors.name ?= 'Bob'",
        "comments_via_post.user.name ?= 'Bob'",
    ] {
        b.filter("posts", f, GUS);
    }
}

/// `@request.*`, `@collection.*` and hidden fields: refused for guests and users, allowed for
/// superusers.
pub(super) fn privileged(b: &mut Builder) {
    for f in [
        "@request.auth.id != ''",
        "@request.auth.id = ''",
        "@request.auth.collectionName = '_superusers'",
        "@request.auth.id = author",
        "@request.method = 'GET'",
        "@request.context = 'default'",
        "@request.query.page = ''",
        "@request.headers.x_missing = ''",
        "@request.body.title:isset = false",
        "@request.body.title:changed = false",
        "@request.body.title = ''",
        "@collection.comments.post ?= id",
        "@collection.comments.post = id",
        "@collection.comments:c.post ?= id && @collection.comments:c.user ?= author",
        "@collection.tags.label ?= 'Go'",
        "@collection.users.name ?= 'dave' && author.name = 'dave'",
        "@collection.comments.text ?= 'first' && @collection.comments.post ?= id",
        "@collection.nope.id ?= id",
        "@collection.locked.label ?= 'x'",
        "secret = 'x'",
        "secret != ''",
        "secret ~ 'x'",
        "secret = ''",
        "author.password = ''",
        "author.tokenKey != ''",
        "author.email = 'bob@example.com'",
        "author.email ~ 'example'",
    ] {
        b.filter("posts", f, GUS);
    }
    b.list(
        "posts",
        &[("filter", "views > 0"), ("sort", "@request.auth.id,id")],
        GUS,
        Kind::Ids,
    );
    b.list(
        "posts",
        &[("filter", "views > 0"), ("sort", "-secret,id")],
        GUS,
        Kind::Ids,
    );
}

/// Unknown fields and malformed expressions.
pub(super) fn errors(b: &mut Builder) {
    for f in [
        "nope = 1",
        "author.nope = 1",
        "author.name.nope = 1",
        "comments_via_nope.text = 'x'",
        "tags_via_post.label = 'x'",
        "nope_via_post.text = 'x'",
        "title.x = 1",
        "@foo = 1",
        "title:nope = 'x'",
        "title:each = 'x'",
        "title =",
        "title = 'x",
        "(title = 'x'",
        "title = 'x')",
        "title == 'x'",
        "title = 'x' &&",
        "&& title = 'x'",
        "title",
        "title = x y",
        "title ~~ 'x'",
        "title = 'x' && true",
        "title = 'x' &&& views = 1",
        "title = 'x' and views = 1",
        "unknownfn(title) = 1",
        "geoDistance(1, 2, 3) < 1",
        "strftime() = ''",
        "strftime('%Y', nope) = ''",
        "views > @nope",
        "@collection.posts = 1",
    ] {
        b.filter("posts", f, G);
    }
}

/// Filters on comments (through the locked collection), users, tags and the locked collection.
pub(super) fn other_collections(b: &mut Builder) {
    let lockx = rid("lockx");
    for f in [
        "locked_ref.label = 'x'".to_string(),
        "locked_ref.label != ''".to_string(),
        format!("locked_ref = '{lockx}'"),
        "locked_ref != ''".to_string(),
        "locked_ref.id != ''".to_string(),
        "post.author.name = 'Alice'".to_string(),
        "post.status = 'draft'".to_string(),
        "post.tags.label ?= 'sql'".to_string(),
        "user.role = 'member' && post.views > 5".to_string(),
        "post.secret = 'x'".to_string(),
        "post.comments_via_post.text ?= 'first'".to_string(),
        "post = ''".to_string(),
        "user.name = post.author.name".to_string(),
        "post.editors.name ?= 'Carol'".to_string(),
    ] {
        b.filter("comments", &f, GUS);
    }
    for f in [
        "role = 'admin'",
        "role = ''",
        "age > 20",
        "age = 45.5",
        "name = ''",
        "emailVisibility = false",
        "verified = false",
        "posts_via_author.title ?~ 'world'",
        "posts_via_author.status ?= 'draft'",
        "comments_via_user.text ?= 'first'",
        "posts_via_editors.title ?= 'Hello World'",
        "email = 'bob@example.com'",
        "email ~ 'example.com'",
        "password = ''",
        "tokenKey != ''",
        "id = @request.auth.id",
    ] {
        b.filter("users", f, GUS);
    }
    // The same back-relation filters with an explicit order (the unsorted ones above also
    // compare PocketBase's join-driven default order).
    for f in [
        "posts_via_author.status ?= 'draft'",
        "comments_via_user.text ?= 'first'",
    ] {
        b.list("users", &[("filter", f), ("sort", "@rowid")], G, Kind::Ids);
    }
    for f in [
        "weight >= 0",
        "label ~ 'S'",
        "label = ''",
        "posts_via_tags.title ?= 'Zeta last'",
        "posts_via_tags.views ?> 50",
    ] {
        b.filter("tags", f, G);
    }
    b.list("locked", &[], GUS, Kind::Ids);
    b.filter("locked", "label = 'x'", GUS);
    b.list(
        "pins",
        &[("filter", "post.status = 'published'")],
        GU,
        Kind::Ids,
    );
}
