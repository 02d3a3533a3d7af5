"""The database schema (SQLAlchemy 2 typed ORM).

The database is derived: ``afgui-db build`` compiles it from the curated sources under
``db/``. ``meta`` records the schema version and a hash of the sources it was built from,
so the app can tell a stale database from a current one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SCHEMA_VERSION is raised on any change to the tables below (afgui.data.versions).
from afgui.data.versions import APPLICATION_ID as APPLICATION_ID
from afgui.data.versions import SCHEMA_VERSION as SCHEMA_VERSION


class Base(DeclarativeBase):
    pass


class MetaRow(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ActorRow(Base):
    __tablename__ = "actors"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    predecessor: Mapped[str | None] = mapped_column(String(16))
    successor: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class ActorNameRow(Base):
    __tablename__ = "actor_names"

    actor_code: Mapped[str] = mapped_column(ForeignKey("actors.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)


class ActorShapeRow(Base):
    """One map shape (an ISO 3166-1 alpha-2 code of today's countries) that draws an actor."""

    __tablename__ = "actor_shapes"

    actor_code: Mapped[str] = mapped_column(ForeignKey("actors.code"), primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class GovernmentRow(Base):
    __tablename__ = "governments"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    side: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    author: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    seed_file: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class FactRow(Base):
    __tablename__ = "facts"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    afghan_side: Mapped[str] = mapped_column(String(20))
    third_party: Mapped[bool] = mapped_column(Boolean)
    date_precision: Mapped[str] = mapped_column(String(10))
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    year_basis: Mapped[str] = mapped_column(String(10))
    date_note: Mapped[str | None] = mapped_column(Text)
    tone: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(8))
    amount_kind: Mapped[str | None] = mapped_column(String(20))
    amount_approximate: Mapped[bool | None] = mapped_column(Boolean)
    price_basis: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    quote: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # Not a foreign key: the loader checks the target, and rows go in id order.
    same_event_as: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (Index("ix_facts_year", "year"),)


class FactPartnerRow(Base):
    __tablename__ = "fact_partners"

    fact_id: Mapped[str] = mapped_column(ForeignKey("facts.id"), primary_key=True)
    actor_code: Mapped[str] = mapped_column(ForeignKey("actors.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_fact_partners_actor", "actor_code", "fact_id"),)
