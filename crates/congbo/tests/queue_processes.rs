//! Two `congbo serve` processes on one PostgreSQL database: a call made through one process
//! reaches a lobby display connected to the other (LISTEN/NOTIFY), without reloading; a
//! calendar or catalogue edit made through one is used by the other's next intake.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use congbo_store::Backend;
use congbo_testkit::TestDb;

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(url: &str, dir: &std::path::Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_congbo"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", url)
        .env("CONGBO_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start congbo serve");
    let server = Server(child, port);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok((200, _)) = request(port, "GET", "/healthz", None, None) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("congbo serve on {port} did not come up");
}

/// One HTTP/1.1 request (Connection: close); (status, body).
fn request(
    port: u16,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    json: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = json.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    if json.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    if let Some(t) = bearer {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    s.write_all(format!("{head}\r\n{body}").as_bytes())?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    Ok((status, body.to_string()))
}

fn json(s: &str) -> serde_json::Value {
    // Chunked bodies carry size lines around the JSON; take the outermost object.
    let start = s.find('{').unwrap_or(0);
    let end = s.rfind('}').map_or(s.len(), |e| e + 1);
    serde_json::from_str(&s[start..end]).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_on_one_process_reaches_a_display_on_another() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let app = congbo_app::App::new(t.db.clone());
    congbo_app::demo::fill(&app).await.unwrap();
    // The reception officer of DB-TL: an API token, signed in at counter 1 (service A).
    let mut tx = t.db.read().await.unwrap();
    let user = congbo_store::repo::staff::get_by_username(&mut tx, "tl.motcua1")
        .await
        .unwrap()
        .unwrap();
    let principal = congbo_app::auth::load_principal(&mut tx, user.id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let actor = congbo_app::Actor {
        principal,
        request_id: None,
        session_hash: None,
    };
    let token = congbo_app::token::create(&app, &actor, "two-processes")
        .await
        .unwrap()
        .secret;
    let dir = tempfile::tempdir().unwrap();
    let a = serve(&t.url, dir.path());
    let b = serve(&t.url, dir.path());

    let (status, body) =
        request(a.1, "GET", "/api/v1/public/offices/DB-TL/queue", None, None).unwrap();
    assert_eq!(status, 200, "{body}");
    let layout = json(&body);
    let group = layout["groups"][0]["id"].as_str().unwrap().to_string();
    let counter = layout["counters"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = request(
        a.1,
        "POST",
        &format!("/api/v1/counters/{counter}/sign-in"),
        Some(&token),
        Some("{}"),
    )
    .unwrap();
    assert_eq!(status, 204, "{body}");
    let (status, body) = request(
        a.1,
        "POST",
        "/api/v1/public/offices/DB-TL/tickets?channel=kiosk",
        None,
        Some(&format!("{{\"group_id\":\"{group}\"}}")),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");

    // The display connects to process B and receives the board at once.
    let mut sse = TcpStream::connect(("127.0.0.1", b.1)).unwrap();
    sse.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(
        sse,
        "GET /api/v1/public/offices/DB-TL/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
        b.1
    )
    .unwrap();
    let mut lines = BufReader::new(sse.try_clone().unwrap()).lines();
    let mut next_event = move || -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        for line in lines.by_ref() {
            let line = line.expect("the stream stays open");
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data = v.trim().to_string();
            } else if line.trim().is_empty() && !data.is_empty() {
                return (name, data);
            }
        }
        panic!("stream ended");
    };
    let (name, data) = next_event();
    assert_eq!(name, "board");
    assert!(data.contains("\"next\":[\"A001\"]"), "{data}");

    // The call goes through process A.
    let (status, body) = request(
        a.1,
        "POST",
        &format!("/api/v1/counters/{counter}/call-next"),
        Some(&token),
        Some("{}"),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["number"], "A001");
    for _ in 0..10 {
        let (name, data) = next_event();
        if name == "call" {
            assert!(data.contains("Mời số A001 đến quầy số 1"), "{data}");
            return;
        }
    }
    panic!("process B's display never heard the call");
}

/// A token of `username` (made in-process: the servers share the database).
async fn token_of(app: &congbo_app::App, username: &str) -> String {
    let mut tx = app.db.read().await.unwrap();
    let user = congbo_store::repo::staff::get_by_username(&mut tx, username)
        .await
        .unwrap()
        .unwrap();
    let principal = congbo_app::auth::load_principal(&mut tx, user.id)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let actor = congbo_app::Actor {
        principal,
        request_id: None,
        session_hash: None,
    };
    congbo_app::token::create(app, &actor, "two-processes")
        .await
        .unwrap()
        .secret
}

/// Issue 15 item 13: the working calendar and the parsed procedures are cached per process;
/// an edit through process A is seen by process B's next due date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_and_catalogue_edits_reach_every_process() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let app = congbo_app::App::new(t.db.clone());
    congbo_app::demo::fill(&app).await.unwrap();
    let desk = token_of(&app, "tl.motcua1").await;
    let admin = token_of(&app, "quantri").await;
    let dir = tempfile::tempdir().unwrap();
    let a = serve(&t.url, dir.path());
    let b = serve(&t.url, dir.path());
    let intake = |port: u16| -> String {
        let (status, body) = request(
            port,
            "POST",
            "/api/v1/dossiers",
            Some(&desk),
            Some(r#"{"procedure_code": "1.004884", "applicant": {"name": "Giàng A Chu", "phone": "0911111111"}}"#),
        )
        .unwrap();
        assert_eq!(status, 201, "{body}");
        json(&body)["due_date"].as_str().unwrap().to_string()
    };
    // B computes a due date (and caches the calendar and the procedure).
    let first = intake(b.1);
    // Through A, the due day becomes a holiday: B's next due date moves past it.
    let (status, body) = request(
        a.1,
        "PUT",
        &format!("/api/v1/calendar/days/{first}"),
        Some(&admin),
        Some(r#"{"kind": "holiday", "name_vi": "Nghỉ bù", "notice": "Thông báo thử"}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let second = intake(b.1);
    assert!(
        second > first,
        "B still used the old calendar: {first} then {second}"
    );
    // Through A, the procedure's limit goes from 5 to 10 working days: B follows.
    let export = congbo_app::catalog::export(&t.db, congbo_app::catalog::Format::Json)
        .await
        .unwrap();
    let mut versions: Vec<serde_json::Value> = serde_json::from_str(&export).unwrap();
    versions.retain(|v| v["procedure"]["code"] == "1.004884");
    for v in &mut versions {
        v["procedure"]["limit"]["amount"] = 10.into();
    }
    let (status, body) = request(
        a.1,
        "POST",
        "/api/v1/procedures/import?format=json",
        Some(&admin),
        Some(&serde_json::Value::from(versions).to_string()),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let third = intake(b.1);
    let (day, later) = (
        second.parse::<jiff::civil::Date>().unwrap(),
        third.parse::<jiff::civil::Date>().unwrap(),
    );
    assert!(
        (later - day).get_days() >= 5,
        "B still used the old limit: {second} then {third}"
    );
}
