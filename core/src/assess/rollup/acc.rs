//! [`Acc`], the per-period folds of one group over its members' runs, method by method: its
//! scores, colours and progress into its level's columns and its own run.

use super::fold::{Colours, Scores};
use super::out::Out;
use super::plan::{Enough, Group};
use super::runs::{Runs, Span};
use crate::assess::aggregate::band_code_of_position;
use crate::assess::bands::Band;
use crate::assess::codes::{Code, NOT_ASSESSED};
use crate::assess::progress::ProgressStatus;
use crate::model::{AggregationSpec, ColourRule};

/// Per-period folds of one group, over its members' runs in member order.
pub(super) struct Acc {
    pub(super) scores: Vec<Scores>,
    pub(super) colours: Vec<Colours>,
    /// Progress: declaring members, members or sub-groups with a score, the sum of their
    /// scores (a sub-group's: its mean), whether every one achieved its target.
    n: Vec<u32>,
    k: Vec<u32>,
    sum: Vec<f64>,
    achieved: Vec<bool>,
    group_k: Vec<u32>,
    group_sum: Vec<f64>,
}

/// `col` cut at `node`'s run: the runs before it (its members'), and its run.
#[inline]
fn split_at_node<T>(col: &mut [T], node: usize, span: Span) -> (&[T], &mut [T]) {
    let (members, rest) = col.split_at_mut(node * span.stride);
    (members, &mut rest[..span.cells])
}

impl Acc {
    pub(super) fn new(periods: usize) -> Acc {
        Acc {
            scores: vec![Scores::EMPTY; periods],
            colours: vec![Colours::EMPTY; periods],
            n: vec![0; periods],
            k: vec![0; periods],
            sum: vec![0.0; periods],
            achieved: vec![false; periods],
            group_k: vec![0; periods],
            group_sum: vec![0.0; periods],
        }
    }

    /// The score folds of `members`, in `self.scores`.
    pub(super) fn fold_scores(&mut self, runs: &Runs, members: &[usize]) {
        let (p, span) = (runs.span.cells, runs.span);
        let acc = &mut self.scores[..p];
        if members.is_empty() {
            acc.fill(Scores::EMPTY);
        }
        for (i, &m) in members.iter().enumerate() {
            let (s, d) = (span.of(&runs.score, m), span.of(&runs.scored, m));
            for t in 0..p {
                let from = if i == 0 { Scores::EMPTY } else { acc[t] };
                acc[t] = from.add(d[t], s[t]);
            }
        }
    }

    /// The group's mean scores ([`Scores`]) into `out` and its node's run (members precede
    /// the group in the runs); its folds stay in `self.scores`.
    fn scores(&mut self, runs: &mut Runs, group: &Group, out: &mut [f64], rule: &Enough) {
        let (p, span) = (runs.span.cells, runs.span);
        let Some((&last, rest)) = group.score.split_last() else {
            out.fill(f64::NAN);
            return;
        };
        self.fold_scores(runs, rest);
        let (scores, score) = split_at_node(&mut runs.score, group.node, span);
        let (scoreds, scored) = split_at_node(&mut runs.scored, group.node, span);
        let (s, d) = (span.of(scores, last), span.of(scoreds, last));
        let (acc, out) = (&mut self.scores[..p], &mut out[..p]);
        if rest.is_empty() {
            // One member: its score if present and enough, as the mean of one, `(0 + s) / 1`.
            let enough = rule.holds(1, 1);
            for t in 0..p {
                let present = d[t] & !s[t].is_nan();
                out[t] = if present & enough {
                    0.0 + s[t]
                } else {
                    f64::NAN
                };
                score[t] = out[t];
                scored[t] = d[t];
            }
            if group.counted {
                for t in 0..p {
                    acc[t] = Scores::EMPTY.add(d[t], s[t]);
                }
            }
            return;
        }
        for t in 0..p {
            let cell = acc[t].add(d[t], s[t]);
            out[t] = cell.mean(rule);
            score[t] = out[t];
            scored[t] = cell.n > 0;
            acc[t] = cell;
        }
    }

    /// The group's colours ([`Colours`]) into `out` and its node's run; its folds stay in
    /// `self.colours`.
    fn colours(
        &mut self,
        runs: &mut Runs,
        group: &Group,
        out: &mut Out<'_>,
        rule: &Enough,
        spec: &AggregationSpec,
    ) {
        let (p, span) = (runs.span.cells, runs.span);
        let Some((&last, rest)) = group.bands.split_last() else {
            out.band.fill(NOT_ASSESSED);
            out.position.fill(f64::NAN);
            return;
        };
        let categorical = spec.colour == ColourRule::Categorical;
        let acc = &mut self.colours[..p];
        for (i, &m) in rest.iter().enumerate() {
            let (b, x) = (span.of(&runs.band, m), span.of(&runs.position, m));
            for t in 0..p {
                let from = if i == 0 { Colours::EMPTY } else { acc[t] };
                acc[t] = from.add(b[t], x[t], categorical);
            }
        }
        let (bands, band) = split_at_node(&mut runs.band, group.node, span);
        let (positions, position) = split_at_node(&mut runs.position, group.node, span);
        let (b, x) = (span.of(bands, last), span.of(positions, last));
        let (out_band, out_position) = (&mut out.band[..p], &mut out.position[..p]);
        if rest.is_empty() {
            // One member (as [`Colours::colour`] of one): rated, coloured, counting for the
            // two worst; then its band at its own position, or its rank.
            let enough = rule.holds(1, 1);
            let (green, grey) = (Band::Green.code(), Band::Grey.code());
            for t in 0..p {
                let coloured = b[t] >= 0;
                let (valid, c) = if categorical {
                    (coloured, b[t])
                } else {
                    let c = band_code_of_position(x[t]);
                    let downgrade = spec.all_green & (c == green) & (b[t] != green);
                    let c = if downgrade { Band::Yellow.code() } else { c };
                    (coloured & !x[t].is_nan(), c)
                };
                let none = if b[t] == NOT_ASSESSED {
                    NOT_ASSESSED
                } else {
                    grey
                };
                let ok = valid & enough;
                let y = if ok & !categorical { x[t] } else { f64::NAN };
                let c = if ok { c } else { none };
                (out_band[t], out_position[t]) = (c, y);
                (band[t], position[t]) = (c, y);
            }
            if group.counted {
                for t in 0..p {
                    acc[t] = Colours::EMPTY.add(b[t], x[t], categorical);
                }
            }
            return;
        }
        for t in 0..p {
            let from = acc[t];
            let cell = from.add(b[t], x[t], categorical);
            acc[t] = cell;
            let (c, y) = cell.colour(rule, spec, categorical);
            (out_band[t], out_position[t]) = (c, y);
            (band[t], position[t]) = (c, y);
        }
    }

    /// Adds a group's counts (its folds in `self.scores` and `self.colours`) to `counts`: the
    /// members declaring a score, present; rated, coloured.
    pub(super) fn count(&self, group: &Group, counts: &mut [[u32; 4]]) {
        if !group.score.is_empty() {
            for (c, s) in counts.iter_mut().zip(&self.scores) {
                c[0] += s.n;
                c[1] += s.k;
            }
        }
        if !group.bands.is_empty() {
            for (c, s) in counts.iter_mut().zip(&self.colours) {
                c[2] += s.n;
                c[3] += s.k;
            }
        }
    }

    /// Rated (`colours[t].n`) and coloured (`colours[t].k`) members.
    pub(super) fn rated(&mut self, runs: &Runs, members: &[usize]) {
        let (p, span) = (runs.span.cells, runs.span);
        let acc = &mut self.colours[..p];
        acc.fill(Colours::EMPTY);
        for &m in members {
            let b = span.of(&runs.band, m);
            for t in 0..p {
                acc[t].n += u32::from(b[t] != NOT_ASSESSED);
                acc[t].k += u32::from(b[t] >= 0);
            }
        }
    }

    /// The group progress ([`aggregate_grouped`](crate::assess::progress::aggregate_grouped)).
    fn progress(&mut self, runs: &mut Runs, group: &Group, out: &mut Out<'_>) {
        let (p, span) = (runs.span.cells, runs.span);
        if group.progress.is_empty() && group.sub_groups.is_empty() {
            out.progress.fill(NOT_ASSESSED);
            out.progress_score.fill(f64::NAN);
            return;
        }
        let achieved = ProgressStatus::TargetAchieved.code();
        if let ([m], []) = (group.progress.as_slice(), group.sub_groups.as_slice()) {
            // One member: its own score (the mean of one, `(0 + s) / 1`) and status.
            let (c, s) = (
                span.of(&runs.progress, *m),
                span.of(&runs.progress_score, *m),
            );
            let (code, score) = (&mut out.progress[..p], &mut out.progress_score[..p]);
            for t in 0..p {
                let declared = c[t] != NOT_ASSESSED;
                let some = declared & !s[t].is_nan();
                (code[t], score[t]) =
                    progress_cell(some, (0.0 + s[t]) / 1.0, declared, c[t] == achieved);
            }
            keep_progress(runs, group.node, code, score);
            return;
        }
        let (n, k, sum, all) = (
            &mut self.n[..p],
            &mut self.k[..p],
            &mut self.sum[..p],
            &mut self.achieved[..p],
        );
        n.fill(0);
        k.fill(0);
        sum.fill(0.0);
        all.fill(true);
        let mut add = |m: usize, k: &mut [u32], sum: &mut [f64]| {
            let (c, s) = (span.of(&runs.progress, m), span.of(&runs.progress_score, m));
            for t in 0..p {
                let declared = c[t] != NOT_ASSESSED;
                let some = declared & !s[t].is_nan();
                n[t] += u32::from(declared);
                k[t] += u32::from(some);
                sum[t] += if some { s[t] } else { 0.0 };
                all[t] &= !some | (c[t] == achieved);
            }
        };
        for &m in &group.progress {
            add(m, k, sum);
        }
        let (group_k, group_sum) = (&mut self.group_k[..p], &mut self.group_sum[..p]);
        for members in &group.sub_groups {
            group_k.fill(0);
            group_sum.fill(0.0);
            for &m in members {
                add(m, group_k, group_sum);
            }
            for t in 0..p {
                if group_k[t] > 0 {
                    sum[t] += group_sum[t] / f64::from(group_k[t]);
                    k[t] += 1;
                }
            }
        }
        let (code, score) = (&mut out.progress[..p], &mut out.progress_score[..p]);
        for t in 0..p {
            (code[t], score[t]) =
                progress_cell(k[t] > 0, sum[t] / f64::from(k[t]), n[t] > 0, all[t]);
        }
        keep_progress(runs, group.node, code, score);
    }

    /// Group `g`'s run from its members' runs, into `out` and its node's run.
    pub(super) fn combine(
        &mut self,
        runs: &mut Runs,
        g: &Group,
        mut out: Out<'_>,
        rule: &Enough,
        spec: &AggregationSpec,
    ) {
        self.scores(runs, g, out.score, rule);
        self.colours(runs, g, &mut out, rule, spec);
        self.progress(runs, g, &mut out);
    }
}

/// A group cell's progress code and score: the mean `mean` of its scored members when `some`
/// are scored (with "target achieved" when `achieved`), else not available when a member
/// declares progress, not assessed when none does.
#[inline]
fn progress_cell(some: bool, mean: f64, declared: bool, achieved: bool) -> (i8, f64) {
    if some {
        (ProgressStatus::code_from_score(mean, achieved), mean)
    } else if declared {
        (ProgressStatus::NotAvailable.code(), f64::NAN)
    } else {
        (NOT_ASSESSED, f64::NAN)
    }
}

/// A group's progress run, kept in its node's run for the levels above.
fn keep_progress(runs: &mut Runs, node: usize, code: &[i8], score: &[f64]) {
    let span = runs.span;
    span.of_mut(&mut runs.progress, node).copy_from_slice(code);
    span.of_mut(&mut runs.progress_score, node)
        .copy_from_slice(score);
}
