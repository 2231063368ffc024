//! What the database benchmarks share: run on a SQLite file, then on a fresh PostgreSQL
//! database when one is reachable (`TEST_POSTGRES_URL`, else the local server), dropped after.

use std::future::Future;

pub async fn on_both_databases<F, Fut>(run: F)
where
    F: Fn(&'static str, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    run("SQLite", sqlite).await;

    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("casting_bench_{}", std::process::id());
    let created = async {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .ok()?;
        Some(conn)
    }
    .await;
    match created {
        Some(mut conn) => {
            let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
            run("PostgreSQL", url).await;
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&mut conn).await;
        }
        None => println!("PostgreSQL: not reachable at {admin}; skipped"),
    }
}

/// A real verified principal with `role`'s permissions, through the same verifier as requests.
pub async fn signed_in(
    role: casting_agency::model::Role,
) -> casting_agency::server::auth::Principal {
    use casting_agency::server::auth::{KeyStore, Verifier, signing::SigningKey};
    let key = SigningKey::generate().unwrap();
    let keys = std::sync::Arc::new(KeyStore::fixed(&key.jwks()).unwrap());
    let verifier = Verifier::new(keys, "bench", "bench");
    let perms: Vec<&str> = role.permissions().iter().map(|p| p.as_str()).collect();
    let claims = serde_json::json!({"iss": "bench", "aud": "bench", "sub": "bench",
        "exp": 4_000_000_000u64, "permissions": perms});
    verifier.verify(&key.sign(&claims)).await.unwrap()
}
