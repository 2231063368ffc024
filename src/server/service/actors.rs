use super::{
    Deleted, Input, Listing, Precondition, ReadKey, Restored, Service, Updated,
    journal::{self, Change},
    trash, validate,
};
use crate::server::auth::Writer;
use crate::server::db::journal::{Action, Entity};
use crate::{
    model::{
        Actor, ActorPatch, NewActor, Permission,
        query::{ActorQuery, ActorSort, MAX_PER_PAGE, Page},
    },
    server::{
        ApiError,
        auth::Principal,
        db::{actors as sql, castings, movies},
    },
};

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("actor {id} not found"))
}

pub(super) fn check_query(query: ActorQuery) -> Result<ActorQuery, ApiError> {
    let gender = match query.gender.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()) {
        Some(g) => Some(validate::gender(&g)?),
        None => None,
    };
    validate::ordered(query.age_min, query.age_max, "age_min", "age_max")?;
    Ok(ActorQuery {
        q: validate::search(query.q)?,
        gender,
        page: validate::page(query.page)?,
        ..query
    })
}

fn check_new(input: NewActor) -> Result<NewActor, ApiError> {
    Ok(NewActor {
        name: validate::name("name", &input.name)?,
        age: validate::age(input.age)?,
        gender: validate::gender(&input.gender)?,
    })
}

fn check_patch(input: ActorPatch) -> Result<ActorPatch, ApiError> {
    validate::not_empty(input.is_empty())?;
    Ok(ActorPatch {
        name: input.name.as_deref().map(|v| validate::name("name", v)).transpose()?,
        age: input.age.map(validate::age).transpose()?,
        gender: input.gender.as_deref().map(validate::gender).transpose()?,
    })
}

impl Service {
    /// The actors matching `query`: one page of them, or (without paging) up to
    /// [`LIST_CAP`](crate::model::query::LIST_CAP) in the requested order; `total` counts every match. Rows and total come
    /// from one snapshot.
    pub async fn list_actors(
        &self,
        who: &Principal,
        query: impl Input<ActorQuery>,
    ) -> Result<Listing<Actor>, ApiError> {
        who.require(Permission::GetActors)?;
        let query = check_query(query.into_input()?)?;
        let key = ReadKey::Actors(query.clone());
        self.cache()
            .get_or_load(
                key,
                |l: &Listing<Actor>| l.items.len(),
                || async {
                    let (limit, offset) = Page::limit_offset(query.page);
                    // A search waits for a search slot first, so searches alone can never
                    // take every pooled connection.
                    let _slot = match query.q {
                        Some(_) => Some(self.db().search_slot().await?),
                        None => None,
                    };
                    // One statement: rows and total from one snapshot without a transaction.
                    let mut conn = self.db().pool().acquire().await?;
                    let (items, total) =
                        sql::find_page(&mut conn, self.db().backend(), &query, limit, offset)
                            .await?;
                    Ok(Listing { items: items.into(), total, page: query.page })
                },
            )
            .await
    }

    /// How many there are, without reading them.
    pub async fn count_actors(&self, who: &Principal) -> Result<i64, ApiError> {
        who.require(Permission::GetActors)?;
        self.cache()
            .get_or_load(
                ReadKey::ActorCount,
                |_| 1,
                || async {
                    let mut conn = self.db().pool().acquire().await?;
                    Ok(sql::count(&mut conn).await?)
                },
            )
            .await
    }

    /// Up to `limit` actors whose name contains `text`, by name: the cast picker's
    /// search-as-you-type.
    pub async fn search_actors(
        &self,
        who: &Principal,
        text: &str,
        limit: i64,
    ) -> Result<Vec<Actor>, ApiError> {
        let query = ActorQuery {
            q: Some(text.to_owned()),
            sort: ActorSort::Name,
            page: Some(Page { page: 1, per_page: limit.clamp(1, MAX_PER_PAGE) }),
            ..ActorQuery::default()
        };
        Ok(self.list_actors(who, query).await?.items.to_vec())
    }

    pub async fn get_actor(&self, who: &Principal, id: i64) -> Result<Actor, ApiError> {
        who.require(Permission::GetActors)?;
        self.cache()
            .get_or_load(
                ReadKey::Actor(id),
                |_| 1,
                || async {
                    let mut conn = self.db().pool().acquire().await?;
                    Ok(sql::find(&mut conn, id).await?)
                },
            )
            .await?
            .ok_or_else(|| not_found(id))
    }

    pub async fn create_actor(
        &self,
        who: &Writer,
        input: impl Input<NewActor>,
    ) -> Result<Actor, ApiError> {
        who.require(Permission::PostActors)?;
        let new = check_new(input.into_input()?)?;
        let mut tx = self.db().begin_write().await?;
        let actor = sql::insert(&mut tx, &new).await?;
        let change =
            Change::of(Entity::Actor, actor.id, Action::Create, None, journal::state(&actor));
        journal::record(&mut tx, who, change).await?;
        tx.commit().await?;
        Ok(actor)
    }

    /// An edit form saved with nothing changed: no write (it must not undo someone else's
    /// newer change), but the same permission as one; the actor as it is now.
    pub async fn unchanged_actor(&self, who: &Writer, id: i64) -> Result<Actor, ApiError> {
        who.require(Permission::PatchActors)?;
        self.get_actor(who, id).await
    }

    /// Applies `input`; with a `precondition` (`If-Match`, or the version a form showed)
    /// only if the actor is still at that version, checked on the locked row.
    pub async fn update_actor(
        &self,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
        input: impl Input<ActorPatch>,
    ) -> Result<Updated<Actor>, ApiError> {
        who.require(Permission::PatchActors)?;
        precondition.readable()?;
        let patch = check_patch(input.into_input()?)?;
        let mut tx = self.db().begin_write().await?;
        let before = sql::find_for_update(&mut tx, self.db().backend(), id)
            .await?
            .ok_or_else(|| not_found(id))?;
        precondition.check("actor", id, before.version, &before)?;
        let after = sql::update(&mut tx, id, &patch).await?.ok_or_else(|| not_found(id))?;
        let change = Change::of(
            Entity::Actor,
            id,
            Action::Update,
            journal::state(&before),
            journal::state(&after),
        );
        journal::record(&mut tx, who, change).await?;
        tx.commit().await?;
        Ok(Updated { before, after })
    }

    /// Moves the actor to the trash with their cast links (restorable until purged).
    pub async fn delete_actor(
        &self,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
    ) -> Result<Deleted<Actor>, ApiError> {
        who.require(Permission::DeleteActors)?;
        precondition.readable()?;
        let mut tx = self.db().begin_write().await?;
        let mut gone = self.delete_actor_in(&mut tx, who, id, precondition).await?;
        // Counted once here, after the delete, not inside every delete (a bulk delete or an
        // undo of 10,000 would count the table once per row); the row was locked and is gone,
        // so the count before is one more.
        gone.count_after = sql::count(&mut tx).await?;
        gone.count_before = gone.count_after + 1;
        tx.commit().await?;
        Ok(gone)
    }

    /// The steps of a delete inside the caller's transaction (a bulk delete runs several).
    pub(super) async fn delete_actor_in(
        &self,
        tx: &mut sqlx::AnyConnection,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
    ) -> Result<Deleted<Actor>, ApiError> {
        let backend = self.db().backend();
        // Their movies' casts change too, so those movies' versions move on. Movies are
        // locked before the actor, in the order casting locks them, so the two never deadlock.
        let links = castings::links_of_actor(&mut *tx, id).await?;
        let movie_ids: Vec<i64> = links.iter().map(|l| l.movie_id).collect();
        movies::touch(&mut *tx, &movie_ids).await?;
        let item =
            sql::find_for_update(&mut *tx, backend, id).await?.ok_or_else(|| not_found(id))?;
        precondition.check("actor", id, item.version, &item)?;
        // Read again under the actor's lock: nobody can cast them any more until commit. A
        // casting that committed between the two reads adds a movie not yet counted; its
        // version moves on too (its lock is taken after the actor's, but only a transaction
        // that already holds that movie and waits for this actor could deadlock, and
        // PostgreSQL would then refuse one of the two rather than hang).
        let links = castings::links_of_actor(&mut *tx, id).await?;
        let late: Vec<i64> =
            links.iter().map(|l| l.movie_id).filter(|m| !movie_ids.contains(m)).collect();
        movies::touch(&mut *tx, &late).await?;
        if !sql::delete(&mut *tx, id).await? {
            return Err(not_found(id));
        }
        let trashed = Actor { version: item.version + 1, ..item.clone() };
        trash::put(&mut *tx, who, Entity::Actor, id, &trashed, &links).await?;
        let change = Change::of(Entity::Actor, id, Action::Delete, journal::state(&item), None);
        journal::record(&mut *tx, who, change).await?;
        let assignments_removed = links.len() as i64;
        Ok(Deleted {
            item,
            version: trashed.version,
            count_before: 0,
            count_after: 0,
            assignments_removed,
        })
    }

    /// Brings an actor back from the trash: same id, version +1, and each cast link the delete
    /// removed whose movie still exists. 404 when they are not in the trash; of two restores
    /// at once exactly one succeeds.
    pub async fn restore_actor(&self, who: &Writer, id: i64) -> Result<Restored<Actor>, ApiError> {
        who.require(Permission::DeleteActors)?;
        let mut tx = self.db().begin_write().await?;
        let back = self.restore_actor_in(&mut tx, who, id).await?;
        tx.commit().await?;
        Ok(back)
    }

    /// The steps of a restore inside the caller's transaction (a bulk restore runs several).
    pub(super) async fn restore_actor_in(
        &self,
        tx: &mut sqlx::AnyConnection,
        who: &Writer,
        id: i64,
    ) -> Result<Restored<Actor>, ApiError> {
        let (trashed, links): (Actor, _) = trash::take(&mut *tx, Entity::Actor, id)
            .await?
            .ok_or_else(|| trash::not_in_trash("actor", id))?;
        let actor = Actor { version: trashed.version + 1, ..trashed };
        sql::reinsert(&mut *tx, &actor).await?;
        let links = castings::reinsert(&mut *tx, self.db().backend(), &links).await?;
        let movie_ids: Vec<i64> = links.iter().map(|l| l.movie_id).collect();
        movies::touch(&mut *tx, &movie_ids).await?;
        let change = Change::of(Entity::Actor, id, Action::Restore, None, journal::state(&actor));
        journal::record(&mut *tx, who, change).await?;
        Ok(Restored { item: actor, links })
    }
}
