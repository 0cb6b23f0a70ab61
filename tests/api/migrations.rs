//! Every migration runs down and up again cleanly.

use diesel::RunQueryDsl;
use samhandling_persistence::migrations::{revert_all, run_pending};
use samhandling_tests::TestDatabase;

#[derive(diesel::QueryableByName)]
struct TableCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    tables: i64,
}

fn tables(conn: &mut diesel::PgConnection) -> i64 {
    diesel::sql_query(
        "SELECT count(*) AS tables FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .get_result::<TableCount>(conn)
    .unwrap()
    .tables
}

#[test]
fn every_migration_reverts_and_reapplies() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let before = tables(&mut conn);
    assert!(before >= 4);
    let reverted = revert_all(&mut conn).unwrap();
    assert!(!reverted.is_empty());
    assert_eq!(tables(&mut conn), 0, "down scripts leave no table behind");
    let applied = run_pending(&mut conn).unwrap();
    assert_eq!(applied.len(), reverted.len());
    assert_eq!(tables(&mut conn), before);
}
