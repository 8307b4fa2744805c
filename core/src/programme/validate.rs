//! The rules a programme must satisfy. Every rule runs; every breach becomes one [`Finding`].

use std::collections::{HashMap, HashSet};

use crate::assess::{self, AssessError};
use crate::expr::ExprType;
use crate::model::{Assessment, Comparator, Item, MetricKind, Programme, Threshold};

use super::ProblemKind;
use super::measure::{self, MeasureError};

/// One breach of a rule, located by field path (resolved to line and column by the loader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub(crate) path: String,
    pub(crate) kind: ProblemKind,
    pub(crate) message: String,
    /// Another place the problem involves (the first occurrence of a duplicate), named in the
    /// message with its line.
    pub(crate) first: Option<String>,
}

impl Finding {
    fn new(path: String, kind: ProblemKind, message: String) -> Self {
        Finding {
            path,
            kind,
            message,
            first: None,
        }
    }
}

/// Checks every rule and returns every breach (empty when the programme is valid).
pub(crate) fn validate(p: &Programme) -> Vec<Finding> {
    let mut v = Validator {
        p,
        out: Vec::new(),
        units: p.units.iter().map(|u| u.name.as_str()).collect(),
    };
    v.run();
    v.out
}

struct Validator<'p> {
    p: &'p Programme,
    out: Vec<Finding>,
    units: HashSet<&'p str>,
}

/// Remembers the first path of each code in one namespace and reports the repeats.
struct Codes<'p> {
    what: &'static str,
    seen: HashMap<&'p str, String>,
}

impl<'p> Codes<'p> {
    fn new(what: &'static str) -> Self {
        Codes {
            what,
            seen: HashMap::new(),
        }
    }

    fn add(&mut self, code: &'p str, path: String, out: &mut Vec<Finding>) {
        if code.trim().is_empty() {
            out.push(Finding {
                path,
                kind: ProblemKind::Empty,
                message: format!("the {} is empty", self.what),
                first: None,
            });
        } else if let Some(first) = self.seen.get(code) {
            out.push(Finding {
                path,
                kind: ProblemKind::DuplicateCode,
                message: format!("duplicate {} {code:?}", self.what),
                first: Some(first.clone()),
            });
        } else {
            self.seen.insert(code, path);
        }
    }
}

/// The field path (below the item's `assess`, or below `aggregation`, starting with `.`) and the
/// problem kind of an [`AssessError`].
fn locate_assess_error(e: &AssessError) -> (String, ProblemKind) {
    use AssessError as E;
    use ProblemKind as K;
    match e {
        E::NonFinite { field, .. } => (format!(".{field}"), K::NotFinite),
        E::EqualBands { .. } => (".bands".into(), K::InvertedRange),
        E::YellowOutside { .. } => (".bands.yellow".into(), K::InvertedRange),
        E::DegenerateScore { .. } | E::BandOrder { .. } => (".score".into(), K::InvertedRange),
        E::DirectionConflict { field, .. } | E::NoDirection { field, .. } => {
            (format!(".{field}"), K::ComparatorMismatch)
        }
        E::TrendNeedsScore { .. } | E::TrendNeedsGreen { .. } => {
            (".trend".into(), K::MissingThreshold)
        }
        E::ProjectionDeadline { .. } => (".projection".into(), K::Empty),
        E::UnknownMilestone { .. } => (".projection.milestone".into(), K::InvalidCode),
        E::ProjectionNoTarget { .. } => (".projection".into(), K::MissingThreshold),
        E::ZeroWindow { .. } => (".projection.window".into(), K::Empty),
        E::ThresholdOrder { field, .. } => (format!(".{field}"), K::InvertedRange),
        E::TargetYear { .. } => (".progress.target_year".into(), K::InvertedRange),
        E::Share { field, .. } => (format!(".{field}"), K::InvertedRange),
        E::Weight { code, .. } => (format!(".composite.weights.fixed.{code}"), K::InvalidCode),
        E::NotEvaluated { .. } => (String::new(), K::InvalidCode),
        E::File { path, .. } => (
            if path.is_empty() {
                String::new()
            } else {
                format!(".{path}")
            },
            K::UnknownField,
        ),
    }
}

impl Validator<'_> {
    fn push(&mut self, path: impl Into<String>, kind: ProblemKind, message: impl Into<String>) {
        self.out.push(Finding {
            path: path.into(),
            kind,
            message: message.into(),
            first: None,
        });
    }

    fn run(&mut self) {
        let p = self.p;
        if p.id.trim().is_empty() {
            self.push("id", ProblemKind::Empty, "the programme id is empty");
        }
        if p.title.trim().is_empty() {
            self.push("title", ProblemKind::Empty, "the programme title is empty");
        }
        self.declarations();
        self.conditions_and_indicators();
        self.phases();
        self.duties();
        self.aggregation();
    }

    /// Units, regions, categories, metrics, groups, milestones: codes unique, references known.
    fn declarations(&mut self) {
        let p = self.p;
        let mut out = Vec::new();
        let mut units = Codes::new("unit name");
        for (i, u) in p.units.iter().enumerate() {
            units.add(&u.name, format!("units[{i}].name"), &mut out);
        }
        let mut regions = Codes::new("region code");
        for (i, r) in p.regions.iter().enumerate() {
            regions.add(&r.code, format!("regions[{i}].code"), &mut out);
        }
        for (i, r) in p.regions.iter().enumerate() {
            if let Some(parent) = &r.parent
                && (parent == &r.code || !p.regions.iter().any(|x| &x.code == parent))
            {
                out.push(Finding::new(
                    format!("regions[{i}].parent"),
                    ProblemKind::UnknownRegion,
                    format!(
                        "parent {parent:?} of region {:?} is not another declared region",
                        r.code
                    ),
                ));
            }
        }
        let mut categories = Codes::new("category");
        for (i, c) in p.categories.iter().enumerate() {
            categories.add(c, format!("categories[{i}]"), &mut out);
        }
        let mut metrics = Codes::new("metric code");
        for (i, m) in p.metrics.iter().enumerate() {
            metrics.add(&m.code, format!("metrics[{i}].code"), &mut out);
            let ident = m
                .code
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && m.code.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !m.code.is_empty() && (!ident || measure::is_reserved(&m.code)) {
                out.push(Finding::new(
                    format!("metrics[{i}].code"),
                    ProblemKind::InvalidCode,
                    format!(
                        "metric code {:?} cannot be used in expressions (letters, digits and _ \
                         only, not starting with a digit, not a reserved word)",
                        m.code
                    ),
                ));
            }
            if m.kind == MetricKind::Category && m.categories.is_empty() {
                out.push(Finding::new(
                    format!("metrics[{i}].categories"),
                    ProblemKind::Empty,
                    format!("category metric {:?} lists no categories", m.code),
                ));
            }
        }
        let mut groups = Codes::new("working group name");
        for (i, g) in p.groups.iter().enumerate() {
            groups.add(&g.name, format!("groups[{i}].name"), &mut out);
        }
        let mut milestones = Codes::new("milestone code");
        for (i, m) in p.milestones.iter().enumerate() {
            milestones.add(&m.code, format!("milestones[{i}].code"), &mut out);
        }
        self.out.extend(out);
    }

    fn conditions_and_indicators(&mut self) {
        let p = self.p;
        let mut out = Vec::new();
        let mut items = Codes::new("item code");
        let mut conditions = Codes::new("condition code");
        for (i, c) in p.conditions.iter().enumerate() {
            let path = format!("conditions[{i}]");
            conditions.add(&c.code, format!("{path}.code"), &mut out);
            if c.text.trim().is_empty() {
                out.push(Finding::new(
                    format!("{path}.text"),
                    ProblemKind::Empty,
                    format!("condition {:?} has no text", c.code),
                ));
            }
            self.unit_refs(&path, &c.lead, &c.cooperating);
            for (k, item) in c.items.iter().enumerate() {
                items.add(&item.code, format!("{path}.items[{k}].code"), &mut out);
                self.item(&format!("{path}.items[{k}]"), item);
            }
        }
        let mut indicators = Codes::new("indicator code");
        for (i, ind) in p.indicators.iter().enumerate() {
            let path = format!("indicators[{i}]");
            indicators.add(&ind.code, format!("{path}.code"), &mut out);
            if !p.categories.contains(&ind.category) {
                out.push(Finding::new(
                    format!("{path}.category"),
                    ProblemKind::UnknownCategory,
                    format!(
                        "category {:?} of indicator {:?} is not one of the programme's categories {:?}",
                        ind.category, ind.code, p.categories
                    ),
                ));
            }
            if ind.items.is_empty() {
                out.push(Finding::new(
                    format!("{path}.items"),
                    ProblemKind::Empty,
                    format!("indicator {:?} has no items", ind.code),
                ));
            }
            for (k, item) in ind.items.iter().enumerate() {
                items.add(&item.code, format!("{path}.items[{k}].code"), &mut out);
                self.item(&format!("{path}.items[{k}]"), item);
            }
        }
        self.out.extend(out);
    }

    fn unit_refs(&mut self, path: &str, lead: &[String], cooperating: &[String]) {
        for (role, list) in [("lead", lead), ("cooperating", cooperating)] {
            for (j, name) in list.iter().enumerate() {
                if !self.units.contains(name.as_str()) {
                    self.push(
                        format!("{path}.{role}[{j}]"),
                        ProblemKind::UnknownUnit,
                        format!("{role} unit {name:?} is not declared in [[units]]"),
                    );
                }
            }
        }
    }

    fn item(&mut self, path: &str, item: &Item) {
        let code = &item.code;
        if item.lead.is_empty() {
            self.push(
                format!("{path}.lead"),
                ProblemKind::Empty,
                format!("item {code:?} has no lead unit"),
            );
        }
        self.unit_refs(path, &item.lead, &item.cooperating);
        let measure_type = self.expression(&format!("{path}.measure"), code, &item.measure);
        if let Some(req) = &item.requires
            && let Some(t) = self.expression(&format!("{path}.requires"), code, req)
            && t != ExprType::Boolean
        {
            self.push(
                format!("{path}.requires"),
                ProblemKind::TypeMismatch,
                format!("item {code:?}: `requires` must be a condition (true/false), but {req:?} is a number"),
            );
        }
        self.threshold(path, item, measure_type);
        if let Some(a) = &item.assess {
            self.assessment(path, item, a);
        }
    }

    /// Checks an item's `assess` table: the bands, score, trend and progress together, then
    /// each projection on its own (so that every bad projection is reported at its index).
    fn assessment(&mut self, path: &str, item: &Item, a: &Assessment) {
        let milestones = &self.p.milestones;
        let rest = Assessment {
            projection: Vec::new(),
            ..a.clone()
        };
        if let Err(e) = assess::validate_item(item, &rest, milestones) {
            let (sub, kind) = locate_assess_error(&e);
            self.push(format!("{path}.assess{sub}"), kind, e.to_string());
        }
        for (i, spec) in a.projection.iter().enumerate() {
            let one = Assessment {
                projection: vec![spec.clone()],
                ..Assessment::default()
            };
            if let Err(e) = assess::validate_item(item, &one, milestones) {
                let (sub, kind) = locate_assess_error(&e);
                let sub = sub.strip_prefix(".projection").unwrap_or(&sub);
                self.push(
                    format!("{path}.assess.projection[{i}]{sub}"),
                    kind,
                    e.to_string(),
                );
            }
        }
    }

    /// Checks the `[aggregation]` table (shares, fixed weights naming items).
    fn aggregation(&mut self) {
        let p = self.p;
        let codes: Vec<&str> = p.items().map(|i| i.code.as_str()).collect();
        if let Err(e) = assess::validate_aggregation(&p.aggregation, &codes) {
            let (sub, kind) = locate_assess_error(&e);
            self.push(format!("aggregation{sub}"), kind, e.to_string());
        }
    }

    /// Checks an expression; returns its type when it is valid.
    fn expression(&mut self, path: &str, code: &str, source: &str) -> Option<ExprType> {
        match measure::check(source, &self.p.metrics) {
            Ok(t) => Some(t),
            Err(MeasureError::UnknownMetrics(names)) => {
                for (pos, name) in names {
                    self.push(
                        path,
                        ProblemKind::UnknownMetric,
                        format!(
                            "item {code:?}: unknown metric `{name}` at position {pos} of {source:?} \
                             (not declared in [[metrics]])"
                        ),
                    );
                }
                None
            }
            Err(MeasureError::Invalid(message)) => {
                self.push(
                    path,
                    ProblemKind::Expression,
                    format!("item {code:?}: {source:?}: {message}"),
                );
                None
            }
        }
    }

    fn threshold(&mut self, path: &str, item: &Item, measure: Option<ExprType>) {
        let code = &item.code;
        let cmp = item.comparator;
        let sym = cmp.symbol();
        let tpath = format!("{path}.threshold");
        let cpath = format!("{path}.comparator");
        let Some(threshold) = &item.threshold else {
            if cmp != Comparator::Holds {
                self.push(
                    tpath,
                    ProblemKind::MissingThreshold,
                    format!("item {code:?}: comparator {sym:?} needs a threshold"),
                );
            } else if measure == Some(ExprType::Number) {
                self.push(
                    cpath,
                    ProblemKind::ComparatorMismatch,
                    format!(
                        "item {code:?}: comparator \"holds\" needs a condition (true/false) as \
                         measure, but {:?} is a number",
                        item.measure
                    ),
                );
            }
            return;
        };
        let shape = match threshold {
            Threshold::Value(_) => "a number",
            Threshold::Range { .. } => "a range",
            Threshold::ByAttribute { .. } => "a by-attribute number",
            Threshold::Category(_) => "a category",
        };
        let fits = match cmp {
            Comparator::Holds => false,
            Comparator::Between => matches!(threshold, Threshold::Range { .. }),
            Comparator::In => matches!(threshold, Threshold::Category(_)),
            _ => matches!(
                threshold,
                Threshold::Value(_) | Threshold::ByAttribute { .. }
            ),
        };
        if !fits {
            let wants = match cmp {
                Comparator::Holds => "no threshold",
                Comparator::Between => "a range threshold `{ min = …, max = … }`",
                Comparator::In => "a category threshold (a string)",
                _ => "a number threshold (or a by-attribute one)",
            };
            self.push(
                cpath.clone(),
                ProblemKind::ComparatorMismatch,
                format!(
                    "item {code:?}: comparator {sym:?} takes {wants}, but the threshold is {shape}"
                ),
            );
        } else if cmp != Comparator::In && measure == Some(ExprType::Boolean) {
            self.push(
                cpath,
                ProblemKind::ComparatorMismatch,
                format!(
                    "item {code:?}: comparator {sym:?} compares a number, but the measure {:?} \
                     is a condition (use \"holds\")",
                    item.measure
                ),
            );
        }
        let mut numbers: Vec<f64> = Vec::new();
        match threshold {
            Threshold::Value(v) => numbers.push(*v),
            Threshold::Range { min, max } => {
                numbers.extend([*min, *max]);
                if min > max {
                    self.push(
                        tpath.clone(),
                        ProblemKind::InvertedRange,
                        format!("item {code:?}: range min {min} is greater than max {max}"),
                    );
                }
            }
            Threshold::ByAttribute {
                values,
                default,
                by,
            } => {
                numbers.extend(values.values().copied());
                numbers.extend(*default);
                if values.is_empty() && default.is_none() {
                    self.push(
                        tpath.clone(),
                        ProblemKind::Empty,
                        format!(
                            "item {code:?}: threshold by {by:?} lists no values and no default"
                        ),
                    );
                }
            }
            Threshold::Category(c) => {
                if let Some(m) = self.p.metric(item.measure.trim())
                    && m.kind == MetricKind::Category
                    && !m.categories.contains(c)
                {
                    self.push(
                        tpath.clone(),
                        ProblemKind::ComparatorMismatch,
                        format!(
                            "item {code:?}: category {c:?} is not one of metric {:?}'s categories {:?}",
                            m.code, m.categories
                        ),
                    );
                }
            }
        }
        if let Some(bad) = numbers.iter().find(|v| !v.is_finite()) {
            self.push(
                tpath,
                ProblemKind::NotFinite,
                format!("item {code:?}: threshold {bad} is not a finite number"),
            );
        }
    }

    fn phases(&mut self) {
        let p = self.p;
        let mut out = Vec::new();
        let mut phases = Codes::new("phase code");
        let mut tasks = Codes::new("task code");
        for (i, ph) in p.phases.iter().enumerate() {
            let path = format!("phases[{i}]");
            phases.add(&ph.code, format!("{path}.code"), &mut out);
            let inverted = ph.start > ph.end;
            if inverted {
                out.push(Finding::new(
                    format!("{path}.end"),
                    ProblemKind::InvertedDates,
                    format!(
                        "phase {:?} ends on {} before it starts on {}",
                        ph.code, ph.end, ph.start
                    ),
                ));
            }
            self.unit_refs(&path, &ph.lead, &ph.cooperating);
            for (j, t) in ph.tasks.iter().enumerate() {
                let tp = format!("{path}.tasks[{j}]");
                tasks.add(&t.code, format!("{tp}.code"), &mut out);
                self.unit_refs(&tp, &t.lead, &t.cooperating);
                if let Some(due) = t.due
                    && !inverted
                    && !ph.contains(due)
                {
                    out.push(Finding::new(
                        format!("{tp}.due"),
                        ProblemKind::TaskOutsidePhase,
                        format!(
                            "task {:?} is due on {due}, outside its phase {:?} ({} to {})",
                            t.code, ph.code, ph.start, ph.end
                        ),
                    ));
                }
            }
        }
        self.out.extend(out);
    }

    fn duties(&mut self) {
        let p = self.p;
        let mut out = Vec::new();
        let mut duties = Codes::new("duty code");
        for (i, d) in p.duties.iter().enumerate() {
            let path = format!("duties[{i}]");
            duties.add(&d.code, format!("{path}.code"), &mut out);
            self.unit_refs(&path, &d.lead, &d.cooperating);
        }
        self.out.extend(out);
    }
}
