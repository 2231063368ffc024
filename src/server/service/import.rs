//! Spreadsheets in: `POST /actors/import` and `/movies/import`. Every row goes through the
//! same rules as a single create; all rows are written in one transaction, each with its own
//! journal entry, or none is (any problem, or a dry run).

use super::{
    Input, Service,
    journal::{self, Change},
    kinds::Kind,
    validate,
};
use crate::{
    model::{
        Actor, Movie, NewActor, NewMovie, Permission, dates,
        spreadsheet::{ImportReport, PREVIEW_ROWS, RowProblem, date_cell, from_cell},
    },
    server::{
        ApiError,
        auth::Writer,
        db::journal::Action,
        spreadsheet::{Sheet, SheetError},
    },
};

/// The columns an import reads, and whether each must be present.
struct Column {
    name: &'static str,
    required: bool,
}

const ACTOR_COLUMNS: &[Column] = &[
    Column { name: "name", required: true },
    Column { name: "age", required: true },
    Column { name: "gender", required: true },
];
const MOVIE_COLUMNS: &[Column] =
    &[Column { name: "title", required: true }, Column { name: "release_date", required: false }];

/// An unreadable file: 422 naming it, before any row is checked.
impl From<SheetError> for ApiError {
    fn from(err: SheetError) -> ApiError {
        let code = match err {
            SheetError::Empty => "empty_file",
            SheetError::NotUtf8 { .. } => "not_utf8",
            SheetError::Malformed { .. } => "malformed_csv",
            SheetError::TooManyRows { .. } => "too_many_rows",
        };
        ApiError::validation("file", code, err.to_string())
    }
}

/// The rows of a sheet turned into records, or the problems that stop it.
struct Plan<T> {
    records: Vec<T>,
    report: ImportReport,
}

/// One row's cells by column name.
struct Cells<'a> {
    at: &'a [Option<usize>],
    row: &'a [String],
}

impl Cells<'_> {
    /// The cell of the `i`th import column, as typed (a neutralised formula given back).
    fn get(&self, i: usize) -> &str {
        self.at[i].and_then(|at| self.row.get(at)).map_or("", |cell| from_cell(cell))
    }
}

/// Reads the header, then every row with `parse`, collecting every problem.
fn plan<T>(
    sheet: &Sheet,
    columns: &[Column],
    dry_run: bool,
    parse: impl Fn(&Cells) -> Result<T, Vec<ApiError>>,
    preview: impl Fn(&T) -> Vec<String>,
) -> Plan<T> {
    let mut report = ImportReport {
        dry_run,
        rows: sheet.rows.len(),
        created: Vec::new(),
        problems: Vec::new(),
        ignored_columns: Vec::new(),
        columns: columns.iter().map(|c| c.name.to_owned()).collect(),
        preview: Vec::new(),
        batch: None,
    };
    let header_problem = |column: Option<&str>, message: String| RowProblem {
        row: 1,
        column: column.map(str::to_owned),
        message,
    };
    // Where each import column is in the file (names match ignoring case).
    let mut at: Vec<Option<usize>> = vec![None; columns.len()];
    for (i, name) in sheet.header.iter().enumerate() {
        match columns.iter().position(|c| c.name.eq_ignore_ascii_case(name)) {
            Some(c) if at[c].is_some() => report.problems.push(header_problem(
                Some(columns[c].name),
                format!("the column `{}` appears twice", columns[c].name),
            )),
            Some(c) => at[c] = Some(i),
            None if name.is_empty() => report.ignored_columns.push(format!("(column {})", i + 1)),
            None => report.ignored_columns.push(name.clone()),
        }
    }
    for (c, column) in columns.iter().enumerate() {
        if column.required && at[c].is_none() {
            report.problems.push(header_problem(
                Some(column.name),
                format!("the header row has no `{}` column", column.name),
            ));
        }
    }
    if sheet.rows.is_empty() {
        report.problems.push(header_problem(None, "the file has no rows under its header".into()));
    }
    if !report.problems.is_empty() {
        return Plan { records: Vec::new(), report };
    }
    let mut records = Vec::with_capacity(sheet.rows.len());
    for (i, row) in sheet.rows.iter().enumerate() {
        let number = i + 2;
        if row.len() > sheet.header.len() && row[sheet.header.len()..].iter().any(|c| !c.is_empty())
        {
            report.problems.push(RowProblem {
                row: number,
                column: None,
                message: format!(
                    "the row has {} cells but the header names {} columns",
                    row.len(),
                    sheet.header.len()
                ),
            });
            continue;
        }
        match parse(&Cells { at: &at, row }) {
            Ok(record) => {
                if report.preview.len() < PREVIEW_ROWS {
                    report.preview.push(preview(&record));
                }
                records.push(record);
            }
            Err(errors) => report.problems.extend(errors.into_iter().map(|err| RowProblem {
                row: number,
                column: err.field().map(str::to_owned),
                message: err.message(),
            })),
        }
    }
    Plan { records, report }
}

/// Every failing check of one row: the rules of a single create, field by field.
fn parse_actor(cells: &Cells) -> Result<NewActor, Vec<ApiError>> {
    let age = cells.get(1).trim();
    let age = match age.parse::<i64>() {
        Ok(age) => validate::age(age),
        Err(_) if age.is_empty() => {
            Err(ApiError::validation("age", "required", "age must not be empty"))
        }
        Err(_) => Err(ApiError::invalid("age", format!("age must be a whole number, not “{age}”"))),
    };
    match (validate::name("name", cells.get(0)), age, validate::gender(cells.get(2))) {
        (Ok(name), Ok(age), Ok(gender)) => Ok(NewActor { name, age, gender }),
        (name, age, gender) => {
            Err([name.err(), age.err(), gender.err()].into_iter().flatten().collect())
        }
    }
}

fn parse_movie(cells: &Cells) -> Result<NewMovie, Vec<ApiError>> {
    let date = cells.get(1).trim();
    let release_date = match date.is_empty() {
        true => Ok(None),
        false => dates::parse_release_date(date)
            .map_err(|m| ApiError::invalid("release_date", m))
            .and_then(validate::release_date)
            .map(Some),
    };
    match (validate::name("title", cells.get(0)), release_date) {
        (Ok(title), Ok(release_date)) => Ok(NewMovie { title, release_date }),
        (title, date) => Err([title.err(), date.err()].into_iter().flatten().collect()),
    }
}

impl Service {
    /// Refuses, before the file is read, a caller who may not import actors (`post:actors`);
    /// [`Service::import_actors`] checks it again.
    pub fn may_import_actors(&self, who: &Writer) -> Result<(), ApiError> {
        who.require(Permission::PostActors)
    }

    /// As [`Service::may_import_actors`], for movies (`post:movies`).
    pub fn may_import_movies(&self, who: &Writer) -> Result<(), ApiError> {
        who.require(Permission::PostMovies)
    }

    /// Inserts every record in one transaction, each with its `create` in the journal, all
    /// under one batch; their ids and the batch go into `report`.
    async fn write_all<T: Kind>(
        &self,
        who: &Writer,
        records: &[T::New],
        report: &mut ImportReport,
    ) -> Result<(), ApiError> {
        let who = who.in_batch(journal::new_batch());
        let mut tx = self.db().begin_write().await?;
        let mut created = Vec::with_capacity(records.len());
        for new in records {
            let record = T::insert(&mut tx, new).await?;
            let state = journal::state(&record);
            let change = Change::of(T::ENTITY, record.id(), Action::Create, None, state);
            journal::record(&mut tx, &who, change).await?;
            created.push(record.id());
        }
        tx.commit().await?;
        report.created = created;
        report.batch = who.batch().map(str::to_owned);
        Ok(())
    }

    /// Imports a spreadsheet of actors (`name`, `age`, `gender`): all rows or, with any
    /// problem or on a dry run, none. The report lists every problem.
    pub async fn import_actors(
        &self,
        who: &Writer,
        sheet: impl Input<Sheet>,
        dry_run: bool,
    ) -> Result<ImportReport, ApiError> {
        self.may_import_actors(who)?;
        let sheet = sheet.into_input()?;
        let Plan { records, mut report } = plan(&sheet, ACTOR_COLUMNS, dry_run, parse_actor, |a| {
            vec![a.name.clone(), a.age.to_string(), a.gender.clone()]
        });
        if dry_run || !report.is_valid() {
            return Ok(report);
        }
        self.write_all::<Actor>(who, &records, &mut report).await?;
        Ok(report)
    }

    /// Imports a spreadsheet of movies (`title`, optional `release_date`); see
    /// [`Service::import_actors`].
    pub async fn import_movies(
        &self,
        who: &Writer,
        sheet: impl Input<Sheet>,
        dry_run: bool,
    ) -> Result<ImportReport, ApiError> {
        self.may_import_movies(who)?;
        let sheet = sheet.into_input()?;
        let Plan { records, mut report } = plan(&sheet, MOVIE_COLUMNS, dry_run, parse_movie, |m| {
            vec![m.title.clone(), m.release_date.as_ref().map(date_cell).unwrap_or_default()]
        });
        if dry_run || !report.is_valid() {
            return Ok(report);
        }
        self.write_all::<Movie>(who, &records, &mut report).await?;
        Ok(report)
    }
}
