//! A WHERE clause built from optional filters, with `$n` placeholders numbered for both
//! databases and every value bound (never spliced into the SQL).

use sqlx::{Any, AnyConnection, Row, any::AnyArguments, query::Query};

use super::Backend;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
}

/// How far a read in `ORDER BY key, id` (nulls last) has got: past this row. Lets an export
/// walk a whole table in batches, each a short statement, without OFFSET's rescans and
/// without holding a connection between batches.
#[derive(Clone, Debug, PartialEq)]
pub enum Cursor {
    Start,
    /// Past the row with this sort key (`None`: a row whose key is NULL) and id.
    After {
        key: Option<Value>,
        id: i64,
    },
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

    /// A case-insensitive substring match on `column` of `table`, folding case by Unicode's
    /// rules on both databases (`émile` finds `Émile` and `ÉMILE`). Wildcards in `needle` are
    /// literal.
    ///
    /// PostgreSQL: `lower(column) LIKE`, served by the trigram GIN index for three characters
    /// or more. SQLite: its `lower()` and `LIKE` fold ASCII only, so three characters or more go
    /// to the FTS5 trigram index (`{table}_search`, whose tokenizer folds Unicode case) as a
    /// phrase, which is a substring match; shorter needles, which no trigram can serve, scan
    /// with a GLOB whose character classes spell out both cases of each character.
    /// A condition with no value of its own (made of fixed strings, never request input).
    pub fn push_fixed(&mut self, condition: &str) {
        self.conditions.push(condition.to_owned());
    }

    pub fn contains(&mut self, backend: Backend, table: &str, column: &str, needle: &str) {
        match backend {
            Backend::Postgres => {
                let escaped = needle
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                self.push(
                    &format!("lower({column}) LIKE {{}} ESCAPE '\\'"),
                    Value::Text(format!("%{escaped}%")),
                );
            }
            Backend::Sqlite if needle.chars().count() >= 3 => {
                // An FTS5 string: double quotes doubled inside make it one phrase, with no
                // query syntax left in it.
                let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
                self.push(
                    &format!(
                        "id IN (SELECT rowid FROM {table}_search WHERE {table}_search MATCH {{}})"
                    ),
                    Value::Text(phrase),
                );
            }
            Backend::Sqlite => {
                self.push(&format!("{column} GLOB {{}}"), Value::Text(glob_any_case(needle)));
            }
        }
    }

    /// Adds `condition`, in which each `{}` stands for the next placeholder, bound in turn to
    /// `values`.
    pub fn push_all(&mut self, condition: &str, values: Vec<Value>) {
        let mut sql = String::new();
        let mut parts = condition.split("{}");
        sql.push_str(parts.next().unwrap_or_default());
        for (part, value) in parts.zip(values) {
            self.values.push(value);
            sql.push_str(&format!("${}", self.values.len()));
            sql.push_str(part);
        }
        self.conditions.push(sql);
    }

    /// Keeps the rows after `cursor` in `ORDER BY key {dir} NULLS LAST, id {dir}`. `key` is a
    /// fixed column name, never request input.
    pub fn after(&mut self, key: &str, descending: bool, cursor: &Cursor) {
        let beyond = if descending { "<" } else { ">" };
        match cursor {
            Cursor::Start => {}
            Cursor::After { key: Some(value), id } => self.push_all(
                &format!(
                    "({key} {beyond} {{}} OR ({key} = {{}} AND id {beyond} {{}}) OR {key} IS NULL)"
                ),
                vec![value.clone(), value.clone(), Value::Int(*id)],
            ),
            Cursor::After { key: None, id } => self
                .push_all(&format!("({key} IS NULL AND id {beyond} {{}})"), vec![Value::Int(*id)]),
        }
    }

    /// Up to `limit` rows of `table` in `ORDER BY key {dir} NULLS LAST, id {dir}`, as a JSON
    /// array of objects built from `fields` (see [`Filter::fetch_page_json`] for why JSON).
    /// Meant to follow [`Filter::after`].
    #[allow(clippy::too_many_arguments)]
    pub async fn fetch_batch_json(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
        table: &'static str,
        fields: &'static str,
        key: &'static str,
        descending: bool,
        limit: i64,
    ) -> sqlx::Result<String> {
        let direction = if descending { "DESC" } else { "ASC" };
        let order = format!("{key} {direction} NULLS LAST, id {direction}");
        let (array, object) = match backend {
            Backend::Sqlite => ("json_group_array", "json_object"),
            Backend::Postgres => ("json_agg", "json_build_object"),
        };
        let (filter, n) = (self.sql(), self.next_placeholder());
        let sql = format!(
            "SELECT CAST(COALESCE({array}({object}({fields}) ORDER BY {order}), '[]') AS TEXT) \
             AS items FROM (SELECT * FROM {table}{filter} ORDER BY {order} LIMIT ${n}) AS batch"
        );
        let row =
            self.bind(sqlx::query(sqlx::AssertSqlSafe(sql))).bind(limit).fetch_one(conn).await?;
        row.try_get("items")
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

    /// One page of `table`'s matching rows, as a JSON array of objects built from `fields`
    /// (`'id', id, 'name', name, ...`) and ordered by `order_by` (a column, or an ordering
    /// term with `{}` where the direction goes) then id (so pages never
    /// overlap), with the number of all matching rows. One statement: one snapshot and one
    /// round trip, on both databases.
    ///
    /// Why JSON: sqlx's SQLite driver hands each row from its worker thread to the async task
    /// through a channel, and for a 100-row list those hand-offs (futex waits and thread
    /// switches: 55% of the server's CPU under load, measured with `perf`) cost more than the
    /// query. One JSON value is one hand-off. PostgreSQL gets the same statement, which saves
    /// the BEGIN and COMMIT round trips that two statements in one snapshot would need.
    ///
    /// `table`, `fields` and `order_by` are fixed strings from the caller, never request
    /// input; every value is bound (the WHERE clause's placeholders appear twice, bound once).
    #[allow(clippy::too_many_arguments)]
    pub async fn fetch_page_json(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
        table: &'static str,
        fields: &'static str,
        order_by: &'static str,
        descending: bool,
        limit: i64,
        offset: i64,
    ) -> sqlx::Result<(String, i64)> {
        let direction = if descending { "DESC" } else { "ASC" };
        // `order_by` may place the direction itself (`release_date {} NULLS LAST`).
        let column = match order_by.contains("{}") {
            true => order_by.replace("{}", direction),
            false => format!("{order_by} {direction}"),
        };
        let order = format!("{column}, id {direction}");
        let (array, object) = match backend {
            Backend::Sqlite => ("json_group_array", "json_object"),
            Backend::Postgres => ("json_agg", "json_build_object"),
        };
        let (filter, n) = (self.sql(), self.next_placeholder());
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM {table}{filter}) AS total, \
             (SELECT CAST(COALESCE({array}({object}({fields}) ORDER BY {order}), '[]') AS TEXT) \
              FROM (SELECT * FROM {table}{filter} ORDER BY {order} LIMIT ${n} OFFSET ${}) AS page) \
             AS items",
            n + 1
        );
        let row = self
            .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .bind(limit)
            .bind(offset)
            .fetch_one(conn)
            .await?;
        Ok((row.try_get("items")?, row.try_get("total")?))
    }
}

/// A GLOB pattern matching `needle` anywhere, in any case: `é1` → `*[éÉ]1*`. GLOB's own
/// special characters are matched literally (each in a class of its own).
fn glob_any_case(needle: &str) -> String {
    let mut pattern = String::from("*");
    for c in needle.chars() {
        let mut forms: Vec<char> = vec![c];
        for other in c.to_lowercase().chain(c.to_uppercase()) {
            if !forms.contains(&other) {
                forms.push(other);
            }
        }
        // Case mappings of more than one character (`ß` → `SS`) cannot sit in a class.
        let single = |s: &mut dyn Iterator<Item = char>| s.count() == 1;
        if !single(&mut c.to_lowercase()) || !single(&mut c.to_uppercase()) {
            forms.truncate(1);
        }
        match (forms.as_slice(), c) {
            ([_], '*' | '?' | '[') => pattern.extend(['[', c, ']']),
            ([only], _) => pattern.push(*only),
            (many, _) => {
                pattern.push('[');
                pattern.extend(many.iter().filter(|f| **f != ']'));
                pattern.push(']');
            }
        }
    }
    pattern.push('*');
    pattern
}

#[cfg(test)]
mod tests {
    use super::glob_any_case;

    #[test]
    fn glob_patterns_spell_out_both_cases() {
        assert_eq!(glob_any_case("é1"), "*[éÉ]1*");
        assert_eq!(glob_any_case("a*"), "*[aA][*]*");
        assert_eq!(glob_any_case("?["), "*[?][[]*");
        assert_eq!(glob_any_case("ß"), "*ß*");
    }
}
