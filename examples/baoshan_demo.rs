//! The Baoshan demo from Rust: load the built-in programme and the demo dataset into a temporary
//! store, evaluate every year, and print the 2017 scorecard of 保山市 and the progress bulletin
//! as of 2017-12-31.
//!
//! Run with `cargo run --example baoshan_demo`.

use chrono::NaiveDate;
use ecociv::report::{Context, bulletin_markdown};
use ecociv::store::Store;
use ecociv::{EvaluationRequest, Period, programme};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path().join("demo.redb"))?;
    let report = ecociv::demo::load_baoshan(&store)?;
    println!("loaded {} observations", report.rows);
    let programme = programme::builtin("baoshan-2017")?;
    let request = EvaluationRequest {
        periods: Some((Period::Year(2012), Period::Year(2020))),
        ..EvaluationRequest::default()
    };
    let evaluation = store.evaluate(&programme, &request)?;
    let ctx = Context::new(&programme, &evaluation);
    println!("{}", ctx.scorecard_markdown("530500", Period::Year(2017)).ok_or("no 2017 scorecard")?);
    let as_of = NaiveDate::from_ymd_opt(2017, 12, 31).ok_or("bad date")?;
    let bulletin = ecociv::progress::bulletin(&programme, as_of, &[], 90);
    println!("{}", bulletin_markdown(&programme.title, &bulletin, &[]));
    Ok(())
}
