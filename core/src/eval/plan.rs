//! Compiling a programme's items once into a reusable plan.

use crate::expr::{self, Checked, ExprType, Node};
use crate::model::{Applicability, Attribute, Comparator, MetricKind, Programme, Threshold};

use super::EvalError;

/// How an item's threshold is found for a region.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ThresholdRule {
    /// No threshold (`holds`).
    None,
    /// `lo ≤ … ≤ hi` or one number (`lo == hi`).
    Fixed { lo: f64, hi: f64 },
    /// A number chosen by a region attribute.
    ByAttribute(Threshold),
}

/// One item, compiled.
#[derive(Debug, Clone)]
pub(crate) struct PlanItem {
    pub measure: Checked,
    pub requires: Option<Checked>,
    pub comparator: Comparator,
    pub threshold: ThresholdRule,
    pub applies_to: Applicability,
    pub uses_verdict: bool,
}

/// Metadata of an item carried into the result (who answers for it, where it belongs).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInfo {
    /// The item's code (e.g. `I06a`).
    pub code: String,
    /// The item's name as written.
    pub name: String,
    /// How its value is compared with its threshold.
    pub comparator: Comparator,
    /// Binding, guiding, …; only binding items decide the verdict.
    pub attribute: Attribute,
    /// The unit of its value, threshold and margin.
    pub unit: Option<String>,
    /// Index in [`super::Evaluation::indicators`] of the indicator it belongs to.
    pub indicator: Option<usize>,
    /// Index in [`super::Evaluation::conditions`] of the basic condition it belongs to.
    pub condition: Option<usize>,
    /// Lead units.
    pub lead: Vec<String>,
    /// Cooperating units.
    pub cooperating: Vec<String>,
}

/// An indicator or basic condition of the evaluated programme.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInfo {
    /// Its code.
    pub code: String,
    /// Its category (indicators only).
    pub category: Option<String>,
}

/// A programme compiled for evaluation: every item's expressions parsed, checked and bound to
/// its comparator and threshold. Compile once, evaluate against any number of panels.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) items: Vec<PlanItem>,
    pub(crate) info: Vec<ItemInfo>,
    pub(crate) indicators: Vec<GroupInfo>,
    pub(crate) conditions: Vec<GroupInfo>,
    pub(crate) categories: Vec<String>,
    /// The programme's metric codes (expression metric indices refer to these).
    pub(crate) metrics: Vec<String>,
}

impl Plan {
    /// Compiles every item of a programme (indicator items first, then condition items).
    ///
    /// # Errors
    /// [`EvalError::Expr`] when a measure or condition does not parse or type-check;
    /// [`EvalError::Item`] when an item's comparator, threshold and measure do not fit together
    /// (e.g. `>=` with a condition, `between` without a range, `holds` with a number).
    ///
    /// # Example
    /// ```
    /// let programme = ecociv::programme::builtin("baoshan-2017")?;
    /// let plan = ecociv::eval::Plan::compile(&programme)?;
    /// assert_eq!(plan.items().len(), 24);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compile(programme: &Programme) -> Result<Plan, EvalError> {
        let mut items = Vec::new();
        let mut info = Vec::new();
        let owners = programme
            .indicators
            .iter()
            .enumerate()
            .flat_map(|(i, ind)| ind.items.iter().map(move |it| (it, Some(i), None)))
            .chain(
                programme
                    .conditions
                    .iter()
                    .enumerate()
                    .flat_map(|(c, cond)| cond.items.iter().map(move |it| (it, None, Some(c)))),
            );
        for (item, indicator, condition) in owners {
            let compile = |field: &'static str, src: &str| {
                expr::compile(src, &programme.metrics).map_err(|source| EvalError::Expr {
                    item: item.code.clone(),
                    field,
                    source,
                })
            };
            let measure = compile("measure", &item.measure)?;
            let requires = item
                .requires
                .as_deref()
                .map(|r| compile("requires", r))
                .transpose()?;
            let bad = |message: String| EvalError::Item {
                item: item.code.clone(),
                message,
            };
            if let Some(r) = &requires
                && r.ty != ExprType::Boolean
            {
                return Err(bad(format!(
                    "`requires` must be a condition, but {:?} is a number",
                    item.requires.as_deref().unwrap_or("")
                )));
            }
            let want = if item.comparator == Comparator::Holds {
                ExprType::Boolean
            } else {
                ExprType::Number
            };
            if measure.ty != want {
                return Err(bad(format!(
                    "comparator '{}' needs {} measure, but {:?} is {}",
                    item.comparator.symbol(),
                    if want == ExprType::Boolean {
                        "a condition as"
                    } else {
                        "a numeric"
                    },
                    item.measure,
                    if measure.ty == ExprType::Boolean {
                        "a condition"
                    } else {
                        "a number"
                    }
                )));
            }
            let threshold = match (item.comparator, &item.threshold) {
                (Comparator::Holds, None) => ThresholdRule::None,
                (Comparator::Holds, Some(t)) => {
                    return Err(bad(format!(
                        "comparator 'holds' takes no threshold, found {}",
                        t.display()
                    )));
                }
                (c, Some(Threshold::Value(v))) if c.is_numeric() => {
                    ThresholdRule::Fixed { lo: *v, hi: *v }
                }
                (c, Some(t @ Threshold::ByAttribute { .. })) if c.is_numeric() => {
                    ThresholdRule::ByAttribute(t.clone())
                }
                (Comparator::Between, Some(Threshold::Range { min, max })) => {
                    if min > max {
                        return Err(bad(format!(
                            "range threshold has min {min} above max {max}"
                        )));
                    }
                    ThresholdRule::Fixed { lo: *min, hi: *max }
                }
                (Comparator::In, Some(Threshold::Category(cat))) => {
                    let Node::Metric(m) = measure.node else {
                        return Err(bad(
                            "comparator 'in' needs a category metric as its measure".into(),
                        ));
                    };
                    let def = &programme.metrics[m];
                    if def.kind != MetricKind::Category {
                        return Err(bad(format!(
                            "comparator 'in' needs a category metric, but '{}' is not one",
                            def.code
                        )));
                    }
                    let Some(idx) = def.categories.iter().position(|c| c == cat) else {
                        return Err(bad(format!(
                            "'{cat}' is not a category of '{}' ({})",
                            def.code,
                            def.categories.join(", ")
                        )));
                    };
                    #[allow(clippy::cast_precision_loss)]
                    let idx = idx as f64;
                    ThresholdRule::Fixed { lo: idx, hi: idx }
                }
                (c, None) => {
                    return Err(bad(format!(
                        "comparator '{}' needs a threshold",
                        c.symbol()
                    )));
                }
                (c, Some(t)) => {
                    return Err(bad(format!(
                        "comparator '{}' does not fit the threshold {}",
                        c.symbol(),
                        t.display()
                    )));
                }
            };
            let uses_verdict = measure.node.uses_verdict()
                || requires.as_ref().is_some_and(|r| r.node.uses_verdict());
            items.push(PlanItem {
                measure,
                requires,
                comparator: item.comparator,
                threshold,
                applies_to: item.applies_to.clone(),
                uses_verdict,
            });
            info.push(ItemInfo {
                code: item.code.clone(),
                name: item.name.clone(),
                comparator: item.comparator,
                attribute: item.attribute,
                unit: item.unit.clone(),
                indicator,
                condition,
                lead: item.lead.clone(),
                cooperating: item.cooperating.clone(),
            });
        }
        Ok(Plan {
            items,
            info,
            indicators: programme
                .indicators
                .iter()
                .map(|i| GroupInfo {
                    code: i.code.clone(),
                    category: Some(i.category.clone()),
                })
                .collect(),
            conditions: programme
                .conditions
                .iter()
                .map(|c| GroupInfo {
                    code: c.code.clone(),
                    category: None,
                })
                .collect(),
            categories: programme.categories.clone(),
            metrics: programme.metrics.iter().map(|m| m.code.clone()).collect(),
        })
    }

    /// The compiled items, in evaluation (and result) order.
    #[must_use]
    pub fn items(&self) -> &[ItemInfo] {
        &self.info
    }
}
