//! A WHERE clause built from optional filters, with `$n` placeholders numbered for both
//! databases and every value bound (never spliced into the SQL).

use sqlx::{Any, any::AnyArguments, query::Query};

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
}
