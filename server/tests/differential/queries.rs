//! The query set: operator × field × value tables generated programmatically, plus hand-written
//! filters (logic, literals, macros, relations, back-relations, modifiers, JSON paths,
//! functions, `@collection`/`@request`, hidden and locked fields, errors), sorts, paging,
//! view-rule outcomes, `expand` and `fields`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::{Role, enc, records_url};
use crate::compare::Kind;
use crate::seed::{USER_EMAIL, USER_PASSWORD, rid};

mod filters;

pub struct Query {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
    pub roles: &'static [Role],
    pub kind: Kind,
}

/// Query-string pairs (unencoded values).
type Params<'a> = &'a [(&'a str, &'a str)];

pub(crate) const G: &[Role] = &[Role::Guest];
pub(crate) const GU: &[Role] = &[Role::Guest, Role::User];
pub(crate) const GS: &[Role] = &[Role::Guest, Role::Superuser];
pub(crate) const GUS: &[Role] = &[Role::Guest, Role::User, Role::Superuser];

pub(crate) const OPS: [&str; 8] = ["=", "!=", ">", ">=", "<", "<=", "~", "!~"];
pub(crate) const ANY_OPS: [&str; 8] = ["?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"];

#[derive(Default)]
pub(crate) struct Builder {
    qs: Vec<Query>,
}

impl Builder {
    pub(crate) fn push(
        &mut self,
        method: Method,
        path: String,
        body: Option<Value>,
        roles: &'static [Role],
        kind: Kind,
    ) {
        // NOTE: generated tables may repeat a hand-written query; keep each URL once.
        if self
            .qs
            .iter()
            .any(|q| q.path == path && q.method == method && q.body == body)
        {
            return;
        }
        self.qs.push(Query {
            method,
            path,
            body,
            roles,
            kind,
        });
    }

    pub(crate) fn list(
        &mut self,
        coll: &str,
        params: &[(&str, &str)],
        roles: &'static [Role],
        kind: Kind,
    ) {
        self.push(Method::GET, records_url(coll, params), None, roles, kind);
    }

    /// A list of `coll` filtered by `filter`, compared by ids (as a set when a back-relation
    /// join decides the order, see [`Kind::UnorderedIds`]).
    pub(crate) fn filter(&mut self, coll: &str, filter: &str, roles: &'static [Role]) {
        let kind = if filter.contains("_via_") {
            Kind::UnorderedIds
        } else {
            Kind::Ids
        };
        self.list(coll, &[("filter", filter)], roles, kind);
    }

    pub(crate) fn sort(&mut self, coll: &str, sort: &str, roles: &'static [Role]) {
        let kind = if sort.contains("_via_") {
            Kind::UnorderedIds
        } else {
            Kind::Ids
        };
        self.list(coll, &[("sort", sort)], roles, kind);
    }

    /// `GET /records/{id}` with extra params, compared as whole JSON.
    pub(crate) fn view(
        &mut self,
        coll: &str,
        id: &str,
        params: &[(&str, &str)],
        roles: &'static [Role],
    ) {
        let mut path = format!("/api/collections/{coll}/records/{id}");
        for (i, (k, v)) in params.iter().enumerate() {
            path.push(if i == 0 { '?' } else { '&' });
            path.push_str(&format!("{k}={}", enc(v)));
        }
        self.push(Method::GET, path, None, roles, Kind::Full);
    }
}

/// Every query of the differential test.
pub fn all() -> Vec<Query> {
    let mut b = Builder::default();
    filters::operator_tables(&mut b);
    filters::any_of_tables(&mut b);
    filters::hand_written(&mut b);
    filters::privileged(&mut b);
    filters::errors(&mut b);
    filters::other_collections(&mut b);
    sorts(&mut b);
    paging(&mut b);
    view_rules(&mut b);
    expand_and_fields(&mut b);
    collections_list(&mut b);
    b.qs
}

/// `GET /api/collections` with `filter`/`sort` over the collection fields (superusers only;
/// guests get the 401). PocketBase resolves `id`, `created`, `updated`, `name`, `system` and
/// `type`; anything else is its 400.
fn collections_list(b: &mut Builder) {
    const S: &[Role] = &[Role::Superuser];
    let url = |params: &[(&str, &str)]| {
        let mut url = "/api/collections".to_string();
        for (i, (k, v)) in params.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&format!("{k}={}", enc(v)));
        }
        url
    };
    let cases: &[&[(&str, &str)]] = &[
        &[("perPage", "100")],
        &[("filter", "name = 'posts'")],
        &[("filter", "name ~ 'o'"), ("sort", "-name")],
        &[("filter", "system = true"), ("sort", "name")],
        &[
            ("filter", "system = false && type = 'base'"),
            ("sort", "-created,name"),
        ],
        &[
            ("filter", "type = 'auth' || name ~ 'tag'"),
            ("sort", "type,-name"),
        ],
        &[
            ("filter", "created > '2000-01-01' && name !~ '_'"),
            ("sort", "id"),
        ],
        &[
            ("filter", "updated < @now"),
            ("sort", "@rowid"),
            ("perPage", "3"),
            ("page", "2"),
        ],
        &[("filter", "name ?= 'users'")],
        &[("filter", "name = null")],
        &[("sort", "-@rowid"), ("skipTotal", "1"), ("perPage", "2")],
        &[
            ("filter", "id != ''"),
            ("sort", "-type,name"),
            ("fields", "id"),
        ],
        // Errors: unknown fields, paths, modifiers, request/collection macros, bad syntax.
        &[("filter", "listRule = ''")],
        &[("filter", "viewQuery ~ 'x'")],
        &[("filter", "name.x = 1")],
        &[("filter", "name:lower = 'posts'")],
        &[("filter", "@request.auth.id != ''")],
        &[("filter", "@collection.posts.id != ''")],
        &[("filter", "name =")],
        &[("sort", "listRule")],
        &[("sort", "name,")],
        &[("sort", "a,b,c,d,e,f,g,h,i")],
    ];
    for params in cases {
        b.push(Method::GET, url(params), None, S, Kind::Ids);
    }
    b.push(
        Method::GET,
        url(&[("filter", "name = 'posts'")]),
        None,
        G,
        Kind::Status,
    );
}

fn sorts(b: &mut Builder) {
    for s in [
        "title",
        "-title",
        "+views",
        "-views",
        "score",
        "-score",
        "@rowid",
        "-@rowid",
        "id",
        "-id",
        "status,-views",
        "-status,title",
        "active,score",
        "author.name,-views",
        "-author.name,id",
        "author.role,title",
        "author.age,id",
        "published,title",
        "-published,title",
        "meta.a,id",
        "-meta.color,id",
        "title:lower",
        "-title:lower",
        "categories:length,id",
        "editors:length,-id",
        "editors.name,id",
        "tags.weight,id",
        "meta.arr.0,id",
        "-author.age,-id",
        "-@rowid,title",
        "comments_via_post.text,id",
        "loc.lat,id",
        "strftime('%Y', published),id",
        "geoDistance(loc.lon, loc.lat, 0, 0),id",
        "nope",
        "-nope",
        "author.nope",
        "",
        ",",
        "title,",
        "title,title",
        "- views",
        "+-views",
        "@collection.users.name",
        "secret,id",
        "views,score,title,id,active,status,published,body",
        "views,score,title,id,active,status,published,body,author",
    ] {
        b.sort("posts", s, G);
    }
    b.list("posts", &[("sort", "@random")], G, Kind::Status);
    for s in [
        "post.title,id",
        "-post.views,id",
        "user.name,-id",
        "post.author.name,id",
        "locked_ref.label,id",
    ] {
        b.sort("comments", s, GS);
    }
    b.list(
        "posts",
        &[("filter", "status = 'published'"), ("sort", "-views")],
        G,
        Kind::Ids,
    );
    b.list(
        "posts",
        &[("filter", "editors.name ?= 'Carol'"), ("sort", "-score")],
        G,
        Kind::Ids,
    );
}

fn paging(b: &mut Builder) {
    let sets: &[&[(&str, &str)]] = &[
        &[("perPage", "3")],
        &[("perPage", "3"), ("page", "2")],
        &[("perPage", "3"), ("page", "5")],
        &[("perPage", "3"), ("page", "6")],
        &[("page", "0")],
        &[("perPage", "0")],
        &[("perPage", "-1")],
        &[("perPage", "5000")],
        &[("perPage", "5"), ("skipTotal", "1")],
        &[("skipTotal", "true"), ("filter", "views > 5")],
        &[("skipTotal", "0")],
        &[("page", "2"), ("perPage", "5"), ("sort", "-views")],
        &[("page", "abc")],
        &[("perPage", "1"), ("page", "14")],
        &[
            ("perPage", "4"),
            ("page", "2"),
            ("filter", "status = 'published'"),
            ("sort", "title"),
        ],
        &[
            ("perPage", "2"),
            ("page", "2"),
            ("filter", "editors.name ?= 'Alice'"),
            ("sort", "id"),
        ],
        &[
            ("perPage", "3"),
            ("page", "2"),
            ("sort", "-views"),
            ("skipTotal", "1"),
        ],
    ];
    for params in sets {
        b.list("posts", params, G, Kind::Ids);
    }
}

/// `GET /records/{id}` of every post: the view rule decides between 200 and 404.
fn view_rules(b: &mut Builder) {
    for n in 1..=14 {
        b.view("posts", &rid(&format!("post{n:02}")), &[], GUS);
    }
    b.view("posts", &rid("nope"), &[], G);
    b.view("locked", &rid("lockx"), &[], GUS);
    b.view("users", &rid("bob"), &[], GUS);
    b.view("users", &rid("alice"), &[], GU);
}

fn expand_and_fields(b: &mut Builder) {
    let p01 = rid("post01");
    let p02 = rid("post02");
    let views: &[(&str, &str, Params, &'static [Role])] = &[
        ("posts", &p01, &[("expand", "author")], GUS),
        ("posts", &p01, &[("expand", "author,editors,tags")], G),
        ("posts", &p01, &[("expand", "comments_via_post")], G),
        ("posts", &p01, &[("expand", "comments_via_post.user")], GS),
        (
            "posts",
            &p01,
            &[("expand", "comments_via_post.post.author")],
            G,
        ),
        ("posts", &p01, &[("expand", "pins_via_post")], G),
        ("posts", &p01, &[("expand", "author.nope")], G),
        ("posts", &p01, &[("expand", "author,nope")], G),
        ("posts", &p01, &[("expand", "nope")], G),
        (
            "posts",
            &p02,
            &[("expand", "author,comments_via_post")],
            GUS,
        ),
        ("posts", &p01, &[("fields", "id,title")], G),
        ("posts", &p01, &[("fields", "*")], GS),
        (
            "posts",
            &p01,
            &[("fields", "*,expand.author.name"), ("expand", "author")],
            G,
        ),
        (
            "posts",
            &p01,
            &[
                ("fields", "id,expand.editors.name,expand.editors.id"),
                ("expand", "editors"),
            ],
            G,
        ),
        (
            "posts",
            &p01,
            &[
                ("expand", "author,comments_via_post.user"),
                (
                    "fields",
                    "id,title,expand.author.name,expand.comments_via_post.text,expand.comments_via_post.expand.user.name",
                ),
            ],
            G,
        ),
        ("posts", &p01, &[("fields", "id,meta.a")], G),
        ("posts", &p01, &[("fields", "id,body:excerpt(10)")], G),
        ("posts", &p01, &[("fields", "id,body:excerpt(12,true)")], G),
        ("posts", &p01, &[("fields", "nope")], G),
        ("posts", &p01, &[("fields", "id,secret")], GS),
        (
            "posts",
            &p01,
            &[("fields", "expand"), ("expand", "tags")],
            G,
        ),
        (
            "users",
            &rid("alice"),
            &[("expand", "posts_via_author")],
            GU,
        ),
        (
            "users",
            &rid("bob"),
            &[
                ("expand", "posts_via_author"),
                ("fields", "id,expand.posts_via_author.id"),
            ],
            GU,
        ),
        (
            "comments",
            &rid("com15"),
            &[("expand", "locked_ref,post")],
            GS,
        ),
    ];
    for (coll, id, params, roles) in views {
        b.view(coll, id, params, roles);
    }
    let lists: &[(&str, Params, &'static [Role])] = &[
        ("posts", &[("expand", "author"), ("sort", "title")], G),
        (
            "posts",
            &[
                ("expand", "editors,tags"),
                ("filter", "views > 5"),
                ("sort", "id"),
            ],
            G,
        ),
        (
            "comments",
            &[("expand", "post.author"), ("sort", "@rowid")],
            GUS,
        ),
        ("comments", &[("expand", "post"), ("sort", "id")], GU),
        ("comments", &[("expand", "locked_ref"), ("sort", "id")], GS),
        (
            "posts",
            &[("expand", "nope"), ("sort", "id"), ("perPage", "2")],
            G,
        ),
        ("posts", &[("fields", "id,title"), ("sort", "title")], G),
        (
            "posts",
            &[
                ("fields", "page,totalItems,items.id"),
                ("sort", "-views"),
                ("perPage", "4"),
            ],
            G,
        ),
        (
            "posts",
            &[("fields", "id,title:excerpt(4,true)"), ("sort", "id")],
            G,
        ),
        (
            "posts",
            &[
                ("fields", "id,body:excerpt(3)"),
                ("sort", "id"),
                ("perPage", "3"),
            ],
            G,
        ),
        ("users", &[("sort", "@rowid")], GUS),
        (
            "users",
            &[
                ("expand", "posts_via_author"),
                ("fields", "id,expand.posts_via_author.title"),
                ("sort", "id"),
            ],
            GU,
        ),
        (
            "tags",
            &[
                ("sort", "-weight"),
                ("expand", "posts_via_tags"),
                ("fields", "id,expand.posts_via_tags.id"),
            ],
            G,
        ),
        (
            "pins",
            &[("expand", "post.author,post.tags"), ("sort", "id")],
            GU,
        ),
        (
            "posts",
            &[
                ("expand", "comments_via_post.user,pins_via_post"),
                ("filter", "comments_via_post.id ?!= ''"),
                ("sort", "id"),
                ("fields", "id,expand"),
            ],
            G,
        ),
    ];
    for (coll, params, roles) in lists {
        b.list(coll, params, roles, Kind::Full);
    }
    // Auth responses honour expand/fields (the token is masked when compared).
    let login = json!({"identity": USER_EMAIL, "password": USER_PASSWORD});
    for q in [
        "?fields=record.id,record.email,record.name",
        "?expand=posts_via_author&fields=record.id,record.expand.posts_via_author.id",
        "?expand=comments_via_user",
    ] {
        b.push(
            Method::POST,
            format!("/api/collections/users/auth-with-password{q}"),
            Some(login.clone()),
            G,
            Kind::Full,
        );
    }
}
