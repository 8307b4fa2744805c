//! The columnar roll-ups against the former per-cell computation (one `Member` of options
//! per member and cell, combined with the public rules of
//! [`crate::assess::aggregate`] and [`aggregate_grouped`]), bit for bit, on random shapes,
//! declarations, applicability and data, over several blocks and workers.

use super::*;
use crate::assess::aggregate::{
    Rated, colour_categorical, colour_continuous, enough_data, mean_score,
};
use crate::assess::codes::NOT_ASSESSED;
use crate::assess::progress::{ProgressScore, aggregate_grouped};
use crate::model::{AggregationSpec, ColourRule};

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// A value on a coarse grid in `lo..hi` (ties between members are common).
    fn grid(&mut self, lo: f64, hi: f64, steps: usize) -> f64 {
        lo + (hi - lo) * self.below(steps + 1) as f64 / steps as f64
    }
}

/// One item row: whether the item applies, its score, band code, position, progress
/// score and target achieved.
#[derive(Clone, Copy)]
struct Row {
    applies: bool,
    score: f64,
    band: i8,
    position: f64,
    progress: f64,
    achieved: bool,
}

/// The former per-cell member.
#[derive(Clone, Copy, Default)]
struct Cell<'a> {
    score: Option<f64>,
    colour: Option<Rated>,
    progress: Option<Option<ProgressScore>>,
    sub_group: Option<&'a str>,
}

/// The former `combine`.
fn combine<'a>(members: &[Cell<'a>], spec: &AggregationSpec, max: Option<f64>) -> Cell<'a> {
    let scores: Vec<f64> = members.iter().filter_map(|m| m.score).collect();
    let present: Vec<bool> = scores.iter().map(|s| !s.is_nan()).collect();
    let zeroed: Vec<f64> = scores
        .iter()
        .map(|&s| if s.is_nan() { 0.0 } else { s })
        .collect();
    let score =
        (!scores.is_empty()).then(|| mean_score(&zeroed, &present, max).unwrap_or(f64::NAN));
    let rated: Vec<Rated> = members.iter().filter_map(|m| m.colour).collect();
    let colour = (!rated.is_empty()).then(|| {
        let present: Vec<bool> = rated.iter().map(|r| r.band != Band::Grey).collect();
        if !enough_data(&present, max) {
            return Rated {
                band: Band::Grey,
                position: f64::NAN,
            };
        }
        match spec.colour {
            ColourRule::Continuous => colour_continuous(&rated, spec.all_green),
            ColourRule::Categorical => {
                let bands: Vec<Band> = rated.iter().map(|r| r.band).collect();
                Rated {
                    band: colour_categorical(&bands, spec.all_green),
                    position: f64::NAN,
                }
            }
        }
    });
    let progress: Vec<(Option<&str>, Option<ProgressScore>)> = members
        .iter()
        .filter_map(|m| m.progress.map(|p| (m.sub_group, p)))
        .collect();
    let progress = (!progress.is_empty()).then(|| aggregate_grouped(&progress));
    Cell {
        score,
        colour,
        progress,
        sub_group: None,
    }
}

/// A cell's outputs: score bits, band, position bits, progress code, progress score bits.
fn outputs(m: &Cell<'_>) -> (u64, i8, u64, i8, u64) {
    let (band, position) = m
        .colour
        .map_or((NOT_ASSESSED, f64::NAN), |c| (c.band.code(), c.position));
    let (progress, progress_score) = m.progress.map_or((NOT_ASSESSED, f64::NAN), |p| {
        let status =
            ProgressStatus::from_score(p.map(|p| p.score), p.is_some_and(|p| p.target_achieved));
        (status.code(), p.map_or(f64::NAN, |p| p.score))
    });
    (
        m.score.unwrap_or(f64::NAN).to_bits(),
        band,
        position.to_bits(),
        progress,
        progress_score.to_bits(),
    )
}

fn level_outputs(level: &RollUp, g: usize, r: usize, t: usize) -> (u64, i8, u64, i8, u64) {
    let c = level.cell(g, r, t);
    (
        level.score[c].to_bits(),
        level.band[c],
        level.position[c].to_bits(),
        level.progress[c],
        level.progress_score[c].to_bits(),
    )
}

/// One random case: roll-ups against the former computation, every cell.
fn case(seed: u64, regions: usize, periods: usize, threads: Option<usize>) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let items = 1 + rng.below(9);
    let groups = ["a", "b", "c"];
    let declared: Vec<Declared<'static>> = (0..items)
        .map(|_| {
            let progress = rng.chance(50);
            Declared {
                score: rng.chance(70),
                bands: rng.chance(70),
                progress,
                sub_group: (progress && rng.chance(50)).then(|| groups[rng.below(3)]),
            }
        })
        .collect();
    // Indicators: each item in at most one, some indicators empty.
    let ni = 1 + rng.below(5);
    let mut indicators: Vec<(String, Vec<usize>)> =
        (0..ni).map(|i| (format!("I{i}"), Vec::new())).collect();
    for k in 0..items {
        if rng.chance(90) {
            indicators[rng.below(ni)].1.push(k);
        }
    }
    let nc = 1 + rng.below(3);
    let mut categories: Vec<(String, Vec<usize>)> =
        (0..nc).map(|c| (format!("C{c}"), Vec::new())).collect();
    // Mostly a partition of the indicators; sometimes one in none or in two.
    for i in 0..ni {
        if rng.chance(90) {
            categories[rng.below(nc)].1.push(i);
        }
        if rng.chance(5) {
            categories[rng.below(nc)].1.push(i);
        }
    }
    let shares = [None, Some(0.0), Some(0.2), Some(0.5), Some(1.0)];
    let spec = AggregationSpec {
        colour: if rng.chance(50) {
            ColourRule::Continuous
        } else {
            ColourRule::Categorical
        },
        all_green: rng.chance(70),
        max_missing_share: shares[rng.below(shares.len())],
        group_max_missing_share: shares[rng.below(shares.len())],
        composite: None,
    };
    // Scores and positions are sometimes negated: −0 among them, whose sign the sums lose
    // exactly as the former ones did.
    let rows: Vec<Row> = (0..items * regions * periods)
        .map(|_| Row {
            applies: rng.chance(90),
            score: if rng.chance(20) {
                f64::NAN
            } else {
                rng.grid(0.0, 100.0, 8)
                    .copysign(if rng.chance(5) { -1.0 } else { 1.0 })
            },
            band: rng.below(5) as i8 - 1,
            position: if rng.chance(10) {
                f64::NAN
            } else {
                rng.grid(0.0, 4.0, 16)
                    .copysign(if rng.chance(3) { -1.0 } else { 1.0 })
            },
            progress: if rng.chance(30) {
                f64::NAN
            } else {
                rng.grid(-5.0, 5.0, 20)
            },
            achieved: rng.chance(20),
        })
        .collect();
    let shape = Shape {
        indicators: indicators.clone(),
        categories: categories.clone(),
        programme: "P".into(),
        declared: declared.clone(),
    };
    let got = roll_up(
        &shape,
        &spec,
        regions,
        periods,
        threads,
        |k, rs, mut out| {
            let d = declared[k];
            let rows = &rows[(k * regions + rs.start) * periods..(k * regions + rs.end) * periods];
            for (t, row) in rows.iter().enumerate() {
                if d.score {
                    out.score(t, row.applies, row.score);
                }
                if d.bands {
                    out.colour(t, row.applies, row.band, row.position);
                }
                if d.progress {
                    out.progress(t, row.applies, row.progress, row.achieved);
                }
            }
        },
    );
    for r in 0..regions {
        for t in 0..periods {
            let item = |k: usize| {
                let (d, row) = (declared[k], rows[(k * regions + r) * periods + t]);
                if !row.applies {
                    return Cell::default();
                }
                Cell {
                    score: d.score.then_some(row.score),
                    colour: d.bands.then(|| Rated {
                        band: Band::from_code(row.band).unwrap_or(Band::Grey),
                        position: row.position,
                    }),
                    progress: d.progress.then(|| {
                        row.progress.is_finite().then_some(ProgressScore {
                            score: row.progress,
                            target_achieved: row.achieved,
                        })
                    }),
                    sub_group: d.sub_group,
                }
            };
            let max = spec.group_max_missing_share;
            let inds: Vec<Cell<'_>> = indicators
                .iter()
                .map(|(_, ks)| {
                    combine(&ks.iter().map(|&k| item(k)).collect::<Vec<_>>(), &spec, max)
                })
                .collect();
            let cats: Vec<Cell<'_>> = categories
                .iter()
                .map(|(_, is)| {
                    combine(&is.iter().map(|&i| inds[i]).collect::<Vec<_>>(), &spec, max)
                })
                .collect();
            let mut p = combine(&cats, &spec, None);
            let present: Vec<bool> = inds
                .iter()
                .filter_map(|m| m.score.map(|s| !s.is_nan()))
                .collect();
            if !present.is_empty() && !enough_data(&present, spec.max_missing_share) {
                p.score = Some(f64::NAN);
            }
            let rated: Vec<bool> = inds
                .iter()
                .filter_map(|m| m.colour.map(|c| c.band != Band::Grey))
                .collect();
            if !rated.is_empty() && !enough_data(&rated, spec.max_missing_share) {
                p.colour = Some(Rated {
                    band: Band::Grey,
                    position: f64::NAN,
                });
            }
            let at = format!("seed {seed}, region {r}, period {t}");
            for (g, m) in inds.iter().enumerate() {
                assert_eq!(
                    level_outputs(&got.indicators, g, r, t),
                    outputs(m),
                    "indicator {g}, {at}"
                );
            }
            for (g, m) in cats.iter().enumerate() {
                assert_eq!(
                    level_outputs(&got.categories, g, r, t),
                    outputs(m),
                    "category {g}, {at}"
                );
            }
            assert_eq!(
                level_outputs(&got.programme, 0, r, t),
                outputs(&p),
                "programme, {at}"
            );
        }
    }
}

/// sdg-build's `get_progress_status_from_score`, as the branch-free code must give it.
fn status_by_ranges(score: f64, target_achieved: bool) -> ProgressStatus {
    if target_achieved {
        return ProgressStatus::TargetAchieved;
    }
    match score {
        s if (2.5..=5.0).contains(&s) => ProgressStatus::Substantial,
        s if (0.0..2.5).contains(&s) => ProgressStatus::Moderate,
        s if (-2.5..0.0).contains(&s) => ProgressStatus::Limited,
        s if (-5.0..-2.5).contains(&s) => ProgressStatus::Deterioration,
        _ => ProgressStatus::NotAvailable,
    }
}

/// The band of a 0–4 position by its floor, as the branch-free code must give it.
fn band_by_floor(p: f64) -> Band {
    if p >= 3.0 {
        Band::Green
    } else if p >= 2.0 {
        Band::Yellow
    } else if p >= 1.0 {
        Band::Orange
    } else if p.is_nan() {
        Band::Grey
    } else {
        Band::Red
    }
}

#[test]
fn branch_free_codes() {
    let mut values: Vec<f64> = (-240..=240).map(|i| f64::from(i) / 40.0).collect();
    values.extend([
        -0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        5.0 + 1e-12,
    ]);
    values.extend([-5.0 - 1e-12, 2.5 - 1e-15, -2.5 - 1e-15, -1e-300, 1e-300]);
    for x in values {
        for achieved in [false, true] {
            let want = status_by_ranges(x, achieved);
            assert_eq!(
                ProgressStatus::code_from_score(x, achieved),
                want.code(),
                "{x}"
            );
            assert_eq!(ProgressStatus::from_score(Some(x), achieved), want, "{x}");
        }
        assert_eq!(
            ProgressStatus::from_score(None, false),
            ProgressStatus::NotAvailable
        );
        let want = band_by_floor(x);
        assert_eq!(
            crate::assess::aggregate::band_code_of_position(x),
            want.code(),
            "{x}"
        );
        assert_eq!(crate::assess::aggregate::band_of_position(x), want, "{x}");
    }
}

#[test]
fn equal_to_the_per_cell_computation() {
    for seed in 0..300 {
        case(seed, 1 + seed as usize % 7, 1 + seed as usize % 5, Some(1));
    }
}

#[test]
fn equal_over_blocks_and_workers() {
    // Several blocks of regions, the last one partial; then several workers.
    for seed in 0..6 {
        case(1000 + seed, 450, 7, Some(1));
    }
    case(2000, 12_000, 6, Some(3));
}
