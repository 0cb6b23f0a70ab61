//! One PostgreSQL database per test. A template database is migrated once per migration set
//! (under an advisory lock, since nextest runs tests as parallel processes), and each test gets a
//! `CREATE DATABASE … TEMPLATE` copy that is dropped when the test ends.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use samhandling_persistence::migrations;
use sha2::{Digest, Sha256};
use std::path::Path;
use uuid::Uuid;

/// The server's maintenance database, from `TEST_DATABASE_URL`.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `admin_url` with another database name.
pub fn url_for(database: &str) -> String {
    let admin = admin_url();
    let (base, _) = admin
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL names a database");
    format!("{base}/{database}")
}

fn migrations_fingerprint() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("migrations directory")
        .flatten()
        .flat_map(|dir| {
            std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|file| file.path())
        .collect();
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).expect("readable migration"));
    }
    let digest = hasher.finalize();
    digest.iter().take(6).fold(String::new(), |mut hex, byte| {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

fn template_name() -> String {
    format!("samhandling_template_{}", migrations_fingerprint())
}

/// Key of the advisory lock that serialises template creation across test processes.
const TEMPLATE_LOCK: i64 = 0x5a4d_4841_4e44;

#[derive(diesel::QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

fn ensure_template(admin: &mut PgConnection) -> String {
    let name = template_name();
    admin
        .batch_execute(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"))
        .expect("takes the template lock");
    let found: Exists = diesel::sql_query(format!(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}') AS exists"
    ))
    .get_result(admin)
    .expect("queries pg_database");
    if !found.exists {
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("creates the template");
        let mut template =
            PgConnection::establish(&url_for(&name)).expect("connects to the template");
        migrations::run_pending(&mut template).expect("migrates the template");
        drop(template);
    }
    admin
        .batch_execute(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"))
        .expect("releases the template lock");
    name
}

/// A database for one test; dropped with it.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its name.
    pub name: String,
    /// Its URL.
    pub url: String,
}

impl TestDatabase {
    /// A migrated database of its own.
    pub fn create() -> TestDatabase {
        let mut admin = PgConnection::establish(&admin_url()).expect(
            "PostgreSQL answers at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); `make test` starts one",
        );
        let template = ensure_template(&mut admin);
        let name = format!("samhandling_test_{}", Uuid::now_v7().simple());
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .expect("clones the template");
        TestDatabase {
            url: url_for(&name),
            name,
        }
    }

    /// A direct connection, for asserting what is stored.
    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connects to the test database")
    }

    /// The number `sql` (a `SELECT count(*) AS count …`) returns: how tests assert what is stored
    /// without a model of each table.
    pub fn count(&self, sql: &str) -> i64 {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut self.connect())
            .expect("counts")
            .count
    }

    /// As [`TestDatabase::count`], with `$1` bound to `text`.
    pub fn count_with(&self, text: &str, sql: &str) -> i64 {
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Text, _>(text)
            .get_result::<Count>(&mut self.connect())
            .expect("counts")
            .count
    }

    /// How many audit events of `action` there are on the record `resource_id`.
    pub fn events(&self, action: &str, resource_id: &str) -> i64 {
        diesel::sql_query(
            "SELECT count(*) AS count FROM audit_events WHERE action = $1 AND resource_id = $2::uuid",
        )
        .bind::<diesel::sql_types::Text, _>(action)
        .bind::<diesel::sql_types::Text, _>(resource_id)
        .get_result::<Count>(&mut self.connect())
        .expect("counts audit events")
        .count
    }
}

/// The row of a `SELECT count(*) AS count` query.
#[derive(diesel::QueryableByName)]
pub struct Count {
    /// The count.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub count: i64,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&admin_url()) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
