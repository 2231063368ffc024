//! Criterion micro-benchmarks of the two costs every authenticated list request pays: verifying
//! the RS256 bearer token, and encoding the JSON of a 100-row list. `make bench-micro`.

use std::{hint::black_box, sync::Arc};

use casting_agency::{
    model::{Actor, Role},
    server::auth::{KeyStore, Verifier, signing::SigningKey},
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde::Serialize;
use serde_json::json;

const ISSUER: &str = "https://issuer.bench/";
const AUDIENCE: &str = "https://casting-agency.bench/api";

fn token_verification(c: &mut Criterion) {
    let key = SigningKey::generate().unwrap();
    let keys = Arc::new(KeyStore::fixed(&key.jwks()).unwrap());
    let verifier = Verifier::new(keys.clone(), ISSUER, AUDIENCE);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let permissions: Vec<&str> = Role::Producer.permissions().iter().map(|p| p.as_str()).collect();
    let claims = |sub: String| {
        json!({"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 3600,
               "permissions": permissions})
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let token = key.sign(&claims("auth0|bench".into()));
    c.bench_function("verify a token seen before (cached)", |b| {
        b.iter(|| runtime.block_on(verifier.verify(black_box(&token))).unwrap())
    });
    // The first request with a token: a fresh verifier each time, so nothing is remembered.
    c.bench_function("verify a token never seen (full RS256 check)", |b| {
        b.iter_batched(
            || Verifier::new(keys.clone(), ISSUER, AUDIENCE),
            |fresh| runtime.block_on(fresh.verify(black_box(&token))).unwrap(),
            BatchSize::SmallInput,
        )
    });
}

#[derive(Serialize)]
struct ActorList<'a> {
    success: bool,
    actors: &'a [Actor],
    all_actors: i64,
}

fn list_encoding(c: &mut Criterion) {
    let actors: Vec<Actor> = (1..=100)
        .map(|id| Actor {
            id,
            name: format!("Actor number {id}"),
            age: 20 + id % 60,
            gender: "female".into(),
            version: 1,
            photo: None,
        })
        .collect();
    let list = ActorList { success: true, actors: &actors, all_actors: 100 };
    c.bench_function("encode a 100-actor list as JSON", |b| {
        b.iter(|| serde_json::to_vec(black_box(&list)).unwrap())
    });
}

criterion_group!(benches, token_verification, list_encoding);
criterion_main!(benches);
