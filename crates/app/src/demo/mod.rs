//! `congbo demo`: a realistic province with communes and wards, counters, and staff in every
//! role, so a new installation can be tried at once. Names follow the seed articles
//! (Điện Biên: xã Thanh Luông, xã Mường Nhé).

use congbo_domain::identity::{Role, Username};
use congbo_domain::office::{OfficeCode, OfficeKind};
use congbo_store::repo::office as office_repo;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::office::{insert_counter, insert_office};
use crate::password;
use crate::staff::{NewUser, insert_user};
use crate::{App, AppError, Result, random_token};

pub mod history;

pub const PROVINCE_CODE: &str = "DB";

/// What the demo made, for the command to print.
pub struct DemoReport {
    pub offices: usize,
    pub counters: usize,
    pub staff: Vec<(String, String, &'static str, String)>,
    pub procedures: usize,
    pub password: String,
}

type Unit = (&'static str, &'static str, OfficeKind, &'static str);

const UNITS: [Unit; 4] = [
    ("DB-TL", "Xã Thanh Luông", OfficeKind::Commune, "tl"),
    ("DB-MN", "Xã Mường Nhé", OfficeKind::Commune, "mn"),
    ("DB-TP", "Xã Tả Phìn", OfficeKind::Commune, "tp"),
    ("DB-DBP", "Phường Điện Biên Phủ", OfficeKind::Ward, "dbp"),
];

/// The further communes and wards of the province that `congbo demo --history` adds, so the
/// dashboards compare about twenty units (the plain demo keeps its four: scripts rely on its
/// counts).
pub(crate) const HISTORY_UNITS: [Unit; 16] = [
    ("DB-MT", "Phường Mường Thanh", OfficeKind::Ward, "mt"),
    ("DB-ML", "Phường Mường Lay", OfficeKind::Ward, "ml"),
    ("DB-MP", "Xã Mường Phăng", OfficeKind::Commune, "mp"),
    ("DB-NT", "Xã Nà Tấu", OfficeKind::Commune, "nt"),
    ("DB-MA", "Xã Mường Ảng", OfficeKind::Commune, "ma"),
    ("DB-BL", "Xã Búng Lao", OfficeKind::Commune, "bl"),
    ("DB-TG", "Xã Tuần Giáo", OfficeKind::Commune, "tg"),
    ("DB-QT", "Xã Quài Tở", OfficeKind::Commune, "qt"),
    ("DB-MC", "Xã Mường Chà", OfficeKind::Commune, "mc"),
    ("DB-NS", "Xã Na Sang", OfficeKind::Commune, "ns"),
    ("DB-NP", "Xã Nậm Pồ", OfficeKind::Commune, "np"),
    ("DB-TC", "Xã Tủa Chùa", OfficeKind::Commune, "tc"),
    ("DB-SC", "Xã Sín Chải", OfficeKind::Commune, "sc"),
    ("DB-DBD", "Xã Điện Biên Đông", OfficeKind::Commune, "dbd"),
    ("DB-PN", "Xã Pu Nhi", OfficeKind::Commune, "pn"),
    ("DB-TN", "Xã Thanh Nưa", OfficeKind::Commune, "tn"),
];

/// Every unit of the demo: the four, and with `history` the sixteen more.
pub(crate) fn units(history: bool) -> Vec<Unit> {
    let mut u = UNITS.to_vec();
    if history {
        u.extend(HISTORY_UNITS);
    }
    u
}

/// Each counter's name and the catalogue fields (lĩnh vực) its queue service serves, `;`
/// between fields: the intake from a ticket offers those procedures first.
const COUNTERS: [(&str, &str); 3] = [
    (
        "Hộ tịch, chứng thực",
        "Hộ tịch; Chứng thực; Đăng ký, quản lý cư trú",
    ),
    ("Đất đai, xây dựng", "Đất đai; Xây dựng"),
    (
        "Lao động, thương binh và xã hội",
        "Bảo trợ xã hội; Người có công; Lao động, tiền lương",
    ),
];

const PEOPLE: [(&str, Role, &str); 5] = [
    ("truong", Role::Head, "Lò Văn Thắng"),
    ("pho", Role::Deputy, "Quàng Thị Mai"),
    ("motcua1", Role::Reception, "Nguyễn Thị Lan"),
    ("motcua2", Role::Reception, "Lường Văn Dũng"),
    ("chuyenvien", Role::Specialist, "Trần Minh Đức"),
];

pub async fn fill(app: &App) -> Result<DemoReport> {
    fill_units(app, &units(false)).await
}

/// The demo with the sixteen further units of [`HISTORY_UNITS`] (for `--history`).
pub async fn fill_for_history(app: &App) -> Result<DemoReport> {
    fill_units(app, &units(true)).await
}

async fn fill_units(app: &App, units: &[Unit]) -> Result<DemoReport> {
    let password = format!("Demo-{}", &random_token()[..10]);
    let now = app.now();
    crate::calendar::seed_if_empty(&app.db, now).await?;
    let procedures = congbo_domain::catalog::demo_procedures();
    let mut tx = app.db.begin().await?;
    if office_repo::get_by_code(&mut tx, PROVINCE_CODE)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict("demo-already-present"));
    }
    let code = |c: &str| OfficeCode::parse(c).map_err(AppError::from);
    let province_id = insert_office(
        &mut tx,
        now,
        None,
        &code(PROVINCE_CODE)?,
        "Tỉnh Điện Biên",
        OfficeKind::Province,
        None,
    )
    .await?;
    let province = office_repo::get(&mut tx, province_id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let mut staff = Vec::new();
    let mut counters = 0;
    let mut add = |username: String, full_name: &str, role: Role, office: String| {
        staff.push((username, full_name.to_string(), role.as_str(), office));
    };
    for (u, role, name) in [
        ("quantri", Role::Admin, "Phạm Quốc Huy"),
        ("thanhtra", Role::Supervisor, "Vũ Thị Hằng"),
        ("kiemtoan", Role::Auditor, "Đỗ Văn Kiên"),
    ] {
        add(u.to_string(), name, role, PROVINCE_CODE.to_string());
    }
    for &(c, name, kind, short) in units {
        let id = insert_office(&mut tx, now, None, &code(c)?, name, kind, Some(&province)).await?;
        // One queue service per counter, lettered A, B, C (each counter serves its own).
        for (i, (counter, fields)) in COUNTERS.iter().enumerate() {
            let counter_id = insert_counter(&mut tx, now, id, i as i32 + 1, counter).await?;
            counters += 1;
            let group = congbo_store::repo::queue::GroupRow {
                id: crate::new_id(),
                office_id: id,
                letter: ((b'A' + i as u8) as char).to_string(),
                name: counter.to_string(),
                field: Some(fields.to_string()),
                active: true,
                created_at: now,
            };
            congbo_store::repo::queue::insert_group(&mut tx, &group).await?;
            congbo_store::repo::queue::set_counter_services(&mut tx, counter_id, &[group.id])
                .await?;
        }
        for (suffix, role, person) in PEOPLE {
            add(format!("{short}.{suffix}"), person, role, c.to_string());
        }
    }
    for (username, full_name, role, office_code) in &staff {
        let office = office_repo::get_by_code(&mut tx, office_code)
            .await?
            .ok_or(AppError::NotFound("office-not-found"))?;
        let hash = password::hash(password.clone()).await?;
        let role = Role::parse(role)?;
        let username = Username::parse(username)?;
        let user = NewUser {
            username: &username,
            full_name,
            email: None,
            home_office_id: office.id,
            password_hash: &hash,
            roles: &[(role, office.id)],
        };
        insert_user(&mut tx, now, user).await?;
    }
    crate::catalog::store(&mut tx, &procedures, now).await?;
    audit::record_as(&mut tx, now, None, "system", None, Entry {
        action: "demo.fill",
        role: None,
        office_id: Some(province_id),
        target_type: "office",
        target_id: Some(province_id.to_string()),
        summary: json!({"offices": units.len() + 1, "counters": counters, "staff": staff.len(), "procedure_versions": procedures.len()}),
    })
    .await?;
    tx.commit().await?;
    app.procedures.forget().await;
    Ok(DemoReport {
        offices: units.len() + 1,
        counters,
        staff,
        procedures: procedures.len(),
        password,
    })
}
