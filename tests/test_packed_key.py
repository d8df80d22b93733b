"""packed_key: one Int128 that sorts and counts like the tuple of key columns, or None; sorted_columns:
the columns sorted through it."""

from __future__ import annotations

import random

import polars as pl

from qkaward.inputs.creditcode import INT128_MAX, packed_key, sorted_columns


def _frame(n: int, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    return pl.DataFrame(
        {
            "k": [rng.randrange(10**27, 10**27 + 50) for _ in range(n)],
            "year": [rng.choice([2018, 2019, 2020]) for _ in range(n)],
            "prev": [rng.random() < 0.5 for _ in range(n)],
        },
        schema={"k": pl.Int128, "year": pl.Int32, "prev": pl.Boolean},
    )


def test_sorts_and_counts_like_the_columns() -> None:
    for seed in range(20):
        frame = _frame(200, seed)
        packed = packed_key(frame, ["k", "year", "prev"])
        assert packed is not None
        by_packed = frame.with_row_index().sort(packed, maintain_order=True)
        by_columns = frame.with_row_index().sort(["k", "year", "prev"], maintain_order=True)
        assert by_packed.equals(by_columns)
        distinct = frame.select(pl.struct("k", "year", "prev").n_unique()).item()
        assert frame.select(packed.n_unique()).item() == distinct


def test_none_when_it_cannot_pack() -> None:
    frame = _frame(10, 1)
    with_null = frame.with_columns(pl.when(pl.col("year") == 2019).then(None).otherwise("year").alias("year"))
    assert packed_key(with_null, ["k", "year"]) is None
    assert packed_key(frame.with_columns(pl.col("k").cast(pl.String)), ["k", "year"]) is None  # text key
    assert packed_key(frame.with_columns(pl.lit("x").alias("t")), ["k", "t"]) is None  # text column
    wide = pl.DataFrame(
        {"k": [0, INT128_MAX // 2], "year": [2018, 2020]}, schema={"k": pl.Int128, "year": pl.Int32}
    )
    assert packed_key(wide, ["k", "year"]) is None  # 2^126 enterprises × 3 years do not fit
    assert packed_key(frame.clear(), ["k", "year"]) is None
    for dtype in (pl.UInt64, pl.Int128):  # after the key, only what Int64 holds whole
        assert packed_key(frame.with_columns(pl.col("year").cast(dtype)), ["k", "year"]) is None


def test_trailing_columns_of_any_sign_and_width() -> None:
    # the columns after the key are packed in Int64 first: negative values, row numbers, booleans
    rng = random.Random(7)
    for _ in range(20):
        n = 300
        frame = pl.DataFrame(
            {
                "k": [rng.randrange(-(10**20), 10**20) for _ in range(n)],
                "d": [rng.randrange(-(10**6), 10**6) for _ in range(n)],
                "flag": [rng.random() < 0.5 for _ in range(n)],
                "row": rng.sample(range(10**9), n),
            },
            schema={"k": pl.Int128, "d": pl.Int64, "flag": pl.Boolean, "row": pl.UInt32},
        )
        frame = pl.concat([frame, frame.head(50)])  # repeated keys
        columns = ["k", "d", "flag", "row"]
        packed = packed_key(frame, columns)
        assert packed is not None
        by_packed = frame.with_row_index().sort(packed, maintain_order=True)
        assert by_packed.equals(frame.with_row_index().sort(columns, maintain_order=True))
        assert frame.select(packed.n_unique()).item() == frame.select(pl.struct(columns).n_unique()).item()


def test_none_when_the_trailing_columns_exceed_int64() -> None:
    frame = pl.DataFrame(
        {"k": [1, 2], "a": [0, 2**40], "b": [0, 2**40]}, schema={"k": pl.Int128, "a": pl.Int64, "b": pl.Int64}
    )
    assert packed_key(frame, ["k", "a", "b"]) is None  # 2^80 combinations after the key
    assert packed_key(frame, ["k", "a"]) is not None


def test_sorted_columns_are_the_columns_sorted_with_their_types() -> None:
    rng = random.Random(11)
    for _ in range(20):
        n = 300
        frame = pl.DataFrame(
            {
                "k": [rng.randrange(-(10**25), 10**25) for _ in range(n)],
                "year": [rng.choice([2018, 2019, 2020]) for _ in range(n)],
                "d": [rng.randrange(-500, 500) for _ in range(n)],
                "flag": [rng.random() < 0.5 for _ in range(n)],
                "row": rng.sample(range(10**6), n),
                "other": [rng.random() for _ in range(n)],
            },
            schema={
                "k": pl.Int128,
                "year": pl.Int32,
                "d": pl.Int64,
                "flag": pl.Boolean,
                "row": pl.UInt32,
                "other": pl.Float64,
            },
        )
        frame = pl.concat([frame, frame.sample(80, seed=rng.randrange(1000))])  # rows alike in every column
        for columns in (["k", "year", "d", "flag", "row"], ["k", "flag"], ["k"]):
            got = sorted_columns(frame, columns)
            assert got is not None
            want = frame.select(columns).sort(columns)
            assert got.schema == want.schema
            assert got.equals(want)


def test_sorted_columns_none_when_the_key_cannot_pack() -> None:
    frame = _frame(10, 3)
    assert sorted_columns(frame.with_columns(pl.col("k").cast(pl.String)), ["k", "year"]) is None
    assert sorted_columns(frame.clear(), ["k", "year"]) is None
    wide = pl.DataFrame(
        {"k": [0, INT128_MAX // 2], "year": [2018, 2020]}, schema={"k": pl.Int128, "year": pl.Int32}
    )
    assert sorted_columns(wide, ["k", "year"]) is None
