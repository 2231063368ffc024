//! The OpenAPI 3.1 document. Operations come from the `#[utoipa::path]` annotations on the
//! handlers, collected by the same `OpenApiRouter` calls that route them (see `api::routes`),
//! so a route cannot be served undocumented or documented unserved. This module adds what is
//! common to all of them: the bearer scheme and the error responses.

use utoipa::{
    Modify, OpenApi,
    openapi::{
        ContentBuilder, HttpMethod, OpenApi as Document, Ref, RefOr, ResponseBuilder,
        header::HeaderBuilder,
        path::Operation,
        response::Response,
        schema::{ObjectBuilder, Type},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::server::ErrorBody;

/// The name of the security scheme; each operation lists the permissions it needs under it.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Casting Agency API",
        description = "Actors, movies and who is cast in what. Every `/actors` and `/movies` \
            operation needs a bearer access token (RS256, issued by Auth0, or by local sign-in \
            when Auth0 is not configured) whose `permissions` claim holds the permissions the \
            operation lists under `security`. Errors are always JSON: \
            `{\"success\": false, \"error\": <status>, \"message\": ..., \"code\": ...}`, plus \
            `field` on a 422.",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerScheme),
    tags(
        (name = "actors", description = "Actors: name, age, gender"),
        (name = "movies", description = "Movies: title, release date"),
        (name = "casting", description = "Who is cast in which movie"),
        (name = "history", description = "The change journal: who changed what, when, from what to what"),
        (name = "health", description = "Liveness and readiness; no token needed"),
        (name = "local sign-in", description = "Tokens for trying the app without Auth0 (absent when Auth0 is configured)"),
        (name = "web sign-in", description = "Browser sign-in and sign-out for the web app (HTML forms and redirects)"),
    ),
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, doc: &mut Document) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(
                "An RS256 access token. The names listed under an operation's security \
                 requirement are the permissions its `permissions` claim must all hold.",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .security_schemes
            .insert(BEARER.to_owned(), RefOr::T(SecurityScheme::Http(scheme)));
        // The web app's session, which the picture routes also take (an `<img>` and a file
        // form cannot send a bearer token). `__Host-casting_session` when served over HTTPS.
        let session = SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "casting_session",
            "The web app's session cookie (HttpOnly; set by signing in). A write with it must \
             come from the app's own pages (`Sec-Fetch-Site`/`Origin` are checked).",
        )));
        doc.components
            .get_or_insert_with(Default::default)
            .security_schemes
            .insert("session".to_owned(), RefOr::T(session));
    }
}

/// The error responses an operation can give, each a shared component. Which apply follows
/// from what the operation has: a token (401, 403, 503), an id in its path (404), a body
/// (400, 413, 415, 422) or query parameters (400, 422). Every operation can fail with 500.
/// Responses a handler declares itself are kept.
const ERRORS: &[(&str, &str, &str)] = &[
    ("400", "BadRequest", "The request could not be read (malformed JSON or query string)"),
    ("401", "Unauthorized", "No valid bearer token (`WWW-Authenticate` says why)"),
    ("403", "Forbidden", "The token lacks a permission this operation needs"),
    ("404", "NotFound", "No such actor or movie (or the id is not a positive integer)"),
    (
        "412",
        "PreconditionFailed",
        "`If-Match` named a version the record is no longer at; nothing was written, and \
         `current` holds the record as it is now",
    ),
    ("413", "PayloadTooLarge", "The body is larger than the limit (64 KiB by default)"),
    ("415", "UnsupportedMediaType", "The body is not `application/json`"),
    ("422", "Invalid", "Well-formed but invalid; `field` names the field or parameter"),
    (
        "429",
        "RateLimited",
        "Too many writes by this caller, or sign-in requests from this address, in the last \
         minute (`rate_limited`); retry after `Retry-After`",
    ),
    ("500", "Internal", "An unexpected failure; details are logged, never sent"),
    ("503", "Unavailable", "The database cannot be reached right now; retry after `Retry-After`"),
];

fn applies(status: &str, op: &Operation, path: &str, write: bool) -> bool {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let body = op.request_body.is_some();
    let query = op.parameters.as_ref().is_some_and(|params| {
        params.iter().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Query))
    });
    let header = |name: &str| {
        op.parameters.as_ref().is_some_and(|params| {
            params.iter().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Header && p.name == name))
        })
    };
    let conditional = header("If-Match") || header("If-None-Match");
    match status {
        "400" => body || query || conditional,
        "412" => header("If-Match"),
        "401" | "403" | "503" => secured,
        "404" => path.contains('{'),
        "413" | "415" => body,
        "429" => (secured && write) || path.starts_with("/auth/"),
        "422" => body || query,
        "500" => true,
        _ => false,
    }
}

fn error_response(description: &str, status: &str) -> Response {
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    let mut response =
        ResponseBuilder::new().description(description).content("application/json", content);
    if status == "401" {
        let header = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some("`Bearer`, with `error=\"invalid_token\"` when a token was sent"))
            .build();
        response = response.header("WWW-Authenticate", header);
    }
    if status == "503" || status == "429" {
        let header = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
            .description(Some("Seconds to wait before retrying"))
            .build();
        response = response.header("Retry-After", header);
    }
    response.build()
}

/// Adds the shared error responses to every operation (see [`ERRORS`]).
pub fn add_error_responses(doc: &mut Document) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (status, name, description) in ERRORS {
        components
            .responses
            .insert((*name).to_owned(), RefOr::T(error_response(description, status)));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        for method in [
            HttpMethod::Get,
            HttpMethod::Put,
            HttpMethod::Post,
            HttpMethod::Delete,
            HttpMethod::Patch,
        ] {
            let Some(op) = operation_mut(item, &method) else { continue };
            // Browser redirects answer errors as pages, not as this API's JSON errors.
            if op.tags.as_ref().is_some_and(|tags| tags.iter().any(|t| t == "web sign-in")) {
                continue;
            }
            for (status, name, _) in ERRORS {
                if applies(status, op, path, !matches!(method, HttpMethod::Get)) {
                    op.responses
                        .responses
                        .entry((*status).to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
                }
            }
        }
    }
}

fn operation_mut<'a>(
    item: &'a mut utoipa::openapi::PathItem,
    method: &HttpMethod,
) -> Option<&'a mut Operation> {
    match method {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::model::{
        AGE_RANGE, ActorPatch, CastingInput, MAX_GENDER_CHARS, MAX_NAME_CHARS, MoviePatch,
        NewActor, NewMovie, TEXT_PATTERN,
    };
    use crate::server::api::extract::body::BodyFields;

    /// The schemas of the request bodies, by name, as the document gives them.
    fn schemas() -> Value {
        fn of<T: utoipa::PartialSchema>() -> Value {
            serde_json::to_value(T::schema()).unwrap()
        }
        json!({
            "NewActor": of::<NewActor>(),
            "ActorPatch": of::<ActorPatch>(),
            "NewMovie": of::<NewMovie>(),
            "MoviePatch": of::<MoviePatch>(),
            "CastingInput": of::<CastingInput>(),
        })
    }

    /// The schema attributes take only literals; every copy must equal the constants the
    /// service validates with and the web app's forms use.
    #[test]
    fn limits_in_the_schema_are_the_constants() {
        let schemas = schemas();
        let text = |max: usize| json!({"maxLength": max, "pattern": TEXT_PATTERN});
        let optional_text =
            json!({"maxLength": MAX_NAME_CHARS, "pattern": format!("^\\s*$|{TEXT_PATTERN}")});
        let age = json!({"minimum": AGE_RANGE.start(), "maximum": AGE_RANGE.end()});
        let expected = [
            ("NewActor", "name", text(MAX_NAME_CHARS)),
            ("NewActor", "gender", text(MAX_GENDER_CHARS)),
            ("NewActor", "age", age.clone()),
            ("ActorPatch", "name", text(MAX_NAME_CHARS)),
            ("ActorPatch", "gender", text(MAX_GENDER_CHARS)),
            ("ActorPatch", "age", age),
            ("NewMovie", "title", text(MAX_NAME_CHARS)),
            ("MoviePatch", "title", json!({"maxLength": MAX_NAME_CHARS})),
            ("CastingInput", "character", optional_text),
        ];
        for (schema, field, limits) in expected {
            let property = &schemas[schema]["properties"][field];
            for (key, value) in limits.as_object().unwrap() {
                assert_eq!(&property[key], value, "{schema}.{field}.{key}");
            }
        }
    }

    /// The field lists bodies are checked against are the schema's properties and required.
    #[test]
    fn body_field_lists_are_the_schema() {
        fn check<T: BodyFields>(name: &str, schemas: &Value) {
            let schema = &schemas[name];
            let mut properties: Vec<&str> =
                schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
            let mut allowed = T::ALLOWED.to_vec();
            properties.sort();
            allowed.sort();
            assert_eq!(allowed, properties, "{name}: allowed fields");
            let mut required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut expected = T::REQUIRED.to_vec();
            required.sort();
            expected.sort();
            assert_eq!(expected, required, "{name}: required fields");
        }
        let schemas = schemas();
        check::<NewActor>("NewActor", &schemas);
        check::<ActorPatch>("ActorPatch", &schemas);
        check::<NewMovie>("NewMovie", &schemas);
        check::<MoviePatch>("MoviePatch", &schemas);
        check::<CastingInput>("CastingInput", &schemas);
    }
}
