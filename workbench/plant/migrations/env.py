"""Alembic environment: the workbench hands in an open connection."""

from alembic import context

from workbench.plant import (
    chain,  # noqa: F401 - the supply-chain tables join the metadata
    identities,  # noqa: F401 - the EPCIS identities (schema 0005) too
)
from workbench.plant.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `workbench db upgrade`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
