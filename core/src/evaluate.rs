//! Evaluating a programme against what a store holds, in one call.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::Result;
use crate::eval::{EvalOptions, Evaluation, Plan};
use crate::model::Programme;
use crate::period::Period;
use crate::store::{PanelRequest, Store};

/// What to evaluate: which regions and periods to report, and as known when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvaluationRequest {
    /// Region codes to report; `None`: every region in the store.
    pub regions: Option<Vec<String>>,
    /// First and last period to report (inclusive); `None`: every period the store holds for
    /// the programme's metrics.
    pub periods: Option<(Period, Period)>,
    /// Evaluate the values as they were known at this time; `None`: the latest values.
    pub as_of: Option<DateTime<Utc>>,
}

impl Store {
    /// Evaluates `programme` on the values this store holds: every item for every requested
    /// region and period.
    ///
    /// Everything the items need is read, whatever is reported: all stored history before the
    /// first reported period (for lags and windows), and every descendant of the reported
    /// regions (for `share(children, …)` and `count(children, …)`). The panel is read once;
    /// its buffers are kept by the store (until it is closed) and reused by the next panel
    /// read, which saves a large evaluation the cost of fresh memory.
    ///
    /// # Errors
    /// [`crate::Error::Eval`] if the programme does not compile or a reported region or period
    /// is unknown; [`crate::Error::Store`] if the store cannot be read (unknown region, mixed
    /// frequencies).
    ///
    /// # Example
    /// ```
    /// use ecociv::store::{Batch, IngestOptions, Store};
    /// use ecociv::{EvaluationRequest, Period};
    /// let dir = tempfile::tempdir()?;
    /// let store = Store::open(dir.path().join("s.redb"))?;
    /// let programme = ecociv::programme::builtin("baoshan-2017")?;
    /// store.register_programme(&programme)?;
    /// let batch = Batch::new(vec!["530502".into()], vec!["rural_income".into()],
    ///                        vec!["2017".into()], vec![6800.0]);
    /// store.ingest(&batch, &IngestOptions::default())?;
    /// let result = store.evaluate(&programme, &EvaluationRequest::default())?;
    /// assert_eq!(result.status_of("I01", "530502", Period::Year(2017)).unwrap().as_str(), "pass");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, programme: &Programme, request: &EvaluationRequest) -> Result<Evaluation> {
        let plan = Plan::compile(programme)?;
        self.evaluate_plan(&plan, programme, request)
    }

    /// As [`Store::evaluate`], with a plan compiled once and reused.
    ///
    /// # Errors
    /// As [`Store::evaluate`].
    pub fn evaluate_plan(&self, plan: &Plan, programme: &Programme, request: &EvaluationRequest) -> Result<Evaluation> {
        let metrics: Vec<String> = programme.metrics.iter().map(|m| m.code.clone()).collect();
        let regions = match &request.regions {
            None => None,
            Some(wanted) => Some(with_descendants(wanted, &self.regions()?)),
        };
        let mut req = PanelRequest { metrics, regions, periods: None, as_of: request.as_of };
        if let Some((a, b)) = request.periods {
            // Widen the reported range to everything stored before it, so that lags and
            // windows see all earlier history (when the store's series are of a's frequency).
            // The latest values' span comes from the blocks' indexes, without a panel read.
            let stored = self.panel_span(&req).ok().flatten();
            req.periods = Some(match stored {
                Some((lo, hi)) if lo.frequency() == a.frequency() => (lo.min(a), hi.max(b)),
                _ => (a, b),
            });
        }
        // The one panel read.
        let panel = self.panel(&req)?;
        let options = EvalOptions {
            regions: request.regions.clone(),
            periods: request.periods.map(|(a, b)| {
                (a.ordinal()..=b.ordinal()).map(|o| Period::from_ordinal(a.frequency(), o)).collect()
            }),
            threads: None,
        };
        let evaluation = plan.evaluate(&panel, &options);
        // The next evaluation reads its panel into these buffers: no fresh pages to fault in.
        self.recycle(panel);
        Ok(evaluation?)
    }
}

/// The wanted regions followed by all their descendants (each once, wanted ones first).
fn with_descendants(wanted: &[String], all: &[crate::model::RegionDef]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for w in wanted {
        if seen.insert(w.clone()) {
            out.push(w.clone());
        }
    }
    let mut i = 0;
    while i < out.len() {
        let parent = out[i].clone();
        for r in all.iter().filter(|r| r.parent.as_deref() == Some(parent.as_str())) {
            if seen.insert(r.code.clone()) {
                out.push(r.code.clone());
            }
        }
        i += 1;
    }
    out
}
