"""The migrations build exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models.tables  # noqa: F401


def test_migrations_match_the_models(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_the_head_read_without_alembic_is_alembics_head(engine) -> None:  # type: ignore[no-untyped-def]
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from models.database import MIGRATIONS, current_revision, head_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()
    assert current_revision(engine) == head_revision()  # the fixture migrated it


def test_opening_an_older_database_migrates_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from alembic.config import Config

    from models.database import MIGRATIONS, current_revision, head_revision, make_engine, open_database

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with old.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    assert current_revision(old) == "0002"
    assert current_revision(open_database(url)) == head_revision()
