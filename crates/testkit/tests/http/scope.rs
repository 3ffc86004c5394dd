//! Office scope over every endpoint: an officer (or even an administrator) of commune A never
//! sees or changes commune B's data, through the JSON API or the pages. Roles are enforced:
//! heads do not manage staff, reception officers do not list staff, auditors only read.

use axum::http::{Method, StatusCode};
use congbo_testkit::{Client, TestApp, app_test};
use serde_json::{Value, json};
use uuid::Uuid;

/// What commune B (Mường Nhé) has, to aim at.
struct Target {
    office: Uuid,
    user: Uuid,
    assignment: Uuid,
    token: Uuid,
    own_user: Uuid,
    own_office: Uuid,
    dossier: Uuid,
    counter: Uuid,
    group: Uuid,
    ticket: Uuid,
    /// B's low rating of its dossier, the recovery case it opened, and a paired tablet.
    rating: Uuid,
    case: Uuid,
    device: Uuid,
    /// A feedback case received by B (with a named sender).
    feedback: Uuid,
    /// A personal data breach recorded at B (by the province's administrator).
    breach: Uuid,
}

async fn target(app: &TestApp) -> Target {
    let b_head = app.login("mn.truong").await;
    let token = b_head
        .post_json("/api/v1/tokens", &json!({"name": "B integration"}))
        .await
        .json();
    let user = app.user_id("mn.motcua1").await;
    let dossier = app
        .login("mn.motcua1")
        .await
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": "1.004884", "applicant": {"name": "Giàng A Chu", "phone": "0911111111"}}),
        )
        .await
        .json();
    let admin = app.login("quantri").await;
    let staff = admin.get(&format!("/api/v1/staff/{user}")).await.json();
    let queue = app
        .anon()
        .get("/api/v1/public/offices/DB-MN/queue")
        .await
        .json();
    let group = queue["groups"][0]["id"].as_str().unwrap().to_string();
    let ticket = app
        .anon()
        .post_json(
            "/api/v1/public/offices/DB-MN/tickets",
            &json!({"group_id": group}),
        )
        .await
        .json();
    let dossier_id: Uuid = dossier["id"].as_str().unwrap().parse().unwrap();
    let rating_token = {
        let mut tx = app.db().read().await.unwrap();
        let d = congbo_store::repo::dossier::get(&mut tx, dossier_id)
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        congbo_app::links::rating_token(d.id, &d.secret)
    };
    let rating = app
        .anon()
        .post_json(
            &format!(
                "/api/v1/public/dossier-ratings/{}?t={rating_token}",
                dossier["code"].as_str().unwrap()
            ),
            &json!({"overall": 3, "reasons": ["cho-lau"], "contact": "0911111111"}),
        )
        .await
        .json();
    let b_office = app.office_id("DB-MN").await;
    let cases = b_head
        .get(&format!("/api/v1/offices/{b_office}/recovery-cases"))
        .await
        .json();
    let device = b_head
        .post_json(
            &format!(
                "/api/v1/counters/{}/rating-devices",
                queue["counters"][0]["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await
        .json();
    let feedback = app
        .anon()
        .post_json(
            "/api/v1/public/feedback",
            &json!({"office_code": "DB-MN", "category": "procedure", "privacy": "named",
                    "name": "Giàng A Chu", "contact": "0911111111",
                    "content": "Phản ánh của xã Mường Nhé về thủ tục."}),
        )
        .await
        .json();
    let breach = admin
        .post_json(
            "/api/v1/breaches",
            &json!({"office_id": b_office, "detected_at": "2026-01-05T08:00",
                    "description": "Máy tính một cửa xã Mường Nhé bị nhiễm mã độc.",
                    "record_kinds": ["dossiers"], "people_estimate": 40}),
        )
        .await;
    assert_eq!(breach.status, StatusCode::CREATED, "{}", breach.text());
    Target {
        breach: breach.json()["id"].as_str().unwrap().parse().unwrap(),
        feedback: feedback["id"].as_str().unwrap().parse().unwrap(),
        rating: rating["rating_id"].as_str().unwrap().parse().unwrap(),
        case: cases[0]["id"].as_str().unwrap().parse().unwrap(),
        device: device["device_id"].as_str().unwrap().parse().unwrap(),
        counter: queue["counters"][0]["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
        group: group.parse().unwrap(),
        ticket: ticket["id"].as_str().unwrap().parse().unwrap(),
        office: app.office_id("DB-MN").await,
        user,
        assignment: staff["roles"][0]["id"].as_str().unwrap().parse().unwrap(),
        token: token["token"]["id"].as_str().unwrap().parse().unwrap(),
        own_user: app.user_id("tl.motcua1").await,
        own_office: app.office_id("DB-TL").await,
        dossier: dossier["id"].as_str().unwrap().parse().unwrap(),
    }
}

/// Every API endpoint that can name B's data, with a valid body.
fn api_attempts(t: &Target) -> Vec<(Method, String, Option<Value>)> {
    let b = t.office;
    vec![
        (
            Method::POST,
            "/api/v1/offices".into(),
            Some(json!({"code": "DB-MN-X", "name": "Thôn Mới", "kind": "commune", "parent_id": b})),
        ),
        (Method::GET, format!("/api/v1/offices/{b}"), None),
        (
            Method::PATCH,
            format!("/api/v1/offices/{b}"),
            Some(json!({"name": "Đổi tên trái phép"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/offices/{}", t.own_office),
            Some(json!({"parent_id": b})),
        ),
        (Method::GET, format!("/api/v1/offices/{b}/history"), None),
        (Method::GET, format!("/api/v1/offices/{b}/counters"), None),
        (
            Method::POST,
            format!("/api/v1/offices/{b}/counters"),
            Some(json!({"number": 9, "name": "Quầy lạ"})),
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            Some(
                json!({"username": "ke.la", "full_name": "Kẻ Lạ", "home_office_id": b, "password": "Mot-mat-khau-dai", "roles": []}),
            ),
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            Some(
                json!({"username": "ke.la2", "full_name": "Kẻ Lạ", "home_office_id": t.own_office, "password": "Mot-mat-khau-dai", "roles": [{"role": "reception", "office_id": b}]}),
            ),
        ),
        (Method::GET, format!("/api/v1/staff/{}", t.user), None),
        (
            Method::POST,
            format!("/api/v1/staff/{}/roles", t.user),
            Some(json!({"role": "head", "office_id": b})),
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/roles", t.own_user),
            Some(json!({"role": "reception", "office_id": b})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/staff/{}/roles/{}", t.user, t.assignment),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/unlock", t.user),
            Some(json!({})),
        ),
        (Method::DELETE, format!("/api/v1/tokens/{}", t.token), None),
        (Method::GET, format!("/api/v1/dossiers/{}", t.dossier), None),
        (
            Method::POST,
            "/api/v1/dossiers".into(),
            Some(json!({"procedure_code": "1.004884", "applicant": {"name": "Kẻ Lạ"}, "office_id": b})),
        ),
        (Method::GET, format!("/api/v1/offices/{b}/queue"), None),
        (Method::GET, format!("/api/v1/offices/{b}/queue-stats"), None),
        (
            Method::POST,
            format!("/api/v1/offices/{b}/service-groups"),
            Some(json!({"letter": "Z", "name": "Lạ"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/offices/{b}/queue-settings"),
            Some(json!({"voice": false})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/service-groups/{}", t.group),
            Some(json!({"name": "Đổi", "active": false})),
        ),
        (
            Method::PUT,
            format!("/api/v1/counters/{}/services", t.counter),
            Some(json!({"group_ids": []})),
        ),
        (
            Method::POST,
            format!("/api/v1/counters/{}/sign-in", t.counter),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/counters/{}/call-next", t.counter),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/tickets".into(),
            Some(json!({"office_id": b, "group_id": t.group})),
        ),
        (Method::GET, format!("/api/v1/tickets/{}", t.ticket), None),
        (Method::GET, format!("/api/v1/offices/{b}/rating-settings"), None),
        (
            Method::PUT,
            format!("/api/v1/offices/{b}/rating-settings"),
            Some(json!({"scale": "stars5"})),
        ),
        (Method::GET, format!("/api/v1/offices/{b}/satisfaction"), None),
        (Method::GET, format!("/api/v1/offices/{b}/recovery-cases"), None),
        (
            Method::POST,
            format!("/api/v1/counters/{}/rating-devices", t.counter),
            Some(json!({})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/rating-devices/{}", t.device),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/recovery-cases/{}/close", t.case),
            Some(json!({"called_back": true, "outcome": "Đóng trái phép"})),
        ),
        (
            Method::POST,
            format!("/api/v1/ratings/{}/set-aside", t.rating),
            Some(json!({"reason": "Xóa trái phép"})),
        ),
        (Method::GET, format!("/api/v1/feedback/{}", t.feedback), None),
        (
            Method::POST,
            format!("/api/v1/feedback/{}/accept", t.feedback),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/feedback/{}/identity", t.feedback),
            Some(json!({"reason": "Xem trái phép"})),
        ),
        (
            Method::GET,
            format!("/api/v1/feedback/{}/identity-log", t.feedback),
            None,
        ),
        (Method::GET, format!("/api/v1/offices/{b}/feedback-stats"), None),
        (
            Method::POST,
            "/api/v1/feedback".into(),
            Some(json!({"office_id": b, "category": "procedure", "channel": "letter",
                        "content": "Nhập trái phép vào xã khác."})),
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/register", t.user),
            Some(json!({"kind": "weakness", "note": "Ghi trái phép vào sổ xã khác."})),
        ),
        (
            Method::POST,
            format!(
                "/api/v1/staff/{}/register/0190f0e0-0000-7000-8000-000000000001/answer",
                t.user
            ),
            Some(json!({"answer": "Trả lời thay."})),
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/register/suggestions/dismiss", t.user),
            Some(json!({"key": "high_satisfaction|2026-11|"})),
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/evaluations/2026-11/approve", t.user),
            Some(json!({})),
        ),
        (Method::GET, format!("/api/v1/breaches/{}", t.breach), None),
        (
            Method::POST,
            format!("/api/v1/breaches/{}/authority-notified", t.breach),
            Some(json!({"reference": "12/CV-UBND"})),
        ),
        (
            Method::POST,
            format!("/api/v1/breaches/{}/subjects-notified", t.breach),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/breaches".into(),
            Some(json!({"office_id": b, "detected_at": "2026-01-05T08:00",
                        "description": "Lộ dữ liệu", "record_kinds": ["other"]})),
        ),
        (
            Method::POST,
            format!("/api/v1/offices/{}/rankings/2026/decide", t.office),
            Some(json!({"quota_base": "good_and_excellent"})),
        ),
        (
            Method::POST,
            format!("/api/v1/offices/{}/rankings/2026/commendations", t.office),
            Some(json!({"officer": t.user, "title": "advanced_worker", "decision_no": "12/QĐ",
                        "decided_on": "2026-12-20", "issuer": "Chủ tịch UBND xã"})),
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/discipline", t.user),
            Some(json!({"violation_end": "2026-03-01", "detected_on": "2026-03-02",
                        "severity": "less_serious", "limitation": "reprimand_level",
                        "duty_related": true, "summary": "Mở vụ việc ở xã khác."})),
        ),
    ]
    .into_iter()
    .chain(
        ["recall", "start", "no-show", "finish", "apologize", "transfer"]
            .into_iter()
            .map(|a| {
                (
                    Method::POST,
                    format!("/api/v1/tickets/{}/{a}", t.ticket),
                    Some(json!({})),
                )
            }),
    )
    .chain(
        [
            ("receive", json!({})),
            ("request-supplement", json!({"reason": "Thiếu"})),
            ("supplement-received", json!({})),
            ("refuse", json!({"reason": "Không"})),
            ("transfer", json!({})),
            ("finish", json!({})),
            ("return", json!({})),
            ("stop", json!({"reason": "Dừng"})),
            ("withdraw", json!({})),
            ("apologize", json!({"reason": "Trễ", "new_due": "2099-01-01"})),
        ]
        .into_iter()
        .map(|(a, body)| {
            (
                Method::POST,
                format!("/api/v1/dossiers/{}/{a}", t.dossier),
                Some(body),
            )
        }),
    )
    .collect()
}

/// The page (form) endpoints that can name B's data.
/// A form field: name and value.
type Field = (&'static str, String);

fn page_attempts(t: &Target) -> Vec<(Method, String, Vec<Field>)> {
    let b = t.office;
    vec![
        (Method::GET, format!("/don-vi/{b}"), vec![]),
        (
            Method::POST,
            "/don-vi".into(),
            vec![
                ("code", "DB-MN-Y".into()),
                ("name", "Thôn Mới".into()),
                ("kind", "commune".into()),
                ("parent_id", b.to_string()),
            ],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/doi-ten"),
            vec![("name", "Đổi tên trái phép".into())],
        ),
        (
            Method::POST,
            format!("/don-vi/{}/chuyen", t.own_office),
            vec![("parent_id", b.to_string())],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/chuyen"),
            vec![("parent_id", t.own_office.to_string())],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/quay"),
            vec![("number", "9".into()), ("name", "Quầy lạ".into())],
        ),
        (
            Method::POST,
            "/can-bo".into(),
            vec![
                ("username", "ke.la3".into()),
                ("full_name", "Kẻ Lạ".into()),
                ("home_office_id", b.to_string()),
                ("password", "Mot-mat-khau-dai".into()),
                ("role", "reception".into()),
            ],
        ),
        (Method::GET, format!("/can-bo/{}", t.user), vec![]),
        (
            Method::POST,
            format!("/can-bo/{}/vai-tro", t.user),
            vec![("role", "head".into()), ("office_id", b.to_string())],
        ),
        (
            Method::POST,
            format!("/can-bo/{}/vai-tro/{}/thu-hoi", t.user, t.assignment),
            vec![],
        ),
        (Method::POST, format!("/can-bo/{}/mo-khoa", t.user), vec![]),
        (
            Method::POST,
            format!("/can-bo/{}/trang-thai", t.user),
            vec![("active", "false".into())],
        ),
        (
            Method::POST,
            format!("/tai-khoan/khoa-truy-cap/{}/thu-hoi", t.token),
            vec![],
        ),
        (Method::GET, format!("/phan-anh/{}", t.feedback), vec![]),
        (
            Method::POST,
            format!("/phan-anh/{}/accept", t.feedback),
            vec![],
        ),
        (
            Method::POST,
            format!("/phan-anh/{}/nguoi-gui", t.feedback),
            vec![("reason", "Xem trái phép".into())],
        ),
        (Method::GET, format!("/don-vi/{b}/danh-gia"), vec![]),
        (
            Method::POST,
            format!("/don-vi/{b}/danh-gia"),
            vec![("scale", "stars5".into())],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/danh-gia/quay/{}", t.counter),
            vec![],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/danh-gia/thiet-bi/{}/go", t.device),
            vec![],
        ),
        (
            Method::POST,
            format!("/danh-gia/phuc-hoi/{}", t.case),
            vec![("outcome", "Đóng trái phép".into())],
        ),
        (Method::GET, format!("/ho-so/{}", t.dossier), vec![]),
        (Method::GET, format!("/ho-so/{}/mau/01", t.dossier), vec![]),
        (Method::GET, format!("/ho-so/{}/mau/06", t.dossier), vec![]),
        (Method::POST, format!("/ho-so/{}/finish", t.dossier), vec![]),
        (
            Method::POST,
            format!("/ho-so/{}/apologize", t.dossier),
            vec![("reason", "Trễ".into()), ("new_due", "2099-01-01".into())],
        ),
        (
            Method::POST,
            "/ho-so".into(),
            vec![
                ("procedure_code", "1.004884".into()),
                ("name", "Kẻ Lạ".into()),
                ("office_id", b.to_string()),
            ],
        ),
        (Method::GET, format!("/don-vi/{b}/xep-hang"), vec![]),
        (
            Method::POST,
            format!("/don-vi/{b}/xep-hang/dich-vu"),
            vec![("letter", "Z".into()), ("name", "Lạ".into())],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/xep-hang/quay/{}", t.counter),
            vec![],
        ),
        (
            Method::POST,
            format!("/don-vi/{b}/xep-hang/cai-dat"),
            vec![
                ("apology_after_minutes", "5".into()),
                ("priority_burst", "1".into()),
                ("no_show_after_recalls", "9".into()),
                ("default_service_seconds", "60".into()),
                ("notify_when_ahead", "1".into()),
            ],
        ),
        (
            Method::POST,
            "/quay/vao".into(),
            vec![("counter_id", t.counter.to_string())],
        ),
        (
            Method::POST,
            format!("/quay/ve/{}/finish", t.ticket),
            vec![],
        ),
        (
            Method::POST,
            format!("/can-bo/{}/danh-gia-cong-viec/so-theo-doi", t.user),
            vec![
                ("kind", "weakness".into()),
                ("note", "Ghi trái phép.".into()),
            ],
        ),
        (
            Method::POST,
            format!(
                "/can-bo/{}/danh-gia-cong-viec/so-theo-doi/0190f0e0-0000-7000-8000-000000000001/tra-loi",
                t.user
            ),
            vec![("answer", "Trả lời thay.".into())],
        ),
        (
            Method::POST,
            format!("/can-bo/{}/danh-gia-cong-viec/goi-y/bo-qua", t.user),
            vec![("key", "high_satisfaction|2026-11|".into())],
        ),
        (
            Method::GET,
            format!("/du-lieu-ca-nhan/su-co/{}", t.breach),
            vec![],
        ),
        (
            Method::POST,
            format!("/du-lieu-ca-nhan/su-co/{}/bao-co-quan", t.breach),
            vec![("authority_reference", "12/CV-UBND".into())],
        ),
        (
            Method::POST,
            format!("/du-lieu-ca-nhan/su-co/{}/bao-chu-the", t.breach),
            vec![],
        ),
    ]
}

async fn snapshot(app: &TestApp, t: &Target) -> Value {
    let admin = app.login("quantri").await;
    json!({
        "office": admin.get(&format!("/api/v1/offices/{}", t.office)).await.json(),
        "counters": admin.get(&format!("/api/v1/offices/{}/counters", t.office)).await.json(),
        "user": admin.get(&format!("/api/v1/staff/{}", t.user)).await.json(),
        "own": admin.get(&format!("/api/v1/staff/{}", t.own_user)).await.json(),
        "offices": admin.get("/api/v1/offices").await.json().as_array().unwrap().len(),
        "staff": admin.get("/api/v1/staff").await.json().as_array().unwrap().len(),
        "tokens": app.login("mn.truong").await.get("/api/v1/tokens").await.json(),
        "dossier": app.login("mn.truong").await.get(&format!("/api/v1/dossiers/{}", t.dossier)).await.json(),
        "rating_settings": app.login("mn.truong").await.get(&format!("/api/v1/offices/{}/rating-settings", t.office)).await.json(),
        "recovery": app.login("mn.truong").await.get(&format!("/api/v1/offices/{}/recovery-cases", t.office)).await.json(),
        "satisfaction": app.login("mn.truong").await.get(&format!("/api/v1/offices/{}/satisfaction", t.office)).await.json(),
        "feedback": app.login("mn.truong").await.get(&format!("/api/v1/feedback/{}", t.feedback)).await.json(),
        "breach": admin.get(&format!("/api/v1/breaches/{}", t.breach)).await.json(),
    })
}

async fn assert_sealed_off(app: &TestApp, c: &Client<'_>, t: &Target, who: &str) {
    let before = snapshot(app, t).await;
    for (method, path, body) in api_attempts(t) {
        let res = match &body {
            Some(b) => {
                c.send(
                    method.clone(),
                    &path,
                    Some("application/json"),
                    b.to_string().into_bytes(),
                )
                .await
            }
            None => c.send(method.clone(), &path, None, vec![]).await,
        };
        // B's resources do not exist for A (404, so ids do not leak); a request about A's own
        // resource that names B may also be refused as forbidden. Never a success.
        let own = [t.own_office.to_string(), t.own_user.to_string()];
        let about_own = own.iter().any(|id| {
            path.contains(id) || body.as_ref().is_some_and(|b| b.to_string().contains(id))
        });
        if method == Method::GET || !about_own {
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "{who}: {method} {path} → {}",
                res.text()
            );
            assert!(
                res.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Không tìm thấy")
            );
        } else {
            assert!(
                matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{who}: {method} {path} → {}",
                res.text()
            );
        }
    }
    for (method, path, form) in page_attempts(t) {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = if method == Method::GET {
            c.get(&path).await
        } else {
            c.post_form(&path, &fields).await
        };
        if path.contains(&t.own_office.to_string()) {
            assert!(
                matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{who}: page {method} {path}"
            );
        } else {
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "{who}: page {method} {path}"
            );
        }
    }
    // Lists show nothing of B.
    let b = t.office.to_string();
    let offices = c.get("/api/v1/offices").await.json();
    assert!(
        offices
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["id"] != b.as_str()),
        "{who}"
    );
    assert!(
        !c.get("/don-vi").await.text().contains("Mường Nhé"),
        "{who}"
    );
    let staff = c.get("/api/v1/staff").await;
    if staff.status == StatusCode::OK {
        assert!(
            staff
                .json()
                .as_array()
                .unwrap()
                .iter()
                .all(|s| !s["username"].as_str().unwrap().starts_with("mn."))
        );
        assert!(!c.get("/can-bo").await.text().contains("mn.motcua1"));
    }
    let audit = c.get("/api/v1/audit").await;
    if audit.status == StatusCode::OK {
        assert!(
            audit
                .json()
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["office_id"] != b.as_str()),
            "{who}"
        );
    }
    let tokens = c.get("/api/v1/tokens").await.json();
    assert!(
        tokens
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["name"] != "B integration")
    );
    assert_eq!(snapshot(app, t).await, before, "{who} changed B's data");
}

app_test!(commune_head_never_reaches_another_commune, |app| {
    let t = target(&app).await;
    let c = app.login("tl.truong").await;
    assert_sealed_off(&app, &c, &t, "head of A").await;
});

app_test!(commune_admin_never_reaches_another_commune, |app| {
    let t = target(&app).await;
    let province = app.login("quantri").await;
    let a = app.office_id("DB-TL").await;
    let res = province
        .post_json(
            "/api/v1/staff",
            &json!({"username": "tl.quantri", "full_name": "Quản trị Thanh Luông", "home_office_id": a,
                    "password": "Quan-tri-xa-2026", "roles": [{"role": "admin", "office_id": a}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let c = app.login_with("tl.quantri", "Quan-tri-xa-2026").await;
    // It does manage its own commune...
    let res = c
        .post_json(
            &format!("/api/v1/offices/{a}/counters"),
            &json!({"number": 7, "name": "Quầy 7"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    // ...and through an API token too.
    let token = c
        .post_json("/api/v1/tokens", &json!({"name": "A tích hợp"}))
        .await
        .json();
    let by_token = app.with_token(token["secret"].as_str().unwrap());
    assert_sealed_off(&app, &c, &t, "admin of A").await;
    assert_sealed_off(&app, &by_token, &t, "API token of A's admin").await;
});

app_test!(roles_limit_what_each_officer_may_do, |app| {
    let a = app.office_id("DB-TL").await;
    // A head reads staff of the commune but does not manage them.
    let head = app.login("tl.truong").await;
    assert_eq!(head.get("/api/v1/staff").await.status, StatusCode::OK);
    let res = head
        .post_json("/api/v1/staff", &json!({"username": "moi.a", "full_name": "Mới", "home_office_id": a, "password": "Mot-mat-khau-dai"}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.error_code(), "forbidden");
    assert_eq!(
        head.patch_json(&format!("/api/v1/offices/{a}"), &json!({"name": "Xã Mới"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A reception officer sees the office but not the staff list or the audit log.
    let reception = app.login("tl.motcua1").await;
    assert_eq!(
        reception.get(&format!("/api/v1/offices/{a}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        reception.get("/api/v1/staff").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reception.get("/api/v1/audit").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reception.get("/nhat-ky").await.status,
        StatusCode::FORBIDDEN
    );
    // The auditor reads everything in the province and changes nothing.
    let auditor = app.login("kiemtoan").await;
    assert_eq!(auditor.get("/api/v1/audit").await.status, StatusCode::OK);
    assert_eq!(auditor.get("/api/v1/staff").await.status, StatusCode::OK);
    let before = app.audit_len().await;
    assert_eq!(
        auditor
            .patch_json(&format!("/api/v1/offices/{a}"), &json!({"name": "Xã Mới"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        auditor
            .post_json(
                &format!("/api/v1/offices/{a}/counters"),
                &json!({"number": 8, "name": "Q"})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let uid = app.user_id("tl.motcua1").await;
    assert_eq!(
        auditor
            .post_json(
                &format!("/api/v1/staff/{uid}/roles"),
                &json!({"role": "auditor", "office_id": a})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_len().await, before);
    // Only an administrator grants the administrator role, and not above their scope.
    let province = app.office_id("DB").await;
    let admin = app.login("quantri").await;
    let res = admin
        .post_json(
            &format!("/api/v1/staff/{uid}/roles"),
            &json!({"role": "deputy", "office_id": a}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let res = admin
        .post_json(
            &format!("/api/v1/staff/{uid}/roles"),
            &json!({"role": "deputy", "office_id": a}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.error_code(), "duplicate-assignment");
    let _ = province;
});

app_test!(the_last_top_admin_cannot_be_removed, |app| {
    let admin = app.login("quantri").await;
    let id = app.user_id("quantri").await;
    let me = admin.get(&format!("/api/v1/staff/{id}")).await.json();
    let aid = me["roles"][0]["id"].as_str().unwrap();
    let res = admin
        .delete(&format!("/api/v1/staff/{id}/roles/{aid}"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.error_code(), "last-admin");
    let res = admin
        .post_form(&format!("/can-bo/{id}/trang-thai"), &[("active", "false")])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
});

/// Why a route that names B's data is left out of the derived sweep.
const PUBLIC_OFFICE: &str = "public by design: the lobby display, kiosk and phone queue of an \
office are reached by its code without signing in";
const PUBLIC_TICKET: &str = "public by design: a ticket's holder follows it by its id without \
signing in";
const TABLET: &str = "a paired rating tablet authenticates with its device cookie, not as staff \
(tested in rating.rs)";
const PUBLIC_STATS: &str = "public by design: every office's statistics are published \
without signing in (figures only, no personal data; tested in public_stats.rs)";
const PUBLIC_CODE: &str = "public by design: the citizen reaches it by the code and secret they \
hold (tested in rating.rs and feedback.rs)";

const PUBLIC_REQUEST: &str = "public by design: the citizen reaches their request by its id \
and the one-time code sent to a contact on file; the export opens only with the cookie set by \
that code (tested in privacy.rs)";

/// Routes that name B's data in their path but are not office-scoped staff endpoints. Each must
/// still be a route that names B's data: an entry that stops matching fails the sweep.
const EXCLUDED: &[(&str, &str, &str)] = &[
    ("GET", "/api/v1/public/offices/{code}/queue", PUBLIC_OFFICE),
    (
        "POST",
        "/api/v1/public/offices/{code}/tickets",
        PUBLIC_OFFICE,
    ),
    (
        "GET",
        "/api/v1/public/offices/{code}/display",
        PUBLIC_OFFICE,
    ),
    ("GET", "/api/v1/public/offices/{code}/events", PUBLIC_OFFICE),
    ("GET", "/man-hinh/{code}", PUBLIC_OFFICE),
    ("GET", "/ki-ot/{code}", PUBLIC_OFFICE),
    ("POST", "/ki-ot/{code}", PUBLIC_OFFICE),
    ("GET", "/lay-so/{code}", PUBLIC_OFFICE),
    ("POST", "/lay-so/{code}", PUBLIC_OFFICE),
    ("GET", "/api/v1/public/tickets/{id}", PUBLIC_TICKET),
    (
        "POST",
        "/api/v1/public/tickets/{id}/subscribe",
        PUBLIC_TICKET,
    ),
    ("GET", "/ve/{id}", PUBLIC_TICKET),
    ("POST", "/ve/{id}/bao", PUBLIC_TICKET),
    ("GET", "/may-danh-gia/{counter}", TABLET),
    ("POST", "/may-danh-gia/{counter}", TABLET),
    ("GET", "/may-danh-gia/{counter}/ghep", TABLET),
    ("GET", "/api/v1/public/dossier-ratings/{code}", PUBLIC_CODE),
    ("POST", "/api/v1/public/dossier-ratings/{code}", PUBLIC_CODE),
    ("GET", "/danh-gia/{code}", PUBLIC_CODE),
    ("POST", "/danh-gia/{code}", PUBLIC_CODE),
    ("GET", "/api/v1/public/feedback/{code}", PUBLIC_CODE),
    ("GET", "/thong-ke/{id}", PUBLIC_STATS),
    (
        "POST",
        "/api/v1/public/feedback/{code}/{action}",
        PUBLIC_CODE,
    ),
    (
        "GET",
        "/api/v1/staff/{id}/conduct-record",
        "a filter, not a look-up: it lists the records in the caller's own scope for any id, so \
         B's officer and an unknown id both read as an empty list and nothing leaks",
    ),
    ("GET", "/du-lieu-cua-toi/{id}", PUBLIC_REQUEST),
    ("GET", "/du-lieu-cua-toi/{id}/xac-nhan", PUBLIC_REQUEST),
    ("POST", "/du-lieu-cua-toi/{id}/xac-nhan", PUBLIC_REQUEST),
    ("GET", "/du-lieu-cua-toi/{id}/tai-ve", PUBLIC_REQUEST),
    ("POST", "/du-lieu-cua-toi/{id}/yeu-cau", PUBLIC_REQUEST),
    (
        "POST",
        "/du-lieu-cua-toi/{id}/dong-y/{consent}/rut",
        PUBLIC_REQUEST,
    ),
    (
        "POST",
        "/du-lieu-ca-nhan/yeu-cau/{id}/gia-han",
        "B has no personal data request to aim at; another commune's head extending one gets \
         404 in privacy.rs",
    ),
    (
        "POST",
        "/du-lieu-ca-nhan/yeu-cau/{id}",
        "B has no personal data request to aim at; another commune's head answering one gets \
         404 in privacy.rs",
    ),
    (
        "GET",
        "/phan-anh/tep/{id}",
        "B's case has no attachment to aim at; attachments out of scope are refused in feedback.rs",
    ),
];

/// What a path parameter stands for.
enum Slot {
    /// One of B's things (its id or code), when the target has one.
    Aim(Option<String>),
    /// Not something an office owns (a year, a file name, an action).
    Free,
}

/// The meaning of `{param}` after the path segment `prev`. A parameter not known here fails
/// the sweep, so a new kind of route is classified before it is served untested.
fn slot(t: &Target, prev: &str, param: &str) -> Slot {
    let id = |u: Uuid| Slot::Aim(Some(u.to_string()));
    match (prev, param) {
        ("offices" | "don-vi" | "bao-cao" | "thong-ke", "id") => id(t.office),
        ("offices", "code") | ("man-hinh" | "ki-ot" | "lay-so", "code") => {
            Slot::Aim(Some("DB-MN".into()))
        }
        ("staff" | "can-bo", "id") => id(t.user),
        ("roles" | "vai-tro", "assignment_id" | "assignment") => id(t.assignment),
        ("tokens" | "khoa-truy-cap", "id") => id(t.token),
        ("dossiers" | "ho-so", "id") => id(t.dossier),
        ("service-groups", "id") => id(t.group),
        ("counters", "id") | ("quay" | "may-danh-gia", "counter") => id(t.counter),
        ("tickets" | "ve", "id") => id(t.ticket),
        ("rating-devices", "id") | ("thiet-bi", "device") => id(t.device),
        ("ratings", "id") => id(t.rating),
        ("recovery-cases" | "phuc-hoi", "id") => id(t.case),
        ("feedback" | "phan-anh", "id") => id(t.feedback),
        ("breaches" | "su-co", "id") => id(t.breach),
        ("tep", "id") => Slot::Aim(None),
        // Personal data requests (issue 18): a citizen's request, reached by its id and the code
        // sent to their contact; its consents; and the head's answer to one.
        ("du-lieu-cua-toi", "id") | ("dong-y", "consent") | ("yeu-cau", "id") => Slot::Aim(None),
        // A dossier's or a feedback case's public code (with its secret).
        ("dossier-ratings" | "danh-gia" | "feedback", "code") => Slot::Aim(None),
        (_, "action" | "number" | "year" | "date" | "file" | "name" | "token") => Slot::Free,
        // Evaluation (issue 14): the entry of a register is reached through B's officer (the
        // officer is judged first); periods and decisions name nothing an office owns.
        ("register" | "so-theo-doi", "entry") => Slot::Free,
        ("evaluations", "period") | ("cham-diem", "ky") | ("suggestions" | "goi-y", "decision") => {
            Slot::Free
        }
        // A discipline case is reached through B's officer (the officer is judged first).
        ("discipline" | "ky-luat", "case") => Slot::Free,
        // A figure of the dashboards (its drill-down list).
        ("chi-tiet" | "drill", "figure") => Slot::Free,
        // Procedure and conduct codes are the province's, the language code is the caller's.
        ("procedures" | "thu-tuc" | "conduct-codes" | "ngon-ngu", "code") => Slot::Free,
        _ => panic!("classify the path parameter {{{param}}} after /{prev}/ in scope.rs `slot`"),
    }
}

/// The value of a parameter that names nothing B owns, on a route the sweep calls.
fn free_value(path: &str, param: &str) -> &'static str {
    match (path, param) {
        ("/ho-so/{id}/{action}", "action") => "finish",
        ("/du-lieu-ca-nhan/su-co/{id}/{action}", "action") => "bao-co-quan",
        ("/ho-so/{id}/mau/{number}", "number") => "01",
        ("/quay/ve/{id}/{action}", "action") => "finish",
        ("/phan-anh/{id}/{action}" | "/api/v1/feedback/{id}/{action}", "action") => "accept",
        (
            "/bao-cao/{id}/chi-tiet/{figure}" | "/api/v1/offices/{id}/figures/drill/{figure}",
            "figure",
        ) => "returned-late",
        (
            "/api/v1/staff/{id}/register/{entry}/answer"
            | "/can-bo/{id}/danh-gia-cong-viec/so-theo-doi/{entry}/tra-loi",
            "entry",
        ) => "0190f0e0-0000-7000-8000-000000000001",
        (
            "/api/v1/staff/{id}/evaluations/{period}"
            | "/api/v1/staff/{id}/evaluations/{period}/{action}",
            "period",
        ) => "2026-11",
        ("/can-bo/{id}/cham-diem/{ky}" | "/can-bo/{id}/cham-diem/{ky}/{action}", "ky") => "2026-11",
        ("/api/v1/staff/{id}/evaluations/{period}/{action}", "action") => "approve",
        ("/can-bo/{id}/cham-diem/{ky}/{action}", "action") => "phe-duyet",
        ("/api/v1/staff/{id}/register/suggestions/{decision}", "decision") => "dismiss",
        (
            "/don-vi/{id}/xep-loai/{year}"
            | "/don-vi/{id}/xep-loai/{year}/quyet-dinh"
            | "/don-vi/{id}/xep-loai/{year}/cong-bo"
            | "/don-vi/{id}/xep-loai/{year}/khen-thuong"
            | "/api/v1/offices/{id}/rankings/{year}"
            | "/api/v1/offices/{id}/rankings/{year}/decide"
            | "/api/v1/offices/{id}/rankings/{year}/publish"
            | "/api/v1/offices/{id}/rankings/{year}/commendations",
            "year",
        ) => "2026",
        (
            "/can-bo/{id}/ky-luat/{case}"
            | "/can-bo/{id}/ky-luat/{case}/{action}"
            | "/api/v1/staff/{id}/discipline/{case}"
            | "/api/v1/staff/{id}/discipline/{case}/{action}",
            "case",
        ) => "0190f0e0-0000-7000-8000-000000000002",
        ("/can-bo/{id}/ky-luat/{case}/{action}", "action") => "gia-han",
        ("/api/v1/staff/{id}/discipline/{case}/{action}", "action") => "extend",
        ("/can-bo/{id}/danh-gia-cong-viec/goi-y/{decision}", "decision") => "bo-qua",
        _ => panic!("give {{{param}}} of {path} a value in scope.rs `free_value`"),
    }
}

/// One request of the sweep.
struct Aimed {
    api: bool,
    method: Method,
    template: &'static str,
    path: String,
}

/// Every route, taken from the OpenAPI document (the API) and the route table (the pages),
/// whose path names one of B's things, with B's ids filled in; minus [`EXCLUDED`].
fn aimed_routes(doc: &Value, t: &Target) -> (Vec<Aimed>, usize) {
    let mut routes: Vec<(bool, Method, &'static str)> = congbo_web::router::page_routes()
        .into_iter()
        .map(|(m, p)| (false, m, p))
        .collect();
    let api = congbo_web::router::api_routes();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for verb in ["get", "post", "put", "patch", "delete"] {
            if item.get(verb).is_some() {
                let method = Method::from_bytes(verb.to_uppercase().as_bytes()).unwrap();
                // The router's own &'static path (the census checks both lists agree).
                let (_, p) = api
                    .iter()
                    .find(|(m, p)| *m == method && p == path)
                    .unwrap_or_else(|| panic!("{method} {path} is documented but not routed"));
                routes.push((true, method, p));
            }
        }
    }
    let mut aimed = vec![];
    let mut excluded_seen = 0;
    for (is_api, method, template) in routes {
        let segments: Vec<&str> = template.split('/').collect();
        let mut path = vec![];
        let mut names_b = false;
        let mut complete = true;
        for (i, seg) in segments.iter().enumerate() {
            let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                path.push(seg.to_string());
                continue;
            };
            match slot(t, segments[i - 1], param) {
                Slot::Aim(v) => {
                    names_b = true;
                    complete &= v.is_some();
                    path.push(v.unwrap_or_default());
                }
                Slot::Free => path.push(String::new()),
            }
        }
        if !names_b {
            continue;
        }
        let excluded = EXCLUDED
            .iter()
            .any(|(m, p, _)| *m == method.as_str() && *p == template);
        if excluded {
            excluded_seen += 1;
            continue;
        }
        assert!(
            complete,
            "{method} {template} names B's data the target lacks: extend `target` or exclude it"
        );
        // Fill the free parameters now that the route is known to be swept.
        for (i, seg) in segments.iter().enumerate() {
            if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
                && path[i].is_empty()
            {
                path[i] = free_value(template, param).to_string();
            }
        }
        aimed.push(Aimed {
            api: is_api,
            method,
            template,
            path: path.join("/"),
        });
    }
    (aimed, excluded_seen)
}

/// Send one aimed request, with the body the specific lists above give that request, else an
/// empty one.
async fn send_aimed(c: &Client<'_>, t: &Target, r: &Aimed) -> congbo_testkit::TestResponse {
    if r.api {
        let body = api_attempts(t)
            .into_iter()
            .find(|(m, p, _)| *m == r.method && *p == r.path)
            .and_then(|(_, _, b)| b)
            .or_else(|| (r.method != Method::GET && r.method != Method::DELETE).then(|| json!({})));
        match body {
            Some(b) => {
                c.send(
                    r.method.clone(),
                    &r.path,
                    Some("application/json"),
                    b.to_string().into_bytes(),
                )
                .await
            }
            None => c.send(r.method.clone(), &r.path, None, vec![]).await,
        }
    } else if r.method == Method::GET {
        c.get(&r.path).await
    } else {
        let form = page_attempts(t)
            .into_iter()
            .find(|(m, p, _)| *m == r.method && *p == r.path)
            .map(|(_, _, f)| f)
            .unwrap_or_default();
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_form(&r.path, &fields).await
    }
}

/// The refusal's message, from a JSON error or an error page.
fn first_error(res: &congbo_testkit::TestResponse) -> String {
    if let Some(m) = serde_json::from_slice::<Value>(&res.body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
    {
        return m;
    }
    res.text()
        .split("class=\"error-msg\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or("")
        .to_string()
}

app_test!(
    every_routed_endpoint_aimed_at_another_office_answers_not_found,
    |app| {
        let t = target(&app).await;
        let doc = app.anon().get("/api/v1/openapi.json").await.json();
        let (aimed, excluded_seen) = aimed_routes(&doc, &t);
        // Exclusions cannot rot: each still names a route that aims at B's data.
        assert_eq!(
            excluded_seen,
            EXCLUDED.len(),
            "an excluded route no longer exists or no longer names B's data"
        );
        // The floor, counted from the route table alone: every route with an id in its path is
        // swept unless excluded.
        let ids = [
            "{id}",
            "{counter}",
            "{device}",
            "{assignment}",
            "{assignment_id}",
        ];
        let with_id = |p: &str| ids.iter().any(|i| p.contains(i));
        let table = congbo_web::router::page_routes()
            .into_iter()
            .chain(congbo_web::router::api_routes())
            .filter(|(_, p)| with_id(p))
            .count();
        let excluded = EXCLUDED.iter().filter(|(_, p, _)| with_id(p)).count();
        assert!(
            aimed.len() >= table - excluded && aimed.len() >= 70,
            "the sweep aimed at {} routes; the table has {table} with an id, {excluded} excluded",
            aimed.len()
        );

        // An administrator of commune A (all permissions there) aims at each of them.
        let province = app.login("quantri").await;
        let a = app.office_id("DB-TL").await;
        let res = province
        .post_json(
            "/api/v1/staff",
            &json!({"username": "tl.quantri", "full_name": "Quản trị Thanh Luông", "home_office_id": a,
                    "password": "Quan-tri-xa-2026", "roles": [{"role": "admin", "office_id": a}]}),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let c = app.login_with("tl.quantri", "Quan-tri-xa-2026").await;
        let before = snapshot(&app, &t).await;
        let mut exercised = 0;
        let mut leaks = vec![];
        for r in &aimed {
            let res = send_aimed(&c, &t, r).await;
            let not_found = res.status == StatusCode::NOT_FOUND
                && (!r.api
                    || res.json()["error"]["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("Không tìm thấy")));
            if !not_found {
                leaks.push(format!(
                    "{} {} → {} {}",
                    r.method,
                    r.template,
                    res.status,
                    first_error(&res)
                ));
            }
            exercised += 1;
        }
        assert!(leaks.is_empty(), "not 404 for A:\n{}", leaks.join("\n"));
        assert_eq!(exercised, aimed.len());
        assert_eq!(snapshot(&app, &t).await, before, "A changed B's data");

        // The control: the province's administrator, who may see B, is never told these
        // requests name nothing — so the 404s above come from the office scope, not from a
        // wrong id, path or body. Reads first, removals last, so earlier requests do not remove
        // what later ones name.
        let mut control: Vec<&Aimed> = aimed.iter().collect();
        let rank = |m: &Method| match *m {
            Method::GET => 0,
            Method::DELETE => 2,
            _ => 1,
        };
        control.sort_by_key(|r| rank(&r.method));
        // B's head first (B's dossiers, queue and feedback); what the head may not see at all,
        // the province's administrator (offices, staff).
        let b_head = app.login("mn.truong").await;
        let mut misses = vec![];
        for r in control {
            let mut res = send_aimed(&b_head, &t, r).await;
            if res.status == StatusCode::NOT_FOUND {
                res = send_aimed(&province, &t, r).await;
            }
            if res.status == StatusCode::NOT_FOUND {
                misses.push(format!(
                    "{} {} → {}",
                    r.method,
                    r.template,
                    first_error(&res)
                ));
            }
        }
        assert!(
            misses.is_empty(),
            "the province's administrator was told these name nothing:\n{}",
            misses.join("\n")
        );
    }
);
