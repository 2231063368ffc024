//! What actors and movies share for the actions that treat them alike (a spreadsheet import
//! or export, a bulk delete or restore, undoing a batch): one generic body for each action instead of a
//! copy per kind. Each kind's own steps stay in its module (`actors.rs`, `movies.rs`).

use std::future::Future;

use serde::Serialize;
use sqlx::AnyConnection;

use super::{Deleted, Precondition, Restored, Service};
use crate::{
    model::{Actor, Movie, NewActor, NewMovie, Permission, query::ActorQuery, query::MovieQuery},
    server::{
        ApiError,
        auth::Writer,
        db::{Backend, actors as actor_sql, filter::Cursor, journal::Entity, movies as movie_sql},
    },
};

pub(super) trait Kind: Sized + Serialize + Send + Sync + 'static {
    /// The list query that selects rows of this kind.
    type Query: Clone + Send + Sync + 'static;
    /// A new one, checked.
    type New: Send + Sync;
    /// What deleting (and restoring) one takes.
    const DELETE: Permission;
    /// How the journal names the kind.
    const ENTITY: Entity;

    fn id(&self) -> i64;

    /// Inserts `new`; the row as stored.
    fn insert<'c>(
        conn: &'c mut AnyConnection,
        new: &'c Self::New,
    ) -> impl Future<Output = sqlx::Result<Self>> + Send + 'c;

    /// Up to `limit` rows matching `query` after `cursor`, in the query's order.
    fn find_batch<'c>(
        conn: &'c mut AnyConnection,
        backend: Backend,
        query: &'c Self::Query,
        cursor: &'c Cursor,
        limit: i64,
    ) -> impl Future<Output = sqlx::Result<Vec<Self>>> + Send + 'c;

    /// Where the next batch after this row starts.
    fn cursor_after(&self, query: &Self::Query) -> Cursor;

    /// The steps of a delete inside the caller's transaction.
    fn delete_in<'a>(
        svc: &'a Service,
        tx: &'a mut AnyConnection,
        who: &'a Writer,
        id: i64,
        precondition: &'a Precondition,
    ) -> impl Future<Output = Result<Deleted<Self>, ApiError>> + Send + 'a;

    /// The steps of a restore inside the caller's transaction.
    fn restore_in<'a>(
        svc: &'a Service,
        tx: &'a mut AnyConnection,
        who: &'a Writer,
        id: i64,
    ) -> impl Future<Output = Result<Restored<Self>, ApiError>> + Send + 'a;
}

impl Kind for Actor {
    type Query = ActorQuery;
    type New = NewActor;
    const DELETE: Permission = Permission::DeleteActors;
    const ENTITY: Entity = Entity::Actor;

    fn id(&self) -> i64 {
        self.id
    }

    fn insert<'c>(
        conn: &'c mut AnyConnection,
        new: &'c NewActor,
    ) -> impl Future<Output = sqlx::Result<Actor>> + Send + 'c {
        actor_sql::insert(conn, new)
    }

    fn find_batch<'c>(
        conn: &'c mut AnyConnection,
        backend: Backend,
        query: &'c ActorQuery,
        cursor: &'c Cursor,
        limit: i64,
    ) -> impl Future<Output = sqlx::Result<Vec<Actor>>> + Send + 'c {
        actor_sql::find_batch(conn, backend, query, cursor, limit)
    }

    fn cursor_after(&self, query: &ActorQuery) -> Cursor {
        actor_sql::cursor_after(self, query.sort)
    }

    fn delete_in<'a>(
        svc: &'a Service,
        tx: &'a mut AnyConnection,
        who: &'a Writer,
        id: i64,
        precondition: &'a Precondition,
    ) -> impl Future<Output = Result<Deleted<Actor>, ApiError>> + Send + 'a {
        svc.delete_actor_in(tx, who, id, precondition)
    }

    fn restore_in<'a>(
        svc: &'a Service,
        tx: &'a mut AnyConnection,
        who: &'a Writer,
        id: i64,
    ) -> impl Future<Output = Result<Restored<Actor>, ApiError>> + Send + 'a {
        svc.restore_actor_in(tx, who, id)
    }
}

impl Kind for Movie {
    type Query = MovieQuery;
    type New = NewMovie;
    const DELETE: Permission = Permission::DeleteMovies;
    const ENTITY: Entity = Entity::Movie;

    fn id(&self) -> i64 {
        self.id
    }

    fn insert<'c>(
        conn: &'c mut AnyConnection,
        new: &'c NewMovie,
    ) -> impl Future<Output = sqlx::Result<Movie>> + Send + 'c {
        movie_sql::insert(conn, new)
    }

    fn find_batch<'c>(
        conn: &'c mut AnyConnection,
        backend: Backend,
        query: &'c MovieQuery,
        cursor: &'c Cursor,
        limit: i64,
    ) -> impl Future<Output = sqlx::Result<Vec<Movie>>> + Send + 'c {
        movie_sql::find_batch(conn, backend, query, cursor, limit)
    }

    fn cursor_after(&self, query: &MovieQuery) -> Cursor {
        movie_sql::cursor_after(self, query.sort)
    }

    fn delete_in<'a>(
        svc: &'a Service,
        tx: &'a mut AnyConnection,
        who: &'a Writer,
        id: i64,
        precondition: &'a Precondition,
    ) -> impl Future<Output = Result<Deleted<Movie>, ApiError>> + Send + 'a {
        svc.delete_movie_in(tx, who, id, precondition)
    }

    fn restore_in<'a>(
        svc: &'a Service,
        tx: &'a mut AnyConnection,
        who: &'a Writer,
        id: i64,
    ) -> impl Future<Output = Result<Restored<Movie>, ApiError>> + Send + 'a {
        svc.restore_movie_in(tx, who, id)
    }
}
