"""Plain SQL for the few statements on a hot path, with the ORM's conversions (building those
statements through the ORM costs more than running them).

- ``instance(model, attnames, row)``: select the columns named by ``attnames`` in that order;
  gives the model instance with those fields loaded (the others deferred), each value passed
  through the database's and the field's converters (SQLite's text dates and UUIDs, time zones,
  booleans).
- ``update_fields(instance, fields)``: one ``UPDATE`` of those columns, values prepared by
  their fields.
- ``select(model, key, build, params, prepare=...)``: the rows of a queryset whose SQL the
  ORM builds once per process (per database and number of parameters), then only run: for
  the hot reads whose building costs several times their running (a lookup by key).
- ``insert(instance)``: the ``INSERT`` of a new instance, its SQL built once per process (per
  model and database), each value prepared by its field as ``save`` prepares it: for the rows
  every submission writes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router

from egov.core import sqlbatch

M = TypeVar("M", bound=models.Model)

# (key, database alias, number of parameters) -> (SQL, the attnames of its columns)
_COMPILED: dict[tuple[str, str, int], tuple[str, tuple[str, ...]]] = {}

Converter = Callable[[Any, Any, Any], Any]


@functools.cache
def _plan(
    model: type[models.Model], attnames: tuple[str, ...], alias: str
) -> tuple[tuple[int, ...], tuple[tuple[Any, tuple[Converter, ...]], ...], tuple[str, ...]]:
    """(positions of the row's values in the model's field order, each value's column and
    converters, the attnames in field order)."""
    connection = connections[alias]
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    unknown = [name for name in attnames if name not in by_attname]
    if unknown:
        raise LookupError(f"{model.__name__} has no column(s) {unknown}")
    ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in attnames)
    positions = tuple(attnames.index(name) for name in ordered)
    conversions = []
    for name in attnames:
        field = by_attname[name]
        column = field.get_col(model._meta.db_table)
        converters = (
            *connection.ops.get_db_converters(column),
            *field.get_db_converters(connection),  # type: ignore[attr-defined]  # not in the stubs
        )
        conversions.append((column, tuple(converters)))
    return positions, tuple(conversions), ordered


def instance(model: type[M], attnames: Sequence[str], row: Sequence[Any], *, alias: str) -> M:
    """The ``model`` instance of ``row`` (values in the order of ``attnames``)."""
    positions, conversions, ordered = _plan(model, tuple(attnames), alias)
    connection = connections[alias]
    values = list(row)
    for i, (column, converters) in enumerate(conversions):
        for convert in converters:
            values[i] = convert(values[i], column, connection)
    return model.from_db(alias, list(ordered), [values[p] for p in positions])


def update_fields(instance: models.Model, fields: Sequence[str]) -> int:
    """``UPDATE`` of ``instance``'s row, only the columns of ``fields``, each value prepared by
    its field as ``save`` prepares it (``auto_now`` included). Like ``QuerySet.update``, no
    model signals are sent. Returns the number of rows changed (0 or 1)."""
    meta = instance._meta
    alias = instance._state.db or "default"
    connection = connections[alias]
    quote = connection.ops.quote_name
    assignments = []
    params: list[Any] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, models.Field) or not field.concrete or field.primary_key:
            raise LookupError(f"{meta.model_name}.{name} is not a column that can be updated")
        value = field.pre_save(instance, add=False)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    params.append(meta.pk.get_db_prep_value(instance.pk, connection))
    # Names come from the model; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


# (model, database alias) -> (SQL, the fields whose values it takes, whether it returns the key,
# for each field whether its plain value goes as it is)
_Insert = tuple[str, tuple[models.Field[Any, Any], ...], bool, tuple[bool, ...]]
_INSERTS: dict[tuple[type[models.Model], str], _Insert] = {}
# Fields whose preparation leaves a value of exactly ``str``, ``int``, ``bool`` or ``None`` as it
# is (``pre_save`` reads the attribute; ``get_db_prep_save`` converts other types: lazy text,
# enums, numbers in text), so such a value skips their calls: most of a row's columns.
_PLAIN_FIELDS = (
    models.CharField, models.TextField, models.SlugField, models.EmailField,
    models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
    models.PositiveIntegerField, models.PositiveBigIntegerField, models.PositiveSmallIntegerField,
    models.BooleanField,
)  # fmt: skip
_PLAIN_VALUES = (str, int, bool, type(None))


def _plain(field: models.Field[Any, Any]) -> bool:
    return type(field) in _PLAIN_FIELDS


def _insert_values(instance: models.Model, compiled: _Insert, connection: Any) -> list[Any]:
    _sql, fields, _returning, plain = compiled
    values = []
    for field, as_is in zip(fields, plain, strict=True):
        if as_is:
            value = getattr(instance, field.attname)
            if type(value) in _PLAIN_VALUES:
                values.append(value)
                continue
        values.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return values


def insert(instance: models.Model, *, deferrable: bool = False) -> None:
    """``INSERT`` the row of ``instance`` (a new one: its primary key unset when the database
    assigns it) with every concrete column, each value as ``Model.save(force_insert=True)``
    prepares it (``pre_save``: ``auto_now``/``auto_now_add``; then ``get_db_prep_save``); sets
    the primary key and marks the instance saved. Like ``bulk_create``, no model signals are
    sent (the platform uses none). ``deferrable``: inside ``sqlbatch.batched()`` the statement
    waits for the batch, and a key the database assigns is set when the batch is sent (for a
    row whose key no statement of the batch needs)."""
    model = type(instance)
    meta = model._meta
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    compiled = _INSERTS.get((model, alias))
    if compiled is None:
        auto = meta.auto_field
        fields = tuple(f for f in meta.concrete_fields if f is not auto)
        if any(getattr(f, "generated", False) or getattr(f, "db_default", None) is not
               models.NOT_PROVIDED for f in fields):  # fmt: skip
            raise ValueError(f"rawrows.insert: {model.__name__} has database-computed columns")
        quote = connection.ops.quote_name
        returning = auto is not None and connection.features.can_return_columns_from_insert
        # Names come from the model; every value is a parameter.
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))})"
            + (f" RETURNING {quote(auto.column)}" if returning and auto is not None else "")
        )
        plain = tuple(_plain(f) for f in fields)
        compiled = _INSERTS[(model, alias)] = (sql, fields, returning, plain)
    sql, _fields, returning, _as_is = compiled
    if meta.auto_field is not None and instance.pk is not None:
        raise ValueError("rawrows.insert: the database assigns this row's key; leave it unset")
    values = _insert_values(instance, compiled, connection)
    auto = meta.auto_field
    if deferrable and (returning or auto is None):

        def keyed(row: Sequence[Any] | None) -> None:
            if auto is not None and row is not None:
                setattr(instance, auto.attname, row[0])

        sqlbatch.execute(sql, values, on_row=keyed, using=alias)
    elif returning or auto is None:
        [rows] = sqlbatch.run_together(connection, [(sql, values)])
        if auto is not None and rows:
            setattr(instance, auto.attname, rows[0][0])
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            setattr(instance, auto.attname, cursor.lastrowid)
    instance._state.adding = False
    instance._state.db = alias


def select(
    model: type[M],
    key: str,
    build: Callable[[list[str]], models.QuerySet[M]],
    params: Sequence[str],
    *,
    prepare: Sequence[str] = (),
) -> list[M]:
    """The ``model`` instances of ``build(params)``: a queryset of whole rows of ``model`` (no
    annotations, no related rows) whose SQL parameters are ``params``, in order: text values,
    which the database takes as they are, or, for the positions named by ``prepare`` (a field
    of ``model`` for each parameter, "" for plain text), prepared by that field as the ORM
    prepares them (a UUID: a ``uuid.UUID`` for PostgreSQL, 32 hex digits for SQLite). The
    first call with a given ``key`` and number of parameters has the ORM build the SQL,
    checking both; later calls only run it and convert the rows as the ORM would
    (``instance``)."""
    return select_together(Query(model, key, build, params, prepare))[0]


@dataclass(frozen=True, slots=True)
class Query(Generic[M]):
    """One ``select``'s arguments, for ``select_together``."""

    model: type[M]
    key: str
    build: Callable[[list[str]], models.QuerySet[M]]
    params: Sequence[str]
    prepare: Sequence[str] = ()


def select_together(*queries: Query[Any]) -> list[list[Any]]:
    """The rows of each query (as ``select`` gives them), all sent to the database at once:
    one round trip on PostgreSQL (``sqlbatch.run_together``: prepared statements in one
    pipeline), one statement after the other elsewhere. The queries must not depend on each
    other's results (each has its own parameters), and all use one database."""
    compiled = [_compiled(query) for query in queries]
    aliases = {alias for _sql, _values, _attnames, alias in compiled}
    if len(aliases) != 1:
        raise ValueError("rawrows.select_together: the queries must use one database")
    alias = aliases.pop()
    found = sqlbatch.run_together(
        connections[alias], [(sql, values) for sql, values, _attnames, _alias in compiled]
    )
    return [
        [instance(query.model, attnames, row, alias=alias) for row in rows or ()]
        for query, (_sql, _values, attnames, _alias), rows in zip(
            queries, compiled, found, strict=True
        )
    ]


def _compiled(query: Query[Any]) -> tuple[str, list[Any], tuple[str, ...], str]:
    """(SQL, its parameters, the attnames of its columns, the database alias) of ``query``,
    the SQL built by the ORM on the first call per key, database and number of parameters."""
    model, key, params = query.model, query.key, query.params
    if not all(isinstance(value, str) for value in params):
        raise TypeError("rawrows.select takes text parameters only")
    alias = router.db_for_read(model)
    values = _prepared(model, params, query.prepare, alias)
    cache_key = (key, alias, len(params))
    compiled = _COMPILED.get(cache_key)
    if compiled is None:
        queryset = query.build(list(params))
        compiler = queryset.query.get_compiler(using=alias)
        sql, built_params = compiler.as_sql()
        columns = [column for column, _sql, _alias in compiler.select]
        attnames = tuple(getattr(getattr(c, "target", None), "attname", "") for c in columns)
        if (
            queryset.model is not model
            or list(built_params) != values
            or not all(attnames)
            or any(getattr(c.target, "model", None) is not model for c in columns)
        ):
            raise ValueError(f"rawrows.select({key!r}): not a plain query of {model.__name__}")
        compiled = _COMPILED[cache_key] = (sql, attnames)
    sql, attnames = compiled
    return sql, values, attnames, alias


def _prepared(
    model: type[models.Model], params: Sequence[str], prepare: Sequence[str], alias: str
) -> list[Any]:
    if not prepare:
        return list(params)
    if len(prepare) != len(params):
        raise ValueError("rawrows.select: name a field (or '') for every parameter")
    connection = connections[alias]
    return [
        model._meta.get_field(name).get_db_prep_value(value, connection)  # type: ignore[union-attr]
        if name
        else value
        for name, value in zip(prepare, params, strict=True)
    ]
