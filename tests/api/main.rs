//! API integration tests: the real app over real HTTP, a real JWKS server on loopback, and a
//! real database (each test on its own SQLite file and, again, on its own PostgreSQL database).

mod support;

mod assets;
mod auth;
mod backup;
mod batches;
mod casting;
mod compression;
mod concurrency;
mod connections;
mod crud;
mod errors;
mod faults;
mod journal;
mod jwks;
mod limits;
mod lists;
mod live;
mod local;
mod logs;
mod metrics;
mod migrations;
mod openapi;
mod outage;
mod page_security;
mod pictures;
mod rbac;
mod read_cache;
mod record_pages;
mod search;
mod sessions;
mod shutdown;
mod spreadsheets;
mod trash;
mod unscheduled;
mod validation;
mod versions;
mod web;
