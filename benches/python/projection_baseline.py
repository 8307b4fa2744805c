"""Deadline projections over whole histories, as a statistician would vectorise them: numpy and
polars baselines for ecociv's ``projection_<deadline>``, ``projected_<deadline>``,
``actual_change_<deadline>`` and ``required_change_<deadline>`` columns.

Input: ecociv's own evaluation columns for the plain programme (``Evaluation.to_pandas()``:
``item``, ``region``, ``period``, ``value``, ``threshold``, ``status``; item-major rows, row =
``(item * R + region) * P + period``, every item × region × period present, periods in time
order). The threshold evaluation is not redone (the kit's baselines cover it). The projection
specs come from the programme through the Python API: ``Programme.to_toml()`` (the serde form,
every default written out: window, method, basis, ratio bands) read with ``tomllib`` — the
compiled ``Programme`` exposes no projection specs of its own.

The definitions are ecociv's (``core/src/assess/projection.rs``, ``ProjectionRule::project_at``
per period, ``Pace::compute`` + ``ProjectionRule::kernel`` as columns; applied by
``assess_item`` in ``core/src/assess/apply.rs``):

* time axis: decimal years, a period at the end of its last day (``2016`` → 2017.0), a deadline
  date ``d`` at ``year + ordinal / days_in_year`` (``2017-12-31`` → 2018.0);
* as of each period ``e`` where the value is present (finite, item applies): the window start
  is the earliest present period ``i < e`` with ``t[i] ≥ t[e] − window − 1e-9``;
* actual change over the window: linear ``(v1 − v0)/(t1 − t0)``, compound
  ``exp((ln v1 − ln v0)/(t1 − t0)) − 1`` (positive values only);
* projected value at the deadline (horizon ``h = due − t1 > 0``): ``v1 + linear · h``, or
  ``v1 · exp(g · h)`` with the continuous rate ``g``;
* required change from the reference point (the window start when ``basis = "start"`` and the
  start does not meet the goal, else the latest value) over ``span = due − t_ref > 0``: linear
  ``(target − v_ref)/span``, compound ``exp((ln target − ln v_ref)/span) − 1``;
* status: achieved (5) when the latest value meets the goal, missed (0) when the deadline is at
  or before it, else the ratio actual/required in the bands (on track 4 ≥ 0.95, needs
  acceleration 3 ≥ 0.60, stagnating 2 ≥ 0, moving away 1), insufficient (−1) without a finite
  ratio or for an absent value; not assessed (−2) where the item does not apply to the region
  (status ``not_applicable``), declares no projection to the deadline, or has no target.

Window starts are found without a loop over periods: a loop over the (few) window offsets
``d = 1 … D`` (``D`` the most periods a window can reach back, 5 for yearly data and a 5-year
window) with masked selects — the present candidate at the furthest offset inside the window
wins (numpy: an offset array overwritten nearest first, then one gather; polars: a
``coalesce`` of ``shift(d)`` candidates from the furthest). Both baselines evaluate every
deadline of the programme (the built-in one: 18 items × 2 deadlines, 16 compound and 2 linear,
5-year window, basis ``start``, bands 0.95 / 0.60 / 0) in one call, sharing the window starts
and actual changes between deadlines as ecociv does; neither loops over items × regions.

Used by ``bench_eval.py`` (timings, in a process of their own) and
``tests/python/test_projection_baseline.py`` (the columns against ecociv's on the kit's S and V
data, with the built-in projections and with other settings)::

    specs = projection_specs(programme)
    inputs = numpy_inputs(frame)              # frame: Evaluation.to_pandas() of the plain programme
    cols = project_numpy(inputs, specs)       # {deadline: {"status": ..., "projected": ...}}
    problems = compare(cols, ecociv_frame)    # [] when every column agrees
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

#: Projection status codes (ecociv's ``ProjectionStatus::code``).
ACHIEVED, ON_TRACK, NEEDS_ACCELERATION, STAGNATING, MOVING_AWAY, MISSED = 5, 4, 3, 2, 1, 0
INSUFFICIENT, NOT_ASSESSED = -1, -2
#: The categories of ecociv's ``projection_<deadline>`` columns, in order, with their codes.
STATUS_CODES = {
    "achieved": ACHIEVED,
    "on_track": ON_TRACK,
    "needs_acceleration": NEEDS_ACCELERATION,
    "stagnating": STAGNATING,
    "moving_away": MOVING_AWAY,
    "missed": MISSED,
    "insufficient": INSUFFICIENT,
}
#: The output columns per deadline and ecociv's DataFrame column prefixes for them.
OUTPUTS = {
    "status": "projection_",
    "projected": "projected_",
    "actual": "actual_change_",
    "required": "required_change_",
}

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Spec:
    """One item's projection to one deadline, every default resolved."""

    window: float
    compound: bool
    from_start: bool
    bands: tuple[float, float, float]
    #: +1 when higher is better, −1 when lower is.
    sign: float
    #: Whether reaching the target exactly counts (``>=``, ``<=``).
    inclusive: bool
    #: The spec's own target, else ``None`` (the applied threshold).
    target: float | None


@dataclass(frozen=True)
class Specs:
    """A programme's projections: per deadline (milestone code, or ``due`` as ``YYYY-MM-DD``,
    in order of first use), its time and the spec of every item that projects to it."""

    items: list[str]
    due: dict[str, float]
    by_deadline: dict[str, dict[str, Spec]]


def date_time(d: dt.date) -> float:
    """The decimal year at the end of `d` (``2017-12-31`` → 2018.0), as ecociv's
    ``assess::time::date_time``."""
    days = 366.0 if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else 365.0
    return float(d.year) + d.timetuple().tm_yday / days


_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(\d{2}))?$")


def period_time(period: str) -> float:
    """The time of a period's text (``2016``, ``2016Q3``, ``2016-07``): the end of its last day."""
    m = _PERIOD.match(period.strip())
    if m is None:
        raise ValueError(f"not a period: {period!r}")
    y = int(m.group(1))
    if m.group(2):
        month = 3 * int(m.group(2))
    elif m.group(3):
        month = int(m.group(3))
    else:
        month = 12
    first_next = dt.date(y + 1, 1, 1) if month == 12 else dt.date(y, month + 1, 1)
    return date_time(first_next - dt.timedelta(days=1))


def projection_specs(programme: Any) -> Specs:
    """The deadline projections an ``ecociv.Programme`` declares, read from ``to_toml()``."""
    doc = tomllib.loads(programme.to_toml())
    milestones = {m["code"]: dt.date.fromisoformat(str(m["due"]))
                  for m in doc.get("milestones", [])}
    items: list[dict[str, Any]] = []
    for ind in doc.get("indicators", []):
        items.extend(ind.get("items", []))
    for cond in doc.get("conditions", []):
        items.extend(cond.get("items", []))
    due: dict[str, float] = {}
    by_deadline: dict[str, dict[str, Spec]] = {}
    for item in items:
        comparator = item.get("comparator")
        for p in (item.get("assess") or {}).get("projection", []):
            if p.get("due") is not None:
                date = dt.date.fromisoformat(str(p["due"]))
                key = date.isoformat()
            else:
                key = p["milestone"]
                date = milestones[key]
            if "direction" in p:
                sign = 1.0 if p["direction"] == "higher" else -1.0
            elif comparator in (">=", ">"):
                sign = 1.0
            elif comparator in ("<=", "<"):
                sign = -1.0
            else:
                continue  # no direction: no projection (validation refuses such programmes)
            due.setdefault(key, date_time(date))
            a, b, c = (float(x) for x in p.get("ratio_bands", [0.95, 0.60, 0.0]))
            by_deadline.setdefault(key, {})[item["code"]] = Spec(
                window=float(p.get("window", 5)),
                compound=p.get("method", "compound") == "compound",
                from_start=p.get("basis", "start") == "start",
                bands=(a, b, c),
                sign=sign,
                inclusive=comparator not in (">", "<"),
                target=None if p.get("target") is None else float(p["target"]),
            )
    return Specs([str(i["code"]) for i in items], due, by_deadline)


# ---------------------------------------------------------------------------------------------
# numpy


@dataclass
class NumpyInputs:
    """The evaluation columns as (items, regions, periods) arrays."""

    items: list[str]
    times: F64
    value: F64
    threshold: F64
    applies: npt.NDArray[np.bool_]


def numpy_inputs(frame: Any) -> NumpyInputs:
    """The arrays of an ``Evaluation.to_pandas()`` frame (item-major, complete grid)."""
    items = [str(x) for x in frame["item"].cat.categories]
    periods = [str(x) for x in frame["period"].cat.categories]
    nk, np_ = len(items), len(periods)
    nr = len(frame["region"].cat.categories)
    shape = (nk, nr, np_)
    if len(frame) != nk * nr * np_:
        raise ValueError(f"{len(frame)} rows, not items × regions × periods = {nk * nr * np_}")
    status = frame["status"]
    na = list(status.cat.categories).index("not_applicable")
    return NumpyInputs(
        items=items,
        times=np.array([period_time(p) for p in periods]),
        value=frame["value"].to_numpy(np.float64).reshape(shape),
        threshold=frame["threshold"].to_numpy(np.float64).reshape(shape),
        applies=(status.cat.codes.to_numpy() != na).reshape(shape),
    )


def _window_reach(times: F64, window: float) -> tuple[int, npt.NDArray[np.intp]]:
    """The most periods a window reaches back, and per period the first index inside it."""
    lo = np.searchsorted(times, times - window - 1e-9, side="left")
    return int((np.arange(len(times)) - lo).max(initial=0)), lo


def project_numpy(x: NumpyInputs, specs: Specs) -> dict[str, dict[str, Any]]:
    """Every deadline's status (int8), projected value, actual and required change, as flat
    arrays in the evaluation's row order."""
    t = x.times
    present = x.applies & np.isfinite(x.value)
    index = {code: k for k, code in enumerate(x.items)}
    out: dict[str, dict[str, Any]] = {}
    # Per group of items (same settings but the target): its series, and per (window, method)
    # what every deadline shares, the window start and the actual change.
    series: dict[tuple[int, ...], dict[str, Any]] = {}
    paces: dict[tuple[tuple[int, ...], float, bool], dict[str, F64]] = {}
    with np.errstate(all="ignore"):
        for key, per_item in specs.by_deadline.items():
            due = specs.due[key]
            status = np.full(x.value.shape, NOT_ASSESSED, np.int8)
            cols = {n: np.full(x.value.shape, np.nan) for n in ("projected", "actual", "required")}
            groups: dict[Spec, list[int]] = {}
            for code, spec in per_item.items():
                if code in index:
                    groups.setdefault(spec, []).append(index[code])
            for spec, ks in groups.items():
                sel = np.array(ks)
                gkey = tuple(ks)
                if gkey not in series:
                    v = x.value[sel]
                    series[gkey] = {"v": v, "present": present[sel], "applies": x.applies[sel],
                                    "threshold": x.threshold[sel]}
                g = series[gkey]
                v, pres = g["v"], g["present"]
                target = (np.full(v.shape, spec.target) if spec.target is not None
                          else g["threshold"])
                pkey = (gkey, spec.window, spec.compound)
                if pkey not in paces:
                    paces[pkey] = _pace(t, v, pres, spec.window, spec.compound)
                st, proj, act, req = _kernel(t, due, v, pres, target, spec, paces[pkey])
                # Not assessed: the item does not apply (no window start, every number NaN
                # already) or there is no target (the projected value and actual change are
                # numbers all the same).
                no_target = np.isnan(target)
                status[sel] = np.where(g["applies"] & ~no_target, st, np.int8(NOT_ASSESSED))
                if no_target.any():
                    proj, act = np.where(no_target, np.nan, proj), np.where(no_target, np.nan, act)
                cols["projected"][sel] = proj
                cols["actual"][sel] = act
                cols["required"][sel] = req
            out[key] = {"status": status.reshape(-1)} | {n: c.reshape(-1) for n, c in cols.items()}
    return out


def _log(x: F64) -> F64:
    """``ln x`` where ``x > 0``, else NaN."""
    return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)


def _pace(t: F64, v: F64, present: npt.NDArray[np.bool_], window: float,
          compound: bool) -> dict[str, F64]:
    """Window start (time, value, log value) and actual change of (k, r, p) series."""
    reach, lo = _window_reach(t, window)
    n = t.shape[0]
    e = np.arange(n)
    # The offset back to the window start (0: none): nearest candidates first, each further
    # present one inside the window overwriting, so the earliest wins.
    off = np.zeros(v.shape, np.int16)
    for d in range(1, reach + 1):
        inside = e[d:] - d >= lo[d:]
        off[..., d:][present[..., :-d] & inside] = d
    off[~present] = 0
    has = off > 0
    src = e - off  # the start's index (e itself where there is none)
    t0 = np.where(has, t[src], np.nan)
    v0 = np.where(has, np.take_along_axis(v, src.astype(np.intp), axis=-1), np.nan)
    dt_ = t - t0
    if compound:
        logs = _log(v)
        l0 = np.where(has, np.take_along_axis(logs, src.astype(np.intp), axis=-1), np.nan)
        g = (logs - l0) / dt_
        c = np.exp(g) - 1.0
        ok = (dt_ > 0) & np.isfinite(g) & np.isfinite(c)
        return {"t0": t0, "v0": v0, "l0": l0, "logs": logs,
                "rate": np.where(ok, g, np.nan), "actual": np.where(ok, c, np.nan)}
    lin = (v - v0) / dt_
    return {"t0": t0, "v0": v0, "actual": np.where(np.isfinite(lin), lin, np.nan)}


def _met(v: F64, target: F64, spec: Spec) -> npt.NDArray[np.bool_]:
    d = spec.sign * (v - target)
    return d >= 0 if spec.inclusive else d > 0


def _kernel(t: F64, due: float, v: F64, present: npt.NDArray[np.bool_], target: F64, spec: Spec,
            pace: dict[str, F64]) -> tuple[Any, F64, F64, F64]:
    """Status, projected, actual, required of one deadline for (k, r, p) series."""
    t0, v0, actual = pace["t0"], pace["v0"], pace["actual"]
    horizon = due - t  # per period
    # The value at the deadline (NaN where the actual change is, the rate being NaN with it).
    at = v * np.exp(pace["rate"] * horizon) if spec.compound else v + actual * horizon
    projected = np.where(np.isfinite(at) & (horizon > 0), at, np.nan)
    from_start = ~_met(v0, target, spec) if spec.from_start else np.zeros(v.shape, bool)
    span = due - np.where(from_start, t0, t)
    if spec.compound:
        g = (_log(target) - np.where(from_start, pace["l0"], pace["logs"])) / span
        required = np.exp(g) - 1.0
        ok = np.isfinite(g) & np.isfinite(required)
    else:
        required = (target - np.where(from_start, v0, v)) / span
        ok = np.isfinite(required)
    required = np.where(ok & (span > 0) & ~np.isnan(t0), required, np.nan)
    ratio = actual / required
    a, b, c3 = spec.bands
    band = (ratio >= a).view(np.int8) + (ratio >= b).view(np.int8) + (ratio >= c3).view(np.int8)
    band += np.int8(MOVING_AWAY)
    missed = (horizon <= 0)
    status = np.where(np.isfinite(ratio), band, np.int8(INSUFFICIENT))
    status = np.where(missed, np.int8(MISSED), status)
    status = np.where(_met(v, target, spec), np.int8(ACHIEVED), status)
    status = np.where(present, status, np.int8(INSUFFICIENT))
    return status, projected, actual, required


# ---------------------------------------------------------------------------------------------
# polars


def polars_inputs(frame: Any) -> Any:
    """The evaluation columns as a polars frame: ``item``, ``period`` (Enums in the
    evaluation's order), ``value``, ``threshold``, ``applies`` — in the frame's row order
    (item-major, complete, periods in time order within each series, as :func:`numpy_inputs`
    requires)."""
    import polars as pl

    items = [str(x) for x in frame["item"].cat.categories]
    periods = [str(x) for x in frame["period"].cat.categories]
    status = frame["status"]
    na = list(status.cat.categories).index("not_applicable")
    if len(frame) != len(items) * len(periods) * len(frame["region"].cat.categories):
        raise ValueError(f"{len(frame)} rows, not items × regions × periods")
    return pl.DataFrame({
        "item": pl.Series(items, dtype=pl.Enum(items)).gather(frame["item"].cat.codes.to_numpy()),
        "period": pl.Series(periods, dtype=pl.Enum(periods))
        .gather(frame["period"].cat.codes.to_numpy()),
        "value": frame["value"].to_numpy(np.float64),
        "threshold": frame["threshold"].to_numpy(np.float64),
        "applies": status.cat.codes.to_numpy() != na,
    })


def project_polars(df: Any, specs: Specs) -> Any:
    """Every deadline's columns (``status_<d>`` Int8, ``projected_<d>``, ``actual_<d>``,
    ``required_<d>``) for a :func:`polars_inputs` frame, in its row order.

    Each row gets its item's settings per deadline (a lookup by the item's code for a setting
    that differs between items, a literal for one they share; ``on_<d>`` false where the item
    does not project to the deadline); one set of expressions then serves every item,
    ``when(compound)`` choosing between the linear and compound formulas. Window starts
    come from ``shift(d)`` over the whole (item-major, period-ordered, complete) frame, kept
    where the shifted row is of the same series (period index ≥ d) — the equivalent of
    ``shift(d).over("item", "region")`` without the grouping."""
    import polars as pl

    items = list(df.schema["item"].categories)
    periods = list(df.schema["period"].categories)
    times = [period_time(p) for p in periods]
    col, lit = pl.col, pl.lit
    nan = lit(float("nan"))

    def fin(e: Any) -> Any:
        return pl.when(e.is_finite()).then(e).otherwise(nan)

    def ln(e: Any) -> Any:
        return pl.when(e > 0).then(e.log()).otherwise(nan)

    windows = sorted({s.window for per in specs.by_deadline.values() for s in per.values()})
    code = col("item").to_physical()
    # Per deadline, each row's settings: a literal where every item that projects to the
    # deadline has the same, else a lookup by the item's code (null where it has none).
    fields: dict[str, tuple[Any, Any]] = {
        "compound": (lambda s: s.compound, pl.Boolean),
        "from_start": (lambda s: s.from_start, pl.Boolean),
        "sign": (lambda s: s.sign, pl.Float64),
        "inclusive": (lambda s: s.inclusive, pl.Boolean),
        "window": (lambda s: windows.index(s.window), pl.Int8),
        "band_a": (lambda s: s.bands[0], pl.Float64),
        "band_b": (lambda s: s.bands[1], pl.Float64),
        "band_c": (lambda s: s.bands[2], pl.Float64),
        "target": (lambda s: s.target, pl.Float64),
    }
    setting: dict[str, dict[str, Any]] = {}
    lookups: list[Any] = []
    for key, per in specs.by_deadline.items():
        ss = [per.get(i) for i in items]
        lookups.append(lit(pl.Series([s is not None for s in ss])).gather(code).alias(f"on_{key}"))
        setting[key] = {"on": col(f"on_{key}")}
        for name, (f, dtype) in fields.items():
            values = {f(s) for s in ss if s is not None}
            if len(values) == 1:
                setting[key][name] = lit(values.pop(), dtype)
            else:
                lookups.append(lit(pl.Series([None if s is None else f(s) for s in ss],
                                             dtype=dtype)).gather(code).alias(f"{name}_{key}"))
                setting[key][name] = col(f"{name}_{key}")
    q = (
        df.lazy()
        .with_columns(
            p=col("period").to_physical().cast(pl.Int32),
            present=col("applies") & col("value").is_finite(),
            *lookups,
        )
        .with_columns(t=lit(pl.Series(times, dtype=pl.Float64)).gather(col("p")))
    )
    # 1. Window starts, per window: the first present candidate from the furthest offset.
    starts = []
    for j, w in enumerate(windows):
        reach, _ = _window_reach(np.array(times), w)
        offsets = range(reach, 0, -1)
        cond = [col("present").shift(d) & (col("p") >= d)
                & (col("t").shift(d) >= col("t") - w - 1e-9) for d in offsets]
        for name, src in (("t0", "t"), ("v0", "value")):
            cands = [pl.when(c).then(col(src).shift(d)) for c, d in zip(cond, offsets, strict=True)]
            e = pl.when(col("present")).then(pl.coalesce(cands)) if cands else lit(None)
            starts.append(e.fill_null(nan).alias(f"{name}_{j}"))
    q = q.with_columns(starts)
    # 2. Actual changes per window: linear; the continuous rate and the compound change.
    q = q.with_columns(
        [fin((col("value") - col(f"v0_{j}")) / (col("t") - col(f"t0_{j}"))).alias(f"lin_{j}")
         for j in range(len(windows))]
        + [ln(col("value")).alias("logs")]
        + [ln(col(f"v0_{j}")).alias(f"l0_{j}") for j in range(len(windows))]
    )
    q = q.with_columns(
        [((col("logs") - col(f"l0_{j}")) / (col("t") - col(f"t0_{j}"))).alias(f"g_{j}")
         for j in range(len(windows))]
    )
    q = q.with_columns(
        [(col(f"g_{j}").exp() - 1.0).alias(f"c_{j}") for j in range(len(windows))]
    )
    ok = [(col("t") > col(f"t0_{j}")) & col(f"g_{j}").is_finite() & col(f"c_{j}").is_finite()
          for j in range(len(windows))]
    q = q.with_columns(
        [pl.when(ok[j]).then(col(f"g_{j}")).otherwise(nan).alias(f"rate_{j}")
         for j in range(len(windows))]
        + [pl.when(ok[j]).then(col(f"c_{j}")).otherwise(nan).alias(f"cagr_{j}")
           for j in range(len(windows))]
    )

    def by_window(name: str, key: str) -> Any:
        e = col(f"{name}_0")
        for j in range(1, len(windows)):
            e = pl.when(setting[key]["window"] == j).then(col(f"{name}_{j}")).otherwise(e)
        return e

    # 3. Per deadline, the row's own settings: the window start and actual change, then the
    #    projected value and the required change, then the status.
    stage_a: list[Any] = []
    stage_b: list[Any] = []
    stage_c: list[Any] = []
    out: list[Any] = []
    for key in specs.by_deadline:
        due = specs.due[key]
        compound = setting[key]["compound"]
        target = pl.coalesce(setting[key]["target"], col("threshold"))
        stage_a += [
            target.alias(f"tg_{key}"),
            by_window("t0", key).alias(f"t0_{key}"),
            by_window("v0", key).alias(f"v0_{key}"),
            by_window("l0", key).alias(f"l0_{key}"),
            by_window("rate", key).alias(f"rate_{key}"),
            pl.when(compound).then(by_window("cagr", key)).otherwise(by_window("lin", key))
            .alias(f"act_{key}"),
        ]
        t0, v0, l0 = col(f"t0_{key}"), col(f"v0_{key}"), col(f"l0_{key}")
        actual, target = col(f"act_{key}"), col(f"tg_{key}")
        v, t = col("value"), col("t")
        horizon = lit(due) - t

        def met(x: Any, key: str = key, target: Any = target) -> Any:
            d = setting[key]["sign"] * (x - target)
            return (d > 0) | (setting[key]["inclusive"] & (d == 0))

        at = pl.when(compound).then(v * (col(f"rate_{key}") * horizon).exp()) \
            .otherwise(v + actual * horizon)
        projected = pl.when((horizon > 0) & actual.is_not_nan()).then(fin(at)).otherwise(nan)
        from_start = setting[key]["from_start"] & ~met(v0)
        span = lit(due) - pl.when(from_start).then(t0).otherwise(t)
        g = (ln(target) - pl.when(from_start).then(l0).otherwise(col("logs"))) / span
        c = g.exp() - 1.0
        req_c = pl.when(g.is_finite() & c.is_finite()).then(c).otherwise(nan)
        req_l = fin((target - pl.when(from_start).then(v0).otherwise(v)) / span)
        required = pl.when(t0.is_not_nan() & (span > 0)) \
            .then(pl.when(compound).then(req_c).otherwise(req_l)).otherwise(nan)
        stage_b += [projected.alias(f"proj_{key}"), required.alias(f"req_{key}")]
        ratio = actual / col(f"req_{key}")
        band = (lit(MOVING_AWAY, pl.Int8) + (ratio >= setting[key]["band_a"]).cast(pl.Int8)
                + (ratio >= setting[key]["band_b"]).cast(pl.Int8)
                + (ratio >= setting[key]["band_c"]).cast(pl.Int8))
        status = (pl.when(~col("present")).then(lit(INSUFFICIENT, pl.Int8))
                  .when(met(v)).then(lit(ACHIEVED, pl.Int8))
                  .when(horizon <= 0).then(lit(MISSED, pl.Int8))
                  .when(ratio.is_finite()).then(band)
                  .otherwise(lit(INSUFFICIENT, pl.Int8)))
        # Assessed: the item projects to the deadline, applies to the region and has a target.
        assessed = col("applies") & setting[key]["on"] & target.is_not_nan()
        stage_c.append(assessed.alias(f"assessed_{key}"))
        yes = col(f"assessed_{key}")
        out += [
            pl.when(yes).then(status).otherwise(lit(NOT_ASSESSED, pl.Int8)).cast(pl.Int8)
            .alias(f"status_{key}"),
            pl.when(yes).then(col(f"proj_{key}")).otherwise(nan).alias(f"projected_{key}"),
            pl.when(yes).then(actual).otherwise(nan).alias(f"actual_{key}"),
            pl.when(yes).then(col(f"req_{key}")).otherwise(nan).alias(f"required_{key}"),
        ]
    return q.with_columns(stage_a).with_columns(stage_b + stage_c).select(out).collect()


def polars_columns(frame: Any, specs: Specs) -> dict[str, dict[str, Any]]:
    """:func:`project_polars`'s frame as :func:`project_numpy`'s dict of numpy arrays."""
    return {key: {n: frame[f"{n}_{key}"].to_numpy() for n in OUTPUTS} for key in specs.by_deadline}


# ---------------------------------------------------------------------------------------------
# the check


def ecociv_columns(frame: Any, deadlines: list[str]) -> dict[str, dict[str, Any]]:
    """ecociv's projection columns of a ``to_pandas()`` frame, status as int8 codes (−2 where
    not assessed)."""
    out: dict[str, dict[str, Any]] = {}
    for key in deadlines:
        st = frame[f"projection_{key}"]
        lut = np.array([STATUS_CODES[str(c)] for c in st.cat.categories], np.int8)
        codes = st.cat.codes.to_numpy()
        out[key] = {
            "status": np.where(codes < 0, np.int8(NOT_ASSESSED), lut[np.maximum(codes, 0)]),
            **{n: frame[p + key].to_numpy(np.float64) for n, p in OUTPUTS.items() if n != "status"},
        }
    return out


#: The absolute allowance of :func:`compare` for the changes (``actual``, ``required``): two
#: ulps of 1.0. A compound change is ``exp(g) − 1``, whose rounding is absolute (an ulp of
#: ``exp(g)`` ≈ 1): two ``exp`` implementations that round ``exp(g)`` one ulp apart give changes
#: 1.1e-16 apart, which for a change of ~1e-7 is more than 1e-9 relative (M has such a row:
#: −6.8e-8 by numpy's ``exp``, glibc's and ecociv's give the neighbour of ``exp(g)``).
CHANGE_ATOL = 2.0**-51


def compare(ours: dict[str, dict[str, Any]], frame: Any, rtol: float = 1e-9,
            change_atol: float = CHANGE_ATOL) -> list[str]:
    """The differences between a baseline's columns and ecociv's (``frame``: ``to_pandas()``
    of the same data with the projections): statuses equal everywhere, numbers equal within a
    relative `rtol` (the changes also within `change_atol` absolute, see :data:`CHANGE_ATOL`),
    NaN exactly where ecociv has NaN. An empty list when they agree."""
    problems: list[str] = []
    theirs = ecociv_columns(frame, list(ours))
    extra = {c.removeprefix("projection_") for c in frame.columns
             if c.startswith("projection_")} - set(ours)
    if extra:
        problems.append(f"deadlines missing from the baseline: {sorted(extra)}")
    for key, cols in ours.items():
        for name in OUTPUTS:
            a = np.asarray(cols[name])
            b = theirs[key][name]
            if a.shape != b.shape:
                problems.append(f"{key} {name}: {a.shape} rows, ecociv {b.shape}")
                continue
            if name == "status":
                bad = np.flatnonzero(a != b)
            else:
                atol = change_atol if name in ("actual", "required") else 0.0
                both = np.isnan(a) & np.isnan(b)
                with np.errstate(invalid="ignore"):
                    close = np.abs(a - b) <= rtol * np.maximum(np.abs(a), np.abs(b)) + atol
                bad = np.flatnonzero(~(both | close | (a == b)))
            if bad.size:
                i = int(bad[0])
                problems.append(f"{key} {name}: {bad.size} rows differ, first row {i}: "
                                f"baseline {a[i]!r}, ecociv {b[i]!r}")
    return problems
