//! Rate limits per client address (issue 15 item 8): behind a trusted reverse proxy each
//! citizen has their own allowance (the rightmost untrusted `X-Forwarded-For` address), and
//! without one the header is ignored; look-ups, tickets, feedback follows and the sender's
//! actions are separate allowances, the last one new.

use axum::http::{Method, StatusCode};
use congbo_testkit::{Client, app_test};
use congbo_web::WebConfig;
use congbo_web::ratelimit::TrustedProxies;
use serde_json::json;

const PROXY: &str = "10.0.0.2";

fn config(trusted: &str) -> WebConfig {
    WebConfig {
        lookup_per_minute: Some(3),
        trusted_proxies: TrustedProxies::parse(trusted).unwrap(),
        ..WebConfig::default()
    }
}

/// A dossier look-up from `c` with `X-Forwarded-For: xff`: its status.
async fn lookup(c: &Client<'_>, xff: &str) -> StatusCode {
    c.send_with(
        Method::GET,
        "/api/v1/public/dossiers?code=DB-TL-260101-0001&secret=WRONG123",
        None,
        vec![],
        &[("x-forwarded-for", xff)],
    )
    .await
    .status
}

async fn uses_up(c: &Client<'_>, xff: &str, n: usize) -> bool {
    for _ in 0..n {
        if lookup(c, xff).await == StatusCode::TOO_MANY_REQUESTS {
            return false;
        }
    }
    lookup(c, xff).await == StatusCode::TOO_MANY_REQUESTS
}

app_test!(
    behind_a_trusted_proxy_each_citizen_has_an_allowance,
    |app| {
        let app = app.with_web_config(config("10.0.0.0/8"));
        let proxy = app.anon().from_addr(PROXY);
        assert!(uses_up(&proxy, "198.51.100.1", 3).await);
        // Another citizen behind the same proxy is not blocked by the first one.
        assert_ne!(
            lookup(&proxy, "198.51.100.2").await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // Writing a made-up address in front does not give the first one a new allowance: the
        // proxy appends what it saw, and that is the address counted.
        assert_eq!(
            lookup(&proxy, "203.0.113.77, 198.51.100.1").await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // A client that is not a trusted proxy cannot choose its address with the header.
        let direct = app.anon().from_addr("192.0.2.50");
        assert!(uses_up(&direct, "198.51.100.3", 3).await);
        assert_eq!(
            lookup(&direct, "198.51.100.4").await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
);

app_test!(without_a_trusted_proxy_the_header_is_ignored, |app| {
    let app = app.with_web_config(config(""));
    let proxy = app.anon().from_addr(PROXY);
    assert!(uses_up(&proxy, "198.51.100.1", 3).await);
    assert_eq!(
        lookup(&proxy, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "everyone behind an untrusted proxy shares its allowance"
    );
});

app_test!(
    look_ups_follows_and_sender_actions_are_separate_allowances,
    |app| {
        let app = app.with_web_config(config(""));
        let c = app.anon().from_addr("192.0.2.9");
        let sent = c
            .post_json(
                "/api/v1/public/feedback",
                &json!({"office_code": "DB-TL", "category": "procedure", "privacy": "anonymous",
                    "content": "Bảng niêm yết thủ tục đã cũ, khó đọc."}),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let code = sent.json()["code"].as_str().unwrap().to_string();
        assert!(uses_up(&c, "", 3).await, "the dossier look-ups are used up");
        // Following a case is its own allowance (default 20 a minute).
        let follow = c
            .get(&format!("/api/v1/public/feedback/{code}?k=WRONGSECRET"))
            .await;
        assert_eq!(follow.status, StatusCode::NOT_FOUND, "{}", follow.text());
        // The sender's actions with a wrong secret: refused, and after 10 a minute no more tries.
        let act = async || {
            c.post_json(
                &format!("/api/v1/public/feedback/{code}/helpful?k=WRONGSECRET"),
                &json!({"helpful": true}),
            )
            .await
            .status
        };
        for _ in 0..congbo_web::DEFAULT_FEEDBACK_ACTIONS_PER_MINUTE {
            assert_eq!(act().await, StatusCode::NOT_FOUND);
        }
        assert_eq!(act().await, StatusCode::TOO_MANY_REQUESTS);
        // The page form of the same actions shares that allowance.
        let page = c
            .post_form(
                "/phan-anh/theo-doi/helpful",
                &[
                    ("code", code.as_str()),
                    ("k", "WRONGSECRET"),
                    ("helpful", "true"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
        // Follows are still heard.
        assert_eq!(
            c.get(&format!("/api/v1/public/feedback/{code}?k=WRONGSECRET"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);
