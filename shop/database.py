"""Engine settings per database: SQLite WAL, busy timeout and BEGIN IMMEDIATE for writers."""
from __future__ import annotations

import contextvars
import datetime as dt
from contextlib import contextmanager
from typing import overload

import sqlalchemy as sa
from sqlalchemy import event

from shop.extensions import db

_immediate = contextvars.ContextVar("sqlite_begin_immediate", default=False)


def configure_engine(engine: sa.Engine) -> None:
    """Let several workers share one SQLite file and let services take write locks up front."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Turn off pysqlite's own transaction handling so we can emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=20000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


@contextmanager
def write_transaction():
    """One use case's transaction, holding the write lock from its start on SQLite
    (on PostgreSQL the queries inside lock their rows with FOR UPDATE)."""
    session = db.session
    if session().in_transaction():
        session.commit()  # end the read transaction the request may have opened
    token = _immediate.set(True)
    try:
        session.connection()
    finally:
        _immediate.reset(token)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@overload
def aware(moment: dt.datetime) -> dt.datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """The moment with its zone: SQLite hands back the UTC time it stored without one."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
