"""Create or drop a throw-away PostgreSQL database for one CI run.

    python scripts/ci_database.py create NAME
    python scripts/ci_database.py drop NAME

``drop`` also removes the test databases pytest-django derives from NAME (``test_NAME`` and,
under pytest-xdist, ``test_NAME_gw0``, ``test_NAME_gw1``…), so an interrupted run leaves
nothing behind. The server is reached through ``POSTGRES_ADMIN_URL`` (default: user postgres
on 127.0.0.1:5432 with trust authentication).
"""

from __future__ import annotations

import argparse
import os
import re
import sys

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def connect() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as error:
        sys.exit(f"Cannot reach PostgreSQL at {ADMIN_URL}: {error}".strip())


def create(name: str) -> None:
    with connect() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"Created database {name}")


def derived_names(name: str, existing: list[str]) -> list[str]:
    """NAME itself and the test databases pytest-django made from it."""
    test_name = f"test_{name}"
    return [db for db in existing if db in (name, test_name) or re.fullmatch(rf"{re.escape(test_name)}_gw\d+", db)]


def drop(name: str) -> None:
    with connect() as connection:
        existing = [str(row[0]) for row in connection.execute("SELECT datname FROM pg_database")]
        for database in derived_names(name, existing):
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            print(f"Dropped database {database}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["create", "drop"])
    parser.add_argument("name", help="lower-case letters, digits and underscores")
    arguments = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,50}", arguments.name):
        parser.error("the database name must be lower-case letters, digits and underscores (at most 51)")
    if arguments.action == "create":
        create(arguments.name)
    else:
        drop(arguments.name)


if __name__ == "__main__":
    main()
