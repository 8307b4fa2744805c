//! Validation of `assess` and `aggregation` tables, called by the programme loader.

use crate::assess::AssessError;
use crate::assess::aggregate::BandScale;
use crate::model::{AggregationSpec, Assessment, Direction, Item, Milestone, Threshold, Weights};

fn finite(item: &str, field: &'static str, value: f64) -> Result<(), AssessError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(AssessError::NonFinite {
            item: item.to_owned(),
            field,
            value,
        })
    }
}

fn agree(
    item: &str,
    field: &'static str,
    found: Direction,
    against: &'static str,
    expected: Option<Direction>,
) -> Result<(), AssessError> {
    match expected {
        Some(e) if e != found => Err(AssessError::DirectionConflict {
            item: item.to_owned(),
            field,
            found: AssessError::word(found),
            against,
            expected: AssessError::word(e),
        }),
        _ => Ok(()),
    }
}

fn decreasing(item: &str, field: &'static str, values: [f64; 3]) -> Result<(), AssessError> {
    if values.iter().all(|v| v.is_finite()) && values[0] > values[1] && values[1] > values[2] {
        Ok(())
    } else {
        Err(AssessError::ThresholdOrder {
            item: item.to_owned(),
            field,
            values,
        })
    }
}

/// Checks an item's `assess` table against the item and the programme's milestones.
///
/// # Errors
/// The first problem found, naming the item and the field: non-finite numbers, `green == red`,
/// `yellow` outside red…green, `lower == optimum`, directions that disagree with each other or
/// with the comparator, bands and score bounds out of order, a trend without a score or green
/// threshold, a projection without exactly one deadline, with an unknown milestone, without a
/// target or direction, with a zero window or unordered ratio bands, progress thresholds out
/// of order or a target year not after the base year.
///
/// # Example
/// ```
/// use ecociv::assess::{validate_item, AssessError};
/// use ecociv::model::{Assessment, Attribute, Bands, Comparator, Item, Threshold};
/// let item = Item {
///     code: "F1".into(), name: "forest cover".into(), measure: "forest_coverage".into(),
///     comparator: Comparator::Ge, threshold: Some(Threshold::Value(65.0)), requires: None,
///     unit: Some("%".into()), attribute: Attribute::Binding, lead: vec![],
///     cooperating: vec![], applies_to: Default::default(), note: None, assess: None,
/// };
/// let mut a = Assessment { bands: Some(Bands { green: 65.0, red: 40.0, yellow: None }), ..Default::default() };
/// validate_item(&item, &a, &[])?;
/// a.bands = Some(Bands { green: 40.0, red: 65.0, yellow: None }); // lower-is-better bands on a >= item
/// assert!(matches!(validate_item(&item, &a, &[]), Err(AssessError::DirectionConflict { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_item(
    item: &Item,
    a: &Assessment,
    milestones: &[Milestone],
) -> Result<(), AssessError> {
    let code = item.code.as_str();
    let cmp_dir = item.comparator.higher_is_better().map(|h| {
        if h {
            Direction::Higher
        } else {
            Direction::Lower
        }
    });
    let mut bands_dir = None;
    if let Some(b) = &a.bands {
        finite(code, "bands.green", b.green)?;
        finite(code, "bands.red", b.red)?;
        if let Some(y) = b.yellow {
            finite(code, "bands.yellow", y)?;
            if y < b.green.min(b.red) || y > b.green.max(b.red) {
                return Err(AssessError::YellowOutside {
                    item: code.to_owned(),
                    yellow: y,
                    green: b.green,
                    red: b.red,
                });
            }
        }
        let dir = b.direction().ok_or(AssessError::EqualBands {
            item: code.to_owned(),
            value: b.green,
        })?;
        agree(code, "bands", dir, "the comparator", cmp_dir)?;
        bands_dir = Some(dir);
    }
    if let Some(s) = &a.score {
        finite(code, "score.lower", s.lower)?;
        finite(code, "score.optimum", s.optimum)?;
        let dir = s.direction().ok_or(AssessError::DegenerateScore {
            item: code.to_owned(),
            value: s.lower,
        })?;
        agree(code, "score", dir, "the comparator", cmp_dir)?;
        agree(code, "score", dir, "bands", bands_dir)?;
        if let Some(b) = &a.bands
            && BandScale::new(b, s).is_none()
        {
            let detail = format!(
                "lower {}, red {}, yellow {}, green {}, optimum {}",
                s.lower,
                b.red,
                b.yellow_cut(),
                b.green,
                s.optimum
            );
            return Err(AssessError::BandOrder {
                item: code.to_owned(),
                detail,
            });
        }
    }
    if let Some(t) = &a.trend {
        if a.score.is_none() {
            return Err(AssessError::TrendNeedsScore {
                item: code.to_owned(),
            });
        }
        match (t.green, &a.bands) {
            (Some(g), _) => finite(code, "trend.green", g)?,
            (None, Some(_)) => {}
            (None, None) => {
                return Err(AssessError::TrendNeedsGreen {
                    item: code.to_owned(),
                });
            }
        }
    }
    for p in &a.projection {
        match (&p.milestone, p.due) {
            (Some(m), None) => {
                if !milestones.iter().any(|x| &x.code == m) {
                    return Err(AssessError::UnknownMilestone {
                        item: code.to_owned(),
                        milestone: m.clone(),
                    });
                }
            }
            (None, Some(_)) => {}
            _ => {
                return Err(AssessError::ProjectionDeadline {
                    item: code.to_owned(),
                });
            }
        }
        match (p.target, &item.threshold) {
            (Some(t), _) => finite(code, "projection.target", t)?,
            (None, Some(Threshold::Value(_) | Threshold::ByAttribute { .. })) => {}
            _ => {
                return Err(AssessError::ProjectionNoTarget {
                    item: code.to_owned(),
                });
            }
        }
        match p.direction {
            Some(d) => agree(code, "projection.direction", d, "the comparator", cmp_dir)?,
            None if cmp_dir.is_none() => {
                return Err(AssessError::NoDirection {
                    item: code.to_owned(),
                    field: "projection",
                });
            }
            None => {}
        }
        if p.window == 0 {
            return Err(AssessError::ZeroWindow {
                item: code.to_owned(),
            });
        }
        decreasing(code, "projection.ratio_bands", p.ratio_bands)?;
    }
    if let Some(p) = &a.progress {
        if let Some(t) = p.target {
            finite(code, "progress.target", t)?;
        }
        if let Some(l) = p.limit {
            finite(code, "progress.limit", l)?;
        }
        if let Some(th) = p.thresholds {
            decreasing(code, "progress.thresholds", [th.high, th.med, th.low])?;
        }
        if let Some(d) = p.direction {
            agree(code, "progress.direction", d, "the comparator", cmp_dir)?;
        }
        if p.target_year <= p.base_year {
            return Err(AssessError::TargetYear {
                item: code.to_owned(),
                base_year: p.base_year,
                target_year: p.target_year,
            });
        }
    }
    Ok(())
}

/// Checks the programme's `aggregation` table; `item_codes` are the programme's item codes
/// (fixed weights must name them).
///
/// # Errors
/// [`AssessError::Share`] for a share outside 0…1, [`AssessError::Weight`] for a negative or
/// non-finite weight, an unknown item code, or weights that are all zero.
///
/// # Example
/// ```
/// use ecociv::assess::validate_aggregation;
/// use ecociv::model::AggregationSpec;
/// let spec: AggregationSpec = toml::from_str("max_missing_share = 1.5")?;
/// assert!(validate_aggregation(&spec, &["A1"]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_aggregation(
    spec: &AggregationSpec,
    item_codes: &[&str],
) -> Result<(), AssessError> {
    for (field, v) in [
        ("max_missing_share", spec.max_missing_share),
        ("group_max_missing_share", spec.group_max_missing_share),
    ] {
        if let Some(v) = v
            && !(0.0..=1.0).contains(&v)
        {
            return Err(AssessError::Share { field, value: v });
        }
    }
    if let Some(Weights::Fixed(w)) = spec.composite.as_ref().map(|c| &c.weights) {
        for (code, &v) in w {
            let reason = if !item_codes.contains(&code.as_str()) {
                Some("not an item of the programme")
            } else if !(v.is_finite() && v >= 0.0) {
                Some("weights must be finite and not negative")
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(AssessError::Weight {
                    code: code.clone(),
                    reason,
                });
            }
        }
        if w.values().all(|&v| v == 0.0) {
            let code = w.keys().next().cloned().unwrap_or_default();
            return Err(AssessError::Weight {
                code,
                reason: "at least one weight must be positive",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Attribute, Bands, Comparator, ProgressSpec, ProjectionSpec, ScoreSpec, TrendSpec,
    };
    use chrono::NaiveDate;

    fn item(comparator: Comparator, threshold: Option<f64>) -> Item {
        Item {
            code: "X1".into(),
            name: "x".into(),
            measure: "x".into(),
            comparator,
            threshold: threshold.map(Threshold::Value),
            requires: None,
            unit: None,
            attribute: Attribute::Binding,
            lead: vec![],
            cooperating: vec![],
            applies_to: Default::default(),
            note: None,
            assess: None,
        }
    }

    fn ms() -> Vec<Milestone> {
        vec![Milestone {
            code: "technical_assessment".into(),
            name: "技术评估".into(),
            due: NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(),
            authority: None,
        }]
    }

    fn bands(green: f64, red: f64) -> Option<Bands> {
        Some(Bands {
            green,
            red,
            yellow: None,
        })
    }

    #[test]
    fn good_specs_pass() {
        let a = Assessment {
            bands: bands(80.0, 50.0),
            score: Some(ScoreSpec {
                lower: 20.0,
                optimum: 100.0,
            }),
            trend: Some(TrendSpec {
                target_year: 2030,
                since: Some(2015),
                green: None,
            }),
            projection: vec![ProjectionSpec {
                milestone: Some("technical_assessment".into()),
                ..ProjectionSpec::to_date(NaiveDate::MIN)
            }],
            progress: Some(ProgressSpec {
                base_year: 2015,
                target: Some(90.0),
                target_year: 2030,
                direction: None,
                limit: None,
                thresholds: None,
                group: None,
            }),
        };
        let mut a2 = a.clone();
        a2.projection[0].due = None;
        validate_item(&item(Comparator::Ge, Some(80.0)), &a2, &ms()).unwrap();
        // Both milestone and due → refused.
        assert!(matches!(
            validate_item(&item(Comparator::Ge, Some(80.0)), &a, &ms()),
            Err(AssessError::ProjectionDeadline { .. })
        ));
    }

    #[test]
    fn bad_specs_refused_with_the_item_named() {
        let it = item(Comparator::Ge, Some(80.0));
        let check = |a: Assessment| validate_item(&it, &a, &ms()).unwrap_err();
        let e = check(Assessment {
            bands: bands(5.0, 5.0),
            ..Default::default()
        });
        assert_eq!(
            e,
            AssessError::EqualBands {
                item: "X1".into(),
                value: 5.0
            }
        );
        assert!(e.to_string().contains("X1"));
        assert!(matches!(
            check(Assessment {
                bands: Some(Bands {
                    green: 80.0,
                    red: 50.0,
                    yellow: Some(90.0)
                }),
                ..Default::default()
            }),
            AssessError::YellowOutside { .. }
        ));
        assert!(matches!(
            check(Assessment {
                bands: bands(f64::NAN, 5.0),
                ..Default::default()
            }),
            AssessError::NonFinite {
                field: "bands.green",
                ..
            }
        ));
        assert!(matches!(
            check(Assessment {
                score: Some(ScoreSpec {
                    lower: 1.0,
                    optimum: 1.0
                }),
                ..Default::default()
            }),
            AssessError::DegenerateScore { .. }
        ));
        assert!(matches!(
            check(Assessment {
                score: Some(ScoreSpec {
                    lower: 100.0,
                    optimum: 0.0
                }),
                ..Default::default()
            }),
            AssessError::DirectionConflict { .. }
        ));
        assert!(matches!(
            check(Assessment {
                bands: bands(80.0, 50.0),
                score: Some(ScoreSpec {
                    lower: 60.0,
                    optimum: 100.0
                }),
                ..Default::default()
            }),
            AssessError::BandOrder { .. }
        ));
        let trend = Some(TrendSpec {
            target_year: 2030,
            since: None,
            green: None,
        });
        assert!(matches!(
            check(Assessment {
                trend: trend.clone(),
                ..Default::default()
            }),
            AssessError::TrendNeedsScore { .. }
        ));
        assert!(matches!(
            check(Assessment {
                trend,
                score: Some(ScoreSpec {
                    lower: 0.0,
                    optimum: 100.0
                }),
                ..Default::default()
            }),
            AssessError::TrendNeedsGreen { .. }
        ));
        let proj = |f: &dyn Fn(&mut ProjectionSpec)| {
            let mut p = ProjectionSpec::to_date(NaiveDate::from_ymd_opt(2018, 6, 30).unwrap());
            f(&mut p);
            Assessment {
                projection: vec![p],
                ..Default::default()
            }
        };
        assert!(matches!(
            check(proj(&|p| {
                p.due = None;
                p.milestone = Some("nope".into())
            })),
            AssessError::UnknownMilestone { .. }
        ));
        assert!(matches!(
            check(proj(&|p| p.window = 0)),
            AssessError::ZeroWindow { .. }
        ));
        assert!(matches!(
            check(proj(&|p| p.ratio_bands = [0.6, 0.95, 0.0])),
            AssessError::ThresholdOrder { .. }
        ));
        assert!(matches!(
            check(proj(&|p| p.direction = Some(Direction::Lower))),
            AssessError::DirectionConflict { .. }
        ));
        let holds = item(Comparator::Holds, None);
        assert!(matches!(
            validate_item(&holds, &proj(&|_| {}), &[]),
            Err(AssessError::ProjectionNoTarget { .. })
        ));
        assert!(matches!(
            validate_item(&holds, &proj(&|p| p.target = Some(1.0)), &[]),
            Err(AssessError::NoDirection { .. })
        ));
        let prog = Assessment {
            progress: Some(ProgressSpec {
                base_year: 2030,
                target: None,
                target_year: 2030,
                direction: None,
                limit: None,
                thresholds: None,
                group: None,
            }),
            ..Default::default()
        };
        assert!(matches!(check(prog), AssessError::TargetYear { .. }));
    }

    #[test]
    fn aggregation_checks() {
        let mut spec = AggregationSpec::default();
        validate_aggregation(&spec, &["A"]).unwrap();
        spec.group_max_missing_share = Some(-0.1);
        assert!(matches!(
            validate_aggregation(&spec, &["A"]),
            Err(AssessError::Share { .. })
        ));
        spec.group_max_missing_share = None;
        let fixed = |pairs: &[(&str, f64)]| AggregationSpec {
            composite: Some(crate::model::CompositeSpec {
                normalisation: Default::default(),
                weights: Weights::Fixed(pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()),
            }),
            ..AggregationSpec::default()
        };
        validate_aggregation(&fixed(&[("A", 0.3), ("B", 0.7)]), &["A", "B"]).unwrap();
        assert!(validate_aggregation(&fixed(&[("C", 1.0)]), &["A"]).is_err());
        assert!(validate_aggregation(&fixed(&[("A", -1.0)]), &["A"]).is_err());
        assert!(validate_aggregation(&fixed(&[("A", 0.0)]), &["A"]).is_err());
    }
}
