//! Answers made per request (pages and JSON) go out compressed when the client accepts it:
//! a page's HTML is most of a first visit's bytes after the bundle (issue 13's cold load of
//! `/actors`). The live updates' stream is never compressed (it would be held in the encoder).

use std::io::Read;

use casting_agency::model::Role;
use reqwest::{Method, Response, header};
use serde_json::json;

use crate::{
    support::{Options, TestApp, TestDb},
    web::local_session,
};

/// The body as sent, decoded by what its `Content-Encoding` says.
async fn decoded(res: Response) -> (Option<String>, String) {
    let encoding =
        res.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    match encoding.as_deref() {
        Some("br") => brotli::Decompressor::new(&bytes[..], 4096).read_to_string(&mut text),
        Some("gzip") => flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text),
        None => {
            text.push_str(std::str::from_utf8(&bytes).unwrap());
            Ok(0)
        }
        Some(other) => panic!("unexpected encoding {other}"),
    }
    .unwrap();
    (encoding, text)
}

#[tokio::test]
async fn pages_and_json_are_compressed_as_the_client_accepts() {
    let app = TestApp::start(TestDb::sqlite(), Options { local: true, ..Options::default() }).await;
    // Local mode: the tokens are the app's own.
    let token = app.local_token(Role::Producer).await;
    for i in 0..20 {
        let actor =
            json!({"name": format!("Compressible Actor {i}"), "age": 40, "gender": "female"});
        let res = app.request(Method::POST, "/actors", Some(&token)).json(&actor).send().await;
        assert_eq!(res.unwrap().status(), 200);
    }
    let session = local_session(&app, "producer").await;
    let page = |accept: Option<&'static str>| {
        let mut req = app
            .client
            .get(app.url("/actors"))
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, &session);
        if let Some(accept) = accept {
            req = req.header(header::ACCEPT_ENCODING, accept);
        }
        req.send()
    };

    let mut sizes = Vec::new();
    for (accept, expected) in
        [(Some("gzip, deflate, br, zstd"), Some("br")), (Some("gzip"), Some("gzip")), (None, None)]
    {
        let res = page(accept).await.unwrap();
        assert_eq!(res.status(), 200, "{accept:?}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "{accept:?}");
        let vary: Vec<_> =
            res.headers().get_all(header::VARY).iter().map(|v| v.to_str().unwrap()).collect();
        assert!(vary.iter().any(|v| v.contains("accept-encoding")), "{accept:?}: {vary:?}");
        let length = res.content_length();
        let (encoding, html) = decoded(res).await;
        assert_eq!(encoding.as_deref(), expected, "{accept:?}");
        assert!(html.contains("Compressible Actor 19") && html.contains("</html>"), "{html}");
        sizes.push((length, html.len()));
    }
    // Not a token effort: the HTML shrinks to well under a third of itself.
    let (sent, whole) = sizes[0];
    assert!(sent.is_none_or(|sent| (sent as usize) * 3 < whole), "{sizes:?}");

    // The REST API's JSON too, the same document either way.
    let json = |accept: &'static str| {
        app.request(Method::GET, "/actors", Some(&token))
            .header(header::ACCEPT_ENCODING, accept)
            .send()
    };
    let (encoding, compressed) = decoded(json("br").await.unwrap()).await;
    assert_eq!(encoding.as_deref(), Some("br"));
    let (encoding, plain) = decoded(json("identity").await.unwrap()).await;
    assert_eq!(encoding, None);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&compressed).unwrap(),
        serde_json::from_str::<serde_json::Value>(&plain).unwrap()
    );
}

#[tokio::test]
async fn the_live_stream_is_not_compressed() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    let res = app
        .request(Method::GET, "/events", Some(&app.token(Role::Assistant)))
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/event-stream");
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
}
