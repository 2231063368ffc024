//! A WHERE clause built from optional filters, with `$n` placeholders numbered for both
//! databases and every value bound (never spliced into the SQL).

use sqlx::{
    Any, AnyConnection, Row,
    any::{AnyArguments, AnyRow},
    query::Query,
};

pub enum Value {
    Text(String),
    Int(i64),
}

#[derive(Default)]
pub struct Filter {
    conditions: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    /// Adds `condition`, in which `{}` stands for the next placeholder.
    pub fn push(&mut self, condition: &str, value: Value) {
        self.values.push(value);
        let placeholder = format!("${}", self.values.len());
        self.conditions.push(condition.replace("{}", &placeholder));
    }

    /// A case-insensitive substring match on `column` (LIKE wildcards in `needle` are literal).
    pub fn contains(&mut self, column: &str, needle: &str) {
        let escaped =
            needle.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        self.push(
            &format!("lower({column}) LIKE {{}} ESCAPE '\\'"),
            Value::Text(format!("%{escaped}%")),
        );
    }

    pub fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// The placeholder number the next bound value will get.
    pub fn next_placeholder(&self) -> usize {
        self.values.len() + 1
    }

    pub fn bind<'q>(
        &self,
        mut query: Query<'q, Any, AnyArguments>,
    ) -> Query<'q, Any, AnyArguments> {
        for value in &self.values {
            query = match value {
                Value::Text(text) => query.bind(text.clone()),
                Value::Int(n) => query.bind(*n),
            };
        }
        query
    }

    /// One page of `table`'s matching rows, ordered by `order_by` then id (so pages never
    /// overlap). `table`, `columns` and `order_by` are fixed strings from the caller, never
    /// request input; every value is bound.
    #[allow(clippy::too_many_arguments)]
    pub async fn fetch_page(
        &self,
        conn: &mut AnyConnection,
        table: &'static str,
        columns: &'static str,
        order_by: &'static str,
        descending: bool,
        limit: i64,
        offset: i64,
    ) -> sqlx::Result<Vec<AnyRow>> {
        let direction = if descending { "DESC" } else { "ASC" };
        let n = self.next_placeholder();
        let sql = format!(
            "SELECT {columns} FROM {table}{} ORDER BY {order_by} {direction}, id {direction} \
             LIMIT ${n} OFFSET ${}",
            self.sql(),
            n + 1
        );
        self.bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .bind(limit)
            .bind(offset)
            .fetch_all(conn)
            .await
    }

    /// How many of `table`'s rows match.
    pub async fn count(&self, conn: &mut AnyConnection, table: &'static str) -> sqlx::Result<i64> {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}{}", self.sql());
        self.bind(sqlx::query(sqlx::AssertSqlSafe(sql))).fetch_one(conn).await?.try_get("n")
    }
}
