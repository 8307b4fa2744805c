#!/usr/bin/env python3
"""Builds the Baoshan demo dataset: 保山市 and its five counties, 2012-2020, every metric the
built-in ``baoshan-2017`` programme needs, plus the real sourced points of
``../shared/data/baoshan-sourced-points.csv``.

Every value that is not one of those real points is ILLUSTRATIVE: generated here from a fixed
seed so that the demo tells a plausible story (most items pass by 2017, a few do not). Its
``source`` column says so. The real points keep their source address and note.

Usage: python examples/data/make_baoshan_demo.py   (rewrites baoshan-demo.csv next to it)
Only the standard library is used, so the output is byte-identical on any machine.
"""
from __future__ import annotations

import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "baoshan-demo.csv")
ILLUSTRATIVE = "illustrative: ecociv demo value, not an official statistic"

CITY = "530500"
COUNTIES = ["530502", "530521", "530581", "530523", "530524"]  # 隆阳 施甸 腾冲 龙陵 昌宁
REGIONS = [CITY] + COUNTIES
YEARS = list(range(2012, 2021))

# Real, sourced points (../shared/data/baoshan-sourced-points.csv), mapped to metric codes.
# Points whose statistic differs from the programme's metric go to metrics of their own
# (see baoshan-demo-metrics.csv), so that nothing is silently re-labelled.
REAL = [
    # region, metric, period, value, unit, source, note
    (CITY, "gdp", "2012", 389.96, "亿元", "news.jiulongw.cn/heb/2021-11-08/121554.html", "地区生产总值"),
    (CITY, "gdp", "2020", 1052.58, "亿元", "news.jiulongw.cn/heb/2021-11-08/121554.html",
     "地区生产总值; source states average annual growth 10.8%"),
    (CITY, "rural_income", "2010", 3626, "元/人", "m.wenke99.com/p-1851343.html",
     "农民人均纯收入; paper (2016); Yunnan 2010 = 3952; China 2010 = 5919"),
    (CITY, "rural_disposable_income", "2012", 5331, "元/人", "news.jiulongw.cn/heb/2021-11-08/121554.html",
     "labelled 可支配收入 but predates the 2013 household-survey reform; may be 纯收入 or back-calculated"),
    (CITY, "rural_disposable_income", "2020", 13426, "元/人", "news.jiulongw.cn/heb/2021-11-08/121554.html",
     "a different statistic from 农民人均纯收入"),
    (CITY, "urban_disposable_income", "2012", 18907, "元/人", "news.jiulongw.cn/heb/2021-11-08/121554.html", ""),
    (CITY, "urban_disposable_income", "2020", 36433, "元/人", "news.jiulongw.cn/heb/2021-11-08/121554.html", ""),
    (CITY, "air_good_days", "2017", 359, "天", "www.baoshan.cn/2018/1122/23224.shtml",
     "中心城市空气质量优良天数, of 365 days (98.4%)"),
    (CITY, "air_good_days_share", "2020", 99.2, "%", "www.hbj.baoshan.gov.cn/info/1080/9360.htm",
     "中心城区空气质量优良天数比例; assessment target >= 98.7"),
    (CITY, "forest_coverage", "2012", 62, "%", "www.mbcehh.com/yp/52529.html", "undated statement (about 2012)"),
    (CITY, "forest_land_area", "2012", 1920, "万亩", "www.mbcehh.com/yp/52529.html", "undated statement (about 2012)"),
    (CITY, "nature_reserve_share", "2012", 6.4, "%", "www.mbcehh.com/yp/52529.html",
     "nature reserves only (1254.08 km2); 受保护地区 counts more categories"),
    (CITY, "eco_township_named_share", "2017", 86.1, "%", "g-star3301.com/html/hjgl..info10914867.html",
     "62 of 72 townships/streets named by 2017-03"),
    (CITY, "population", "2020", 2431211, "人", "wenrenren.com/c/0R01DSH021_2.html", "7th census"),
    ("530581", "forest_coverage", "2017", 73, "%", "tibet.cn/cn/Instant/municipal/202208/t20220803_7249934.html", ""),
    ("530581", "forest_coverage", "2021", 77.23, "%", "tibet.cn/cn/Instant/municipal/202208/t20220803_7249934.html", ""),
    ("530581", "forest_coverage", "2023", 74.72, "%", "www.wnwk.com/doc/3589835.html",
     "conflicts with 2021 value from another source: a different survey base"),
    ("530523", "population", "2020", 272769, "人", "qinglite.cn/doc/3118670e133e9e529", "7th census"),
    ("530523", "population", "2010", 277319, "人", "qinglite.cn/doc/3118670e133e9e529", "6th census"),
]

UNITS = {
    "rural_income": "元/人", "tertiary_va": "亿元", "gdp": "亿元", "energy_per_gdp": "吨标煤/万元",
    "industrial_water_per_va": "m3/万元", "irrigation_efficiency": "", "clean_production_audit_rate": "%",
    "forest_coverage": "%", "forest_land_area": "万亩", "protected_area_share": "%",
    "air_quality_meets": "", "water_quality_meets": "", "cross_border_class": "类",
    "cod_emission": "吨", "cod_quota": "吨", "nh3n_emission": "吨", "nh3n_quota": "吨",
    "so2_emission": "吨", "so2_quota": "吨", "nox_emission": "吨", "nox_quota": "吨",
    "drinking_water_compliance": "%", "sewage_treatment_rate": "%", "industrial_water_reuse": "%",
    "noise_meets": "", "msw_harmless_rate": "%", "industrial_solid_waste_use": "%",
    "hazardous_discharge": "吨", "green_space_per_capita": "m2/人", "env_investment": "亿元",
    "urbanization": "%", "public_satisfaction": "%", "major_incidents": "次",
}


def ramp(rng, start, step, noise, lo=None, hi=None, dec=2):
    """A trending series over YEARS with a little noise, clipped."""
    out, v = [], start
    for _ in YEARS:
        x = v + rng.uniform(-noise, noise)
        if lo is not None:
            x = max(lo, x)
        if hi is not None:
            x = min(hi, x)
        out.append(round(x, dec))
        v += step
    return out


def region_series(rng, region, k):
    """Illustrative series for one region; k (0..5) shifts levels so regions differ."""
    s = {}
    y = YEARS
    n = len(y)
    s["rural_income"] = ramp(rng, 5200 + 250 * k, 520, 60, dec=0)
    gdp0 = 389.96 if region == CITY else [95, 38, 110, 42, 65][k - 1]
    growth = (1052.58 / 389.96) ** (1 / 8)
    s["gdp"] = [round(gdp0 * growth ** i * (1 + rng.uniform(-0.01, 0.01)), 2) for i in range(n)]
    share3 = ramp(rng, 35.5 + k * 0.6, 0.9, 0.4)
    s["tertiary_va"] = [round(g * sh / 100, 2) for g, sh in zip(s["gdp"], share3)]
    s["energy_per_gdp"] = ramp(rng, 1.24 - 0.02 * k, -0.035, 0.01, dec=3)
    s["industrial_water_per_va"] = ramp(rng, 38 - k, -1.6, 0.5, dec=1)
    s["irrigation_efficiency"] = ramp(rng, 0.46 + 0.005 * k, 0.008, 0.002, dec=3)
    s["clean_production_audit_rate"] = [min(100.0, v) for v in ramp(rng, 88 + k, 2.5, 0.5, dec=1)]
    fc0 = {CITY: 62.0, "530581": 70.9}.get(region, 55.0 + 2 * k)
    s["forest_coverage"] = [round(fc0 + 0.36 * i + rng.uniform(-0.03, 0.03), 2) for i in range(n)]
    fl0 = 1920.0 if region == CITY else [420, 180, 520, 260, 330][k - 1]
    s["forest_land_area"] = [round(fl0 * (1.0009 + 0.0002 * (i % 3)) ** i, 2) for i in range(n)]
    s["protected_area_share"] = ramp(rng, 13.2 + 0.5 * k, 0.35, 0.1)
    s["air_quality_meets"] = [1] * n
    s["water_quality_meets"] = [1] * n
    s["cross_border_class"] = [3] * 3 + [2] * (n - 3)
    for p, base in (("cod", 9000), ("nh3n", 900), ("so2", 12000), ("nox", 9500)):
        scale = 1.0 if region == CITY else 0.2
        q = [round(base * scale * (1 - 0.02 * i), 1) for i in range(n)]
        s[f"{p}_quota"] = q
        s[f"{p}_emission"] = [round(x * rng.uniform(0.85, 0.98), 1) for x in q]
    s["drinking_water_compliance"] = [100.0] * n
    s["sewage_treatment_rate"] = ramp(rng, 76 + k, 1.6, 0.5, hi=98, dec=1)
    s["industrial_water_reuse"] = ramp(rng, 74 + k, 1.3, 0.5, hi=98, dec=1)
    s["noise_meets"] = [1] * n
    s["msw_harmless_rate"] = ramp(rng, 72 + k, 2.2, 0.6, hi=100, dec=1)
    s["industrial_solid_waste_use"] = ramp(rng, 74 + k, 1.4, 0.5, hi=99, dec=1)
    s["hazardous_discharge"] = [0.0] * n
    s["green_space_per_capita"] = ramp(rng, 8.6 + 0.2 * k, 0.35, 0.1)
    inv = ramp(rng, 2.1 + 0.05 * k, 0.12, 0.05)
    s["env_investment"] = [round(g * r / 100, 3) for g, r in zip(s["gdp"], inv)]
    s["urbanization"] = ramp(rng, 31 + 1.2 * k, 1.4, 0.2, dec=1)
    s["public_satisfaction"] = ramp(rng, 84 + 0.4 * k, 0.9, 0.3, hi=99, dec=1)
    s["major_incidents"] = [0] * n
    # A few stories that make the scorecard worth reading.
    if region == "530521":                      # 施甸县: one incident in 2015
        s["major_incidents"][YEARS.index(2015)] = 1
    if region == "530523":                      # 龙陵县: a cross-border section worsened in 2017
        s["cross_border_class"][YEARS.index(2017)] = 3
    if region == "530524":                      # 昌宁县: no 2016 survey of public satisfaction
        s["public_satisfaction"][YEARS.index(2016)] = None
    return s


def main():
    rng = random.Random(20170327)  # the plan's date
    real_keys = {(r, m, p) for r, m, p, *_ in REAL}
    rows = []
    for k, region in enumerate(REGIONS):
        for metric, values in region_series(rng, region, k).items():
            for year, v in zip(YEARS, values):
                if v is None or (region, metric, str(year)) in real_keys:
                    continue
                rows.append((region, metric, str(year), v, UNITS[metric], ILLUSTRATIVE, ""))
    rows.extend(REAL)
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "metric", "period", "value", "unit", "source", "note"])
        for r in rows:
            v = r[3]
            w.writerow([r[0], r[1], r[2], repr(float(v)) if isinstance(v, float) else v, *r[4:]])
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
